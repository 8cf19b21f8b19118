package org.pprl.core.link;

import java.util.Arrays;

/**
 * One candidate set after its decision: the weight of each candidate, the cut, which candidates are
 * links on their own (the clustering's edges), and how to weigh any other pair of the two parties'
 * records.
 */
abstract class Decided {
  final int a;
  final int b;
  final long[] pairs;
  Linker.Cut cut;

  /** Candidate numbers whose pair is a link on its own, ascending. */
  int[] edges = new int[0];

  Decided(int a, int b, long[] pairs) {
    this.a = a;
    this.b = b;
    this.pairs = pairs;
  }

  /** Candidate k's weight: its match weight, or its CLK Dice. */
  abstract double weight(int k);

  /** A candidate's score in the pairs file: its match probability, or its CLK Dice. */
  abstract double score(double weight);

  /** The weight of any pair of the two parties' records, candidate or not. */
  abstract double weight(Party pa, int i, Party pb, int j);

  /** The margin of any pair: weight less the cut (at least 0 for a link on its own). */
  double margin(Party pa, int i, Party pb, int j) {
    return weight(pa, i, pb, j) - cutValue();
  }

  double margin(int k) {
    return weight(k) - cutValue();
  }

  abstract double cutValue();

  /** A Fellegi–Sunter decision: weights by pattern, a cut on the match weight. */
  static final class Model extends Decided {
    private final int[] patternOf;
    private final double[] patternWeight;
    private final PairModel model;
    private final double cutWeight;
    final double logPrior;

    /**
     * Inside one party, each pattern's posterior of a duplicate, which the cut's estimates sum
     * (null across parties, where the estimates come from the null of best non-matches).
     */
    double[] duplicateByPattern;

    Model(
        int a,
        int b,
        long[] pairs,
        int[] patternOf,
        double[] patternWeight,
        PairModel model,
        double cutWeight,
        double logPrior) {
      super(a, b, pairs);
      this.patternOf = patternOf;
      this.patternWeight = patternWeight;
      this.model = model;
      this.cutWeight = cutWeight;
      this.logPrior = logPrior;
    }

    @Override
    double weight(int k) {
      return patternWeight[patternOf[k]];
    }

    @Override
    double score(double weight) {
      return posterior(weight, logPrior);
    }

    @Override
    double weight(Party pa, int i, Party pb, int j) {
      return model.weight(pa, i, pb, j);
    }

    @Override
    double cutValue() {
      return cutWeight;
    }

    /** The joint fields the model compares. */
    FieldGroups groups() {
      return model.groups();
    }

    /** Candidate k's posterior of a duplicate (see {@link #duplicateByPattern}). */
    double duplicate(int k) {
      return duplicateByPattern[patternOf[k]];
    }
  }

  /** A Dice threshold decision: no model, the user's threshold on CLK Dice. */
  static final class Dice extends Decided {
    private final double[] dice;
    private final double threshold;

    Dice(int a, int b, long[] pairs, double[] dice, double threshold) {
      super(a, b, pairs);
      this.dice = dice;
      this.threshold = threshold;
    }

    @Override
    double weight(int k) {
      return dice[k];
    }

    @Override
    double score(double weight) {
      return weight;
    }

    @Override
    double weight(Party pa, int i, Party pb, int j) {
      return pa.clks().dice(i, pb.clks(), j);
    }

    @Override
    double cutValue() {
      return threshold;
    }
  }

  /** The posterior of a match weight under a prior given as log odds. */
  static double posterior(double weight, double logPrior) {
    return 1 / (1 + Math.exp(-(weight * Math.log(2) + logPrior)));
  }

  /** The candidates (of {@code among}, or all when null) whose margin is at least 0, ascending. */
  static int[] atOrAbove(Decided d, int[] among) {
    int n = among == null ? d.pairs.length : among.length;
    int[] out = new int[n];
    int kept = 0;
    for (int c = 0; c < n; c++) {
      int k = among == null ? c : among[c];
      if (d.margin(k) >= 0) {
        out[kept++] = k;
      }
    }
    return Arrays.copyOf(out, kept);
  }
}
