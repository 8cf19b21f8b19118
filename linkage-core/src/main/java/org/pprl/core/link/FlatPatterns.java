package org.pprl.core.link;

import org.pprl.core.match.ComparisonPatterns;

/**
 * Distinct agreement patterns laid out flat for the model's passes over all of them: EM's step of
 * the three-class model (duplicates m, related r, random u), with each pattern's posteriors and the
 * M-step's tallies in one pass, and each pattern's sum of a level table (log-likelihoods, weights).
 * The shared-value model runs a step per block per iteration, the models inside extracts and across
 * run theirs, and every candidate's pattern is weighed.
 */
final class FlatPatterns {
  /*
   * Why. The E-step and the M-step's tallies were three passes over the patterns (posteriors, then
   * a tally of m and one of r), each pattern's levels read through a method call and the level
   * tables as arrays of rows; a pattern's weight took a logarithm per field. On FEBRL4 the
   * shared-value model runs 64 iterations over 45,000 patterns in 9 blocks, and those passes were
   * most of its time. Here one pass does a step, with the levels as flat cell numbers, the tables
   * flat and their logarithms taken once per table.
   *
   * Invariant: every sum is added up in the order of before (pattern by pattern, field by field, a
   * cell's tally in pattern order), so every model and weight comes out the same to the last bit.
   * A missing field points at the spare cell past the last level: its value is 0, and adding 0.0
   * to a sum that started from a class share's logarithm or from +0.0 (never -0.0) changes
   * nothing; the tallies it receives there are thrown away.
   */

  private final int fields;
  private final int size;

  /** Pattern p's cell of field f, {@code cell[p * fields + f]}: the field's first cell + level. */
  private final int[] cell;

  /** Each pattern's count of pairs. */
  private final double[] count;

  /** Field f's levels are cells {@code first[f] .. first[f+1]-1}; the spare cell is last. */
  private final int[] first;

  /** The patterns as they are now; patterns added to them later are not seen. */
  FlatPatterns(ComparisonPatterns patterns) {
    fields = patterns.fields();
    size = patterns.size();
    first = new int[fields + 1];
    for (int f = 0; f < fields; f++) {
      first[f + 1] = first[f] + patterns.levels(f);
    }
    int spare = first[fields];
    cell = new int[size * fields];
    count = new double[size];
    for (int p = 0; p < size; p++) {
      for (int f = 0; f < fields; f++) {
        int l = patterns.level(p, f);
        cell[p * fields + f] = l == ComparisonPatterns.MISSING ? spare : first[f] + l;
      }
      count[p] = patterns.count(p);
    }
  }

  /** Cells of a flat table: every level of every field, and the spare cell. */
  int cells() {
    return first[fields] + 1;
  }

  int size() {
    return size;
  }

  /** A level table ({@code x[f][l]}) as natural logs in cells; the spare cell's log is 0. */
  double[] logs(double[][] x) {
    double[] out = new double[cells()];
    for (int f = 0; f < fields; f++) {
      for (int l = 0; l < x[f].length; l++) {
        out[first[f] + l] = Math.log(x[f][l]);
      }
    }
    return out;
  }

  /**
   * Each pattern's match weight under a two-class model: the sum over its fields of log2 {@code
   * m[f][l] / u[f][l]} (a missing field adds nothing).
   */
  double[] weights(double[][] m, double[][] u) {
    double[] levelWeights = new double[cells()];
    for (int f = 0; f < fields; f++) {
      for (int l = 0; l < m[f].length; l++) {
        levelWeights[first[f] + l] = Math.log(m[f][l] / u[f][l]) / Math.log(2);
      }
    }
    return sums(levelWeights, 0);
  }

  /**
   * Each pattern's {@code start} plus its cells' values, added field by field: with {@link #logs} a
   * log-likelihood.
   */
  double[] sums(double[] cells, double start) {
    double[] out = new double[size];
    for (int p = 0, at = 0; p < size; p++, at += fields) {
      double sum = start;
      for (int f = 0; f < fields; f++) {
        sum += cells[cell[at + f]];
      }
      out[p] = sum;
    }
    return out;
  }

  /**
   * Adds the tallies of {@code cells} (the spare cell left out) to the level table {@code into}.
   */
  void addTo(double[] cells, double[][] into) {
    for (int f = 0; f < fields; f++) {
      for (int l = 0; l < into[f].length; l++) {
        into[f][l] += cells[first[f] + l];
      }
    }
  }

  /** The sums one step gives besides the tallies. */
  static final class Sums {
    /** The duplicate and related posteriors summed over the pairs, and the pairs. */
    double duplicates;

    double related;
    double pairs;

    /** The log-likelihood of the pairs under the step's parameters. */
    double logLikelihood;
  }

  /**
   * One step: under m, r and u (natural logs in cells, {@link #logs}) and the shares pm and pr
   * (random: the rest, floored at FLOOR), adds each pattern's pairs times its duplicate posterior
   * to {@code mTally}'s cells and times its related posterior to {@code rTally}'s (both zero, of
   * {@link #cells} cells), and their sums, the pairs and the log-likelihood to {@code sums}.
   */
  void run(
      double[] logM,
      double[] logR,
      double[] logU,
      double pm,
      double pr,
      double[] mTally,
      double[] rTally,
      Sums sums) {
    double lm0 = Math.log(pm);
    double lr0 = Math.log(pr);
    double lu0 = Math.log(Math.max(RelatedClassModel.FLOOR, 1 - pm - pr));
    double logLikelihood = 0;
    double duplicates = 0;
    double related = 0;
    double pairs = 0;
    for (int p = 0, at = 0; p < size; p++, at += fields) {
      double lm = lm0;
      double lr = lr0;
      double lu = lu0;
      for (int f = 0; f < fields; f++) {
        int c = cell[at + f];
        lm += logM[c];
        lr += logR[c];
        lu += logU[c];
      }
      double top = Math.max(lm, Math.max(lr, lu));
      double em = Math.exp(lm - top);
      double er = Math.exp(lr - top);
      double sum = em + er + Math.exp(lu - top);
      double n = count[p];
      logLikelihood += n * (top + Math.log(sum));
      double toM = em / sum * n;
      double toR = er / sum * n;
      duplicates += toM;
      related += toR;
      pairs += n;
      for (int f = 0; f < fields; f++) {
        int c = cell[at + f];
        mTally[c] += toM;
        rTally[c] += toR;
      }
    }
    sums.duplicates += duplicates;
    sums.related += related;
    sums.pairs += pairs;
    sums.logLikelihood += logLikelihood;
  }
}
