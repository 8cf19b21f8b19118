package org.pprl.core.link;

import java.io.Serializable;
import java.util.Arrays;
import org.pprl.core.match.FilterMatrix;

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

  /**
   * How any pair of the two parties' records weighs: what the clustering asks of a decision, apart
   * from its candidates.
   */
  abstract Weigher weigher();

  /** A candidate's score in the pairs file: its match probability, or its CLK Dice. */
  double score(double weight) {
    return weigher().score(weight);
  }

  /** The weight of any pair of the two parties' records, candidate or not. */
  double weight(Party pa, int i, Party pb, int j) {
    return weigher().weight(pa.fields(), i, pb.fields(), j, pa.clks(), pb.clks());
  }

  /** The margin of any pair: weight less the cut (at least 0 for a link on its own). */
  double margin(Party pa, int i, Party pb, int j) {
    return weight(pa, i, pb, j) - cutValue();
  }

  double margin(int k) {
    return weight(k) - cutValue();
  }

  double cutValue() {
    return weigher().cutValue();
  }

  /**
   * A decision's rule for any pair of records, with none of its candidates: small and serializable,
   * so that an engine can weigh pairs where the records are ({@link EntityFinder}).
   */
  abstract static class Weigher implements Serializable {
    private static final long serialVersionUID = 1L;

    /**
     * The weight of record i of the first party with record j of the second, given each party's
     * records as field filters ({@code fx}, {@code fy}) and CLKs ({@code cx}, {@code cy}); a
     * weigher reads only the one it needs, and the other may be null.
     */
    abstract double weight(
        FieldFilters fx, int i, FieldFilters fy, int j, FilterMatrix cx, FilterMatrix cy);

    /** A pair's score in the pairs file, from its weight. */
    abstract double score(double weight);

    /** The cut on the weight. */
    abstract double cutValue();

    /** Whether {@link #weight} reads the field filters (else the CLKs). */
    abstract boolean readsFields();
  }

  /** A Fellegi–Sunter model's rule: match weights from the field levels, a cut on them. */
  static final class ModelWeigher extends Weigher {
    private static final long serialVersionUID = 1L;
    private final PairModel model;
    private final double cutWeight;
    private final double logPrior;

    ModelWeigher(PairModel model, double cutWeight, double logPrior) {
      this.model = model;
      this.cutWeight = cutWeight;
      this.logPrior = logPrior;
    }

    @Override
    double weight(
        FieldFilters fx, int i, FieldFilters fy, int j, FilterMatrix cx, FilterMatrix cy) {
      return model.weight(fx, i, fy, j);
    }

    @Override
    double score(double weight) {
      return posterior(weight, logPrior);
    }

    @Override
    double cutValue() {
      return cutWeight;
    }

    @Override
    boolean readsFields() {
      return true;
    }
  }

  /** Dice threshold matching's rule: the CLKs' Dice, the user's threshold. */
  static final class DiceWeigher extends Weigher {
    private static final long serialVersionUID = 1L;
    private final double threshold;

    DiceWeigher(double threshold) {
      this.threshold = threshold;
    }

    @Override
    double weight(
        FieldFilters fx, int i, FieldFilters fy, int j, FilterMatrix cx, FilterMatrix cy) {
      return cx.dice(i, cy, j);
    }

    @Override
    double score(double weight) {
      return weight;
    }

    @Override
    double cutValue() {
      return threshold;
    }

    @Override
    boolean readsFields() {
      return false;
    }
  }

  /** A Fellegi–Sunter decision: weights by pattern, a cut on the match weight. */
  static final class Model extends Decided {
    private final int[] patternOf;
    private final double[] patternWeight;
    private final PairModel model;
    private final ModelWeigher weigher;
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
      this.weigher = new ModelWeigher(model, cutWeight, logPrior);
      this.logPrior = logPrior;
    }

    @Override
    double weight(int k) {
      return patternWeight[patternOf[k]];
    }

    @Override
    Weigher weigher() {
      return weigher;
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
    private final DiceWeigher weigher;

    Dice(int a, int b, long[] pairs, double[] dice, double threshold) {
      super(a, b, pairs);
      this.dice = dice;
      this.weigher = new DiceWeigher(threshold);
    }

    @Override
    double weight(int k) {
      return dice[k];
    }

    @Override
    Weigher weigher() {
      return weigher;
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
