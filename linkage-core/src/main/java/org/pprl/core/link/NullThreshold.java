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
   * own bias is the larger one, and then never lowers pi0 by more than the noise of the runner-up
   * estimate. Where that estimate is noisy, nearly all pairs forced (pi0 at least
   * NEARLY_ALL_FORCED: a ratio of two small shares) or fewer than AT_SCALE_MIN assigned pairs, a
   * model share within two standard errors below it is taken as agreeing and used as it is: the
   * runner-up estimate moved by more than the two differ when the model's fields changed
   * (children's services × homeless services, 150 persons shared among 1,079 assigned pairs:
   * runner-ups 0.860 and model 0.873 with the address as three fields, 0.882 and 0.874 with it as
   * one), and what follows is built for many pairs. Where the model's share is used, the
   * runner-ups are used as they are, and what follows does not apply.
   *
   * At scale. Two errors, both on the side of cutting too high (11M-person city, 1.03M × 0.88M
   * records: recall 0.797 at precision 0.9993, where the truth allows 0.876 at F1 0.899):
   *
   * 1. Link-like runner-ups. A person listed twice in one extract (records B1, B2) whose record
   *    A1 of the other extract was assigned B1: B2's runner-up is A1, a true match. About 1.6 % of
   *    the runner-ups are such pairs; they weigh like links, so the null gets a heavy upper tail
   *    (runner-ups at or above weight 30: 1.0 %, forced partners: 0.04 %). So the runner-ups are
   *    a mixture R = (1 − eps)·N + eps·T, with T the links' weight distribution, as the assigned
   *    A = pi0·N + (1 − pi0)·T. Where N has no mass (weights only links reach), the ratio of the
   *    upper tails R(≥ t) / A(≥ t) is a constant c = eps / (1 − pi0); then N(≥ t) = (R(≥ t) −
   *    c·A(≥ t)) / (1 − c) exactly. c is measured as the lowest ratio over the thresholds that
   *    keep between LINK_LIKE_TOP of the assigned pairs and the share the runner-ups take for
   *    links (1 − pi0 from the median): where N still has mass the ratio is larger, so the lowest
   *    one is the plateau, and with no link-like runner-ups c is about 0 and nothing changes.
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
   */

  /*
   * The best non-match as the null (chooseWithBest). Where the extracts are also searched inside,
   * each record's best candidate inside its own extract that the model inside does not take for a
   * duplicate is a sample of a best non-match whether or not the record has a partner: it has none
   * of the runner-ups' bias where most records have no partner (NCVR: pi0 0.74 against 0.737 true,
   * where the runner-ups said 0.56 with the earlier weights). The link-like correction and the bound at every threshold
   * apply as above. Three guards, all from one case, two extracts of different persons: the best
   * non-match inside a larger extract weighs a little less than a forced partner, so the null
   * said 0.97 forced where all were, and the F1 of the few estimated matches was best at weight
   * -12.5 with 2,432 false links. (1) No cut below weight 0: there the comparison itself favours
   * two persons. (2) No cut where the estimates say the links kept are more likely false than
   * true. (3) Where the null says nearly all pairs are forced (NEARLY_ALL_FORCED), a larger share
   * from the model replaces it, as the runner-ups' estimate is replaced where it is noisy.
   */

  /** From this runner-up pi0 on, the model's non-match share may raise it (see above). */
  static final double MOSTLY_FORCED = 0.5;

  /** From this runner-up pi0 on, the model's non-match share replaces it (see above). */
  static final double NEARLY_ALL_FORCED = 0.8;

  /** Below this many assigned pairs, the model's non-match share replaces pi0 (see above). */
  static final int AT_SCALE_MIN = 10_000;

  /** The link-like runner-ups are measured where this share of the assigned pairs lies above. */
  static final double LINK_LIKE_TOP = 0.01;

  /** The fewest assigned pairs above a threshold where link-like runner-ups are measured. */
  static final int LINK_LIKE_MIN = 20;

  /**
   * The decision and its estimates, for the report.
   *
   * @param nullShare pi0, the estimated share of forced partners among the assigned pairs
   * @param modelShare whether pi0 is the three-class model's share (the runner-ups used as they
   *     are)
   * @param linkLikeRunnersUp how many runner-ups were estimated to be links and left out of the
   *     null (0 when modelShare)
   */
  record Choice(
      double threshold,
      double nullShare,
      long kept,
      double expectedFalse,
      double expectedMissed,
      boolean modelShare,
      double linkLikeRunnersUp) {}

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
    return choose(assigned, runnersUp, modelNullShare, Double.NEGATIVE_INFINITY);
  }

  /**
   * As {@link #choose(double[], double[], double)}, with no cut below {@code minimum}: weights
   * below 0 say the comparison itself favours two persons over one.
   */
  static Choice choose(
      double[] assigned, double[] runnersUp, double modelNullShare, double minimum) {
    return choose(assigned, runnersUp, modelNullShare, minimum, MOSTLY_FORCED);
  }

  /**
   * The cut with each record's best non-match as the null ({@code best}: each record's best
   * non-duplicate inside its own extract), no cut below 0. That null is not biased where most
   * records have no partner, as the runner-ups are; the model's share of non-matches is used only
   * where nearly every pair is forced, where the estimate is a ratio of two small shares (two
   * extracts that share nobody: 0.97 by this null, 2,432 false links kept before the model's share
   * and the floor at 0).
   */
  static Choice chooseWithBest(double[] assigned, double[] best, double modelNullShare) {
    Choice own = choose(assigned, best, Double.NaN, 0, Double.POSITIVE_INFINITY);
    if (Double.isNaN(modelNullShare)
        || own.nullShare() < NEARLY_ALL_FORCED
        || modelNullShare <= own.nullShare()) {
      return own;
    }
    return choose(assigned, best, modelNullShare, 0, 0);
  }

  private static Choice choose(
      double[] assigned,
      double[] runnersUp,
      double modelNullShare,
      double minimum,
      double modelFrom) {
    int n = assigned.length;
    if (n == 0) {
      return new Choice(Double.POSITIVE_INFINITY, 0, 0, 0, 0, false, 0);
    }
    double[] a = assigned.clone();
    Arrays.sort(a);
    if (runnersUp.length == 0) {
      // Nothing to compare with: every record's only candidate is its partner.
      return new Choice(a[0], 0, n, 0, 0, false, 0);
    }
    double[] nul = runnersUp.clone();
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
    double[] runnersUpAbove = new double[distinct]; // share of runner-up weights >= t
    distinct = 0;
    for (int k = 0; k < n; k++) {
      if (k == 0 || a[k] != a[k - 1]) {
        ts[distinct] = a[k];
        keptAt[distinct] = n - k;
        assignedAbove[distinct] = (n - k) / (double) n;
        runnersUpAbove[distinct] = countAtLeast(nul, a[k]) / (double) m;
        distinct++;
      }
    }
    // The runner-ups' own estimate of pi0, from below their median (see above); when it says most
    // pairs are forced and the model counts fewer matches, the model's share is used with the
    // runner-ups as they are.
    double median = nul[(m - 1) / 2];
    double belowShare = (n - countAtLeast(a, Math.nextUp(median))) / (double) n;
    double nullAtMost = (m - countAtLeast(nul, Math.nextUp(median))) / (double) m;
    double pi0 = Math.min(1.0, belowShare / Math.max(nullAtMost, 1e-12));
    // Where the ratio is noisy (nearly all pairs forced, or few pairs), a model share within two
    // of its standard errors (binomial errors of the two shares) counts as agreeing with it.
    double error =
        (Math.sqrt(belowShare * (1 - belowShare) / n)
                + pi0 * Math.sqrt(nullAtMost * (1 - nullAtMost) / m))
            / Math.max(nullAtMost, 1e-12);
    boolean noisy = pi0 >= NEARLY_ALL_FORCED || n < AT_SCALE_MIN;
    boolean modelShare =
        !Double.isNaN(modelNullShare)
            && pi0 >= modelFrom
            && (modelNullShare > pi0 || (noisy && modelNullShare > pi0 - 2 * error));
    double c = 0;
    double[] nullAbove = runnersUpAbove;
    if (modelShare) {
      pi0 = Math.min(1.0, modelNullShare);
    } else {
      // Runner-ups that weigh like links: c, the lowest ratio of the runner-ups' upper tail to
      // the assigned pairs', over thresholds with at least LINK_LIKE_TOP of the assigned pairs
      // (and LINK_LIKE_MIN) above and at most the share the runner-ups take for links.
      c = Double.POSITIVE_INFINITY;
      for (int d = 0; d < ts.length; d++) {
        double above = assignedAbove[d];
        if (above * n >= Math.max(LINK_LIKE_MIN, LINK_LIKE_TOP * n) && above <= 1 - pi0) {
          c = Math.min(c, runnersUpAbove[d] / above);
        }
      }
      if (!(c < 1)) {
        c = 0;
      }
      nullAbove = new double[ts.length];
      double previous = 1;
      for (int d = 0; d < ts.length; d++) {
        double corrected = (runnersUpAbove[d] - c * assignedAbove[d]) / (1 - c);
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
      if (ts[d] < minimum) {
        continue;
      }
      long kept = keptAt[d];
      double fp = Math.min(pi0 * n * nullAbove[d], kept);
      double tp = Math.min(kept - fp, trueTotal); // no more true links kept than there are
      double fn = Math.max(0, trueTotal - tp);
      if (minimum > Double.NEGATIVE_INFINITY && fp > tp) {
        continue; // with the best-non-match null: links on their own more likely true than false
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
