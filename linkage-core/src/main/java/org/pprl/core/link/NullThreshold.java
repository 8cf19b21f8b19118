package org.pprl.core.link;

import java.util.Arrays;

/**
 * Chooses, without labels, the match-weight threshold for pairs that survived one-to-one
 * assignment, by estimating how the weights of false links are distributed.
 */
final class NullThreshold {
  /*
   * Why. Among assigned pairs, a record with a true partner usually got it; a record without one
   * got its best available non-match. Those forced partners are the false links to cut, and their
   * weights look like the weight of a record's best non-match. Every record also has a best
   * non-match besides its assigned partner: its runner-up. So the runner-up weights of all
   * records sample the null distribution N of false-link weights (slightly low for records
   * without a partner, whose runner-up is their second-best non-match).
   *
   * How. The assigned weights are a mixture (1 - pi0)·T + pi0·N. Below the median of N the true
   * matches put little mass, so pi0 ≈ (share of assigned weights below that median) / 0.5, at
   * most 1. For a threshold t the expected false links kept are FP(t) = pi0·n·P_N(w ≥ t), the
   * true links kept TP(t) = kept(t) − FP(t), and those missed (1 − pi0)·n − TP(t); the threshold
   * maximises the F1 these estimates give. This is the two-group model of Efron ("Large-scale
   * simultaneous hypothesis testing", JASA 2004) with an empirical null, and the target-decoy
   * idea of proteomics (Elias & Gygi, Nature Methods 2007) with runner-ups as decoys.
   */

  /** The decision and its estimates, for the report. */
  record Choice(
      double threshold, double nullShare, long kept, double expectedFalse, double expectedMissed) {}

  private NullThreshold() {}

  /**
   * @param assigned weights of the assigned pairs
   * @param runnersUp weights of each record's best candidate other than its assigned partner
   */
  static Choice choose(double[] assigned, double[] runnersUp) {
    int n = assigned.length;
    if (n == 0) {
      return new Choice(Double.POSITIVE_INFINITY, 0, 0, 0, 0);
    }
    double[] a = assigned.clone();
    Arrays.sort(a);
    if (runnersUp.length == 0) {
      // Nothing to compare with: every record's only candidate is its partner.
      return new Choice(a[0], 0, n, 0, 0);
    }
    double[] nul = runnersUp.clone();
    Arrays.sort(nul);
    double median = nul[(nul.length - 1) / 2];
    double belowShare = countAtMost(a, median) / (double) n;
    double nullAtMost = countAtMost(nul, median) / (double) nul.length;
    double pi0 = Math.min(1.0, belowShare / Math.max(nullAtMost, 1e-12));
    double trueTotal = (1 - pi0) * n;

    double best = -1;
    Choice choice = null;
    // Candidate thresholds: each distinct assigned weight (keep everything at or above it).
    for (int k = 0; k < n; k++) {
      if (k > 0 && a[k] == a[k - 1]) {
        continue;
      }
      double t = a[k];
      long kept = n - k;
      double fp = pi0 * n * (countAtLeast(nul, t) / (double) nul.length);
      fp = Math.min(fp, kept);
      double tp = kept - fp;
      double fn = Math.max(0, trueTotal - tp);
      double f1 = 2 * tp + fp + fn == 0 ? 0 : 2 * tp / (2 * tp + fp + fn);
      if (f1 > best) {
        best = f1;
        choice = new Choice(t, pi0, kept, fp, fn);
      }
    }
    return choice;
  }

  private static int countAtMost(double[] sorted, double x) {
    int lo = 0;
    int hi = sorted.length;
    while (lo < hi) {
      int mid = (lo + hi) >>> 1;
      if (sorted[mid] <= x) {
        lo = mid + 1;
      } else {
        hi = mid;
      }
    }
    return lo;
  }

  private static int countAtLeast(double[] sorted, double x) {
    int lo = 0;
    int hi = sorted.length;
    while (lo < hi) {
      int mid = (lo + hi) >>> 1;
      if (sorted[mid] < x) {
        lo = mid + 1;
      } else {
        hi = mid;
      }
    }
    return sorted.length - lo;
  }
}
