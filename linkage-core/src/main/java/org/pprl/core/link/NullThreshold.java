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
   * weights look like the weight of a record's best non-match. Each record's best candidate inside
   * its own extract that the model inside does not take for a duplicate (Decisions.bestInside) is
   * a sample of what a best non-match weighs, whether or not the record has a partner across: the
   * null N of false-link weights.
   *
   * How. The assigned weights are a mixture (1 - pi0)·T + pi0·N. Below the median of N the true
   * matches put little mass, so pi0 ≈ (share of assigned weights below that median) / 0.5, at
   * most 1. For a threshold t the expected false links kept are FP(t) = pi0·n·P_N(w ≥ t), the
   * true links kept TP(t) = kept(t) − FP(t), and those missed (1 − pi0)·n − TP(t); the threshold
   * maximises the F1 these estimates give. This is the two-group model of Efron ("Large-scale
   * simultaneous hypothesis testing", JASA 2004) with an empirical null, and the target-decoy
   * idea of proteomics (Elias & Gygi, Nature Methods 2007) with best non-matches as decoys.
   *
   * Until 2026-12-06 extracts declared free of duplicates (--one-to-one) were not searched inside,
   * and the null was each record's runner-up beside its assigned partner. A record without a
   * partner has its second-best non-match as runner-up, so where most records have no partner the
   * runner-ups sit below the forced partners and pi0 came out too low; three switches then
   * replaced it by the three-class model's share (from a runner-up pi0 of 0.5, 0.8, or below
   * 10,000 assigned pairs). The best non-match has no such bias, and those switches are gone.
   *
   * At scale. Two errors, both on the side of cutting too high (11M-person city, 1.03M × 0.88M
   * records: recall 0.797 at precision 0.9993, where the truth allows 0.876 at F1 0.899):
   *
   * 1. Link-like nulls. A person listed twice in one extract (records B1, B2): B2's best
   *    candidate inside is B1, a true match the model inside may not take for a duplicate (and
   *    with the runner-ups, B2's runner-up was B1's partner A1). Such nulls weigh like links, so
   *    the null gets a heavy upper tail (runner-ups at or above weight 30: 1.0 %, forced partners:
   *    0.04 %). So the null sample is a mixture R = (1 − eps)·N + eps·T, with T the links' weight
   *    distribution, as the assigned A = pi0·N + (1 − pi0)·T. Where N has no mass (weights only
   *    links reach), the ratio of the upper tails R(≥ t) / A(≥ t) is a constant c = eps / (1 −
   *    pi0); then N(≥ t) = (R(≥ t) − c·A(≥ t)) / (1 − c) exactly. c is measured as the lowest
   *    ratio over the thresholds that keep between LINK_LIKE_TOP of the assigned pairs and the
   *    share the null takes for links (1 − pi0 from the median): where N still has mass the ratio
   *    is larger, so the lowest one is the plateau, and with no link-like nulls c is about 0 and
   *    nothing changes.
   *
   * 2. pi0 from the median alone counts every link weighing less than the null's median as a
   *    forced partner (persons who moved; about 7 % of the links at scale, pi0 0.69 where 0.63 is
   *    true), and the estimated links are then used up above weight 29. The estimates must agree
   *    at every threshold: the links kept above t, A(≥ t)·n − pi0·n·N(≥ t), cannot exceed all
   *    links, (1 − pi0)·n. That gives pi0 ≤ A(< t) / N(< t) for every t, and pi0 is the smallest
   *    of these bounds over the thresholds from the null's median up (Storey's estimator, "A
   *    direct approach to false discovery rates", JRSS B 2002, taken at the tightest lambda of at
   *    least 0.5). Measured against the truth at 100k, 300k and 1M records per extract, the
   *    estimated false links kept agree with the true count within 25 % (they were 30 times too
   *    many at 1M).
   *
   * Guards, all from one case, two extracts of different persons: the best non-match inside a
   * larger extract weighs a little less than a forced partner, so the null said 0.97 forced where
   * all were, and the F1 of the few estimated matches was best at weight -12.5 with 2,432 false
   * links. (1) No cut below weight 0: there the comparison itself favours two persons. (2) No cut
   * where the estimates say the links kept are more likely false than true. (3) Where the null
   * says nearly all pairs are forced (NEARLY_ALL_FORCED), pi0 is a ratio of two small shares; a
   * larger share from the three-class model replaces it. This is the one switch left.
   */

  /** From this pi0 on, a larger share of non-matches from the model replaces it (see above). */
  static final double NEARLY_ALL_FORCED = 0.8;

  /** Link-like nulls are measured where this share of the assigned pairs lies above. */
  static final double LINK_LIKE_TOP = 0.01;

  /** The fewest assigned pairs above a threshold where link-like nulls are measured. */
  static final int LINK_LIKE_MIN = 20;

  /**
   * The decision and its estimates, for the report.
   *
   * @param nullShare pi0, the estimated share of forced partners among the assigned pairs
   * @param modelShare whether pi0 is the three-class model's share (the null sample used as it is)
   * @param linkLikeNulls how many of the null sample were estimated to be links and left out of the
   *     null (0 when modelShare)
   */
  record Choice(
      double threshold,
      double nullShare,
      long kept,
      double expectedFalse,
      double expectedMissed,
      boolean modelShare,
      double linkLikeNulls) {}

  private NullThreshold() {}

  /**
   * The cut over the weights of the assigned pairs, with each record's best non-match ({@code
   * best}: each record's best non-duplicate inside its own extract) as the null; no cut below 0.
   * {@code modelNullShare} is the three-class model's share of non-matches among the assigned pairs
   * (NaN for none), used only where the null says nearly every pair is forced, where its own
   * estimate is a ratio of two small shares (two extracts that share nobody: 0.97 by the null,
   * 2,432 false links kept before the model's share and the floor at 0).
   */
  static Choice choose(double[] assigned, double[] best, double modelNullShare) {
    Choice own = decide(assigned, best, Double.NaN);
    if (Double.isNaN(modelNullShare)
        || own.nullShare() < NEARLY_ALL_FORCED
        || modelNullShare <= own.nullShare()) {
      return own;
    }
    return decide(assigned, best, modelNullShare);
  }

  /**
   * The cut, with pi0 estimated from the null sample ({@code modelNullShare} NaN) or the model's
   * share (then the sample is taken as it is).
   */
  private static Choice decide(double[] assigned, double[] nullSample, double modelNullShare) {
    int n = assigned.length;
    if (n == 0) {
      return new Choice(Double.POSITIVE_INFINITY, 0, 0, 0, 0, false, 0);
    }
    double[] a = assigned.clone();
    Arrays.sort(a);
    if (nullSample.length == 0) {
      // Nothing to compare with: no record has a candidate inside its own extract.
      return new Choice(a[0], 0, n, 0, 0, false, 0);
    }
    double[] nul = nullSample.clone();
    Arrays.sort(nul);
    int m = nul.length;
    // Candidate thresholds: each distinct assigned weight (keep everything at or above it).
    int distinct = 0;
    for (int k = 0; k < n; k++) {
      if (k == 0 || a[k] != a[k - 1]) {
        distinct++;
      }
    }
    double[] ts = new double[distinct];
    long[] keptAt = new long[distinct];
    double[] assignedAbove = new double[distinct]; // share of assigned weights >= t
    double[] sampleAbove = new double[distinct]; // share of the null sample >= t
    distinct = 0;
    for (int k = 0; k < n; k++) {
      if (k == 0 || a[k] != a[k - 1]) {
        ts[distinct] = a[k];
        keptAt[distinct] = n - k;
        assignedAbove[distinct] = (n - k) / (double) n;
        sampleAbove[distinct] = countAtLeast(nul, a[k]) / (double) m;
        distinct++;
      }
    }
    boolean modelShare = !Double.isNaN(modelNullShare);
    double pi0;
    double c = 0;
    double[] nullAbove = sampleAbove;
    if (modelShare) {
      pi0 = Math.min(1.0, modelNullShare);
    } else {
      // pi0 from below the null's median (see above).
      double median = nul[(m - 1) / 2];
      double belowShare = (n - countAtLeast(a, Math.nextUp(median))) / (double) n;
      double nullAtMost = (m - countAtLeast(nul, Math.nextUp(median))) / (double) m;
      pi0 = Math.min(1.0, belowShare / Math.max(nullAtMost, 1e-12));
      // Nulls that weigh like links: c, the lowest ratio of the null's upper tail to the assigned
      // pairs', over thresholds with at least LINK_LIKE_TOP of the assigned pairs (and
      // LINK_LIKE_MIN) above and at most the share the null takes for links.
      c = Double.POSITIVE_INFINITY;
      for (int d = 0; d < ts.length; d++) {
        double above = assignedAbove[d];
        if (above * n >= Math.max(LINK_LIKE_MIN, LINK_LIKE_TOP * n) && above <= 1 - pi0) {
          c = Math.min(c, sampleAbove[d] / above);
        }
      }
      if (!(c < 1)) {
        c = 0;
      }
      nullAbove = new double[ts.length];
      double previous = 1;
      for (int d = 0; d < ts.length; d++) {
        double corrected = (sampleAbove[d] - c * assignedAbove[d]) / (1 - c);
        nullAbove[d] = Math.max(0, Math.min(previous, corrected));
        previous = nullAbove[d];
      }
      // pi0: the largest share of forced partners for which no threshold from the null's median
      // up estimates more true links above it than there are in all.
      for (int d = 0; d < ts.length; d++) {
        double nullBelow = 1 - nullAbove[d];
        if (nullBelow >= 0.5) {
          pi0 = Math.min(pi0, (1 - assignedAbove[d]) / nullBelow);
        }
      }
    }
    assert pi0 >= 0 && pi0 <= 1 : pi0;
    double trueTotal = (1 - pi0) * n;
    double linkLike = c * (1 - pi0) * m;

    double best = -1;
    Choice choice = null;
    for (int d = 0; d < ts.length; d++) {
      if (ts[d] < 0) {
        continue;
      }
      long kept = keptAt[d];
      double fp = Math.min(pi0 * n * nullAbove[d], kept);
      double tp = Math.min(kept - fp, trueTotal); // no more true links kept than there are
      double fn = Math.max(0, trueTotal - tp);
      if (fp > tp) {
        continue; // links on their own more likely true than false
      }
      double f1 = 2 * tp + fp + fn == 0 ? 0 : 2 * tp / (2 * tp + fp + fn);
      if (f1 > best) {
        best = f1;
        choice = new Choice(ts[d], pi0, kept, fp, fn, modelShare, linkLike);
      }
    }
    if (best <= 0) {
      // No threshold keeps a link the estimates call true (every pair forced: extracts that share
      // nobody). Every F1 is 0 then, and the first threshold, which keeps every pair, won.
      return new Choice(Double.POSITIVE_INFINITY, pi0, 0, 0, trueTotal, modelShare, linkLike);
    }
    return choice;
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
