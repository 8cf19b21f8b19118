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
   *
   * When most records have no partner. A record without a partner is assigned its best
   * non-match, but its runner-up is its second best; only a record with a partner has its best
   * non-match as runner-up. So when most assigned pairs are forced partners, the runner-ups sit
   * below the forced partners' weights, pi0 comes out too low and the cut keeps look-alikes (two
   * extracts sharing 9 persons among 1,630 assigned pairs: pi0 0.79 by the runner-ups, 493 links
   * kept of which 8 true). The estimate is then checked against a model that does not lean on
   * runner-ups: the three-class model's share of non-matches among the assigned pairs
   * (RelatedClassModel.withShares), and pi0 is the larger of the two. That model counts persons
   * who moved as non-matches, so it overstates pi0 by about their share; it is used only when the
   * runner-up estimate itself says most pairs are forced (pi0 at least MOSTLY_FORCED), where its
   * own bias is the larger one, and never lowers pi0.
   */

  /** From this runner-up pi0 on, the model's non-match share may raise it (see above). */
  static final double MOSTLY_FORCED = 0.5;

  /** The decision and its estimates, for the report. */
  record Choice(
      double threshold,
      double nullShare,
      long kept,
      double expectedFalse,
      double expectedMissed,
      boolean modelShare) {}

  private NullThreshold() {}

  /**
   * @param assigned weights of the assigned pairs
   * @param runnersUp weights of each record's best candidate other than its assigned partner
   */
  static Choice choose(double[] assigned, double[] runnersUp) {
    return choose(assigned, runnersUp, Double.NaN);
  }

  /**
   * As {@link #choose(double[], double[])}, with a second estimate of the share of non-matches
   * among the assigned pairs, from a model; NaN for none.
   */
  static Choice choose(double[] assigned, double[] runnersUp, double modelNullShare) {
    int n = assigned.length;
    if (n == 0) {
      return new Choice(Double.POSITIVE_INFINITY, 0, 0, 0, 0, false);
    }
    double[] a = assigned.clone();
    Arrays.sort(a);
    if (runnersUp.length == 0) {
      // Nothing to compare with: every record's only candidate is its partner.
      return new Choice(a[0], 0, n, 0, 0, false);
    }
    double[] nul = runnersUp.clone();
    Arrays.sort(nul);
    double median = nul[(nul.length - 1) / 2];
    double belowShare = countAtMost(a, median) / (double) n;
    double nullAtMost = countAtMost(nul, median) / (double) nul.length;
    double pi0 = Math.min(1.0, belowShare / Math.max(nullAtMost, 1e-12));
    boolean modelShare = false;
    if (pi0 >= MOSTLY_FORCED && modelNullShare > pi0) {
      pi0 = Math.min(1.0, modelNullShare);
      modelShare = true;
    }
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
        choice = new Choice(t, pi0, kept, fp, fn, modelShare);
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
