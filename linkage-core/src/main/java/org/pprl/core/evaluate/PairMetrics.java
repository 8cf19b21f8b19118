package org.pprl.core.evaluate;

/**
 * Precision, recall and F1 of predicted links against the true ones, counted over unordered record
 * pairs.
 *
 * <p>A ratio over nothing is undefined, never a perfect score: precision is {@link Double#NaN} when
 * nothing was predicted and recall when nothing was true. F1 is {@code 2 tp / (2 tp + fp + fn)},
 * the harmonic mean of the two where both are defined: 0 for an empty prediction against a truth
 * with pairs, and NaN only when there is neither a predicted nor a true pair.
 */
public record PairMetrics(long truePositives, long falsePositives, long falseNegatives) {

  public PairMetrics {
    if (truePositives < 0 || falsePositives < 0 || falseNegatives < 0) {
      throw new IllegalArgumentException(
          "counts must be non-negative, were "
              + truePositives
              + ", "
              + falsePositives
              + ", "
              + falseNegatives);
    }
  }

  public long predicted() {
    return truePositives + falsePositives;
  }

  public long actual() {
    return truePositives + falseNegatives;
  }

  /** The share of predicted pairs that are true; NaN when nothing was predicted. */
  public double precision() {
    return ratio(truePositives, predicted());
  }

  /** The share of true pairs that were predicted; NaN when nothing was true. */
  public double recall() {
    return ratio(truePositives, actual());
  }

  /** {@code 2 tp / (2 tp + fp + fn)}; NaN when there is neither a predicted nor a true pair. */
  public double f1() {
    return ratio(2 * truePositives, 2 * truePositives + falsePositives + falseNegatives);
  }

  /** {@code part / whole}, or NaN for a ratio over nothing. */
  static double ratio(long part, long whole) {
    return whole == 0 ? Double.NaN : (double) part / whole;
  }
}
