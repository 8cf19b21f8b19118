package org.pprl.core.evaluate;

/**
 * Precision, recall and F1 of predicted links against the true ones, counted over unordered record
 * pairs.
 *
 * <p>Precision is 1 when nothing was predicted and recall is 1 when nothing was true, so an empty
 * prediction against an empty truth scores F1 = 1.
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

  public double precision() {
    return predicted() == 0 ? 1.0 : (double) truePositives / predicted();
  }

  public double recall() {
    return actual() == 0 ? 1.0 : (double) truePositives / actual();
  }

  public double f1() {
    double p = precision();
    double r = recall();
    return p + r == 0 ? 0.0 : 2 * p * r / (p + r);
  }
}
