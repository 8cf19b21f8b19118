package org.pprl.core.link;

import org.pprl.core.match.ComparisonPatterns;
import org.pprl.core.match.FellegiSunter;

/**
 * A three-class latent model for candidate pairs inside one extract: duplicates (m), related
 * non-matches such as members of one household (r), and random non-matches (u, fixed), estimated by
 * EM without labels.
 */
final class RelatedClassModel implements java.io.Serializable {
  private static final long serialVersionUID = 1L;

  /*
   * Why. With two classes and u fixed to random pairs, the free class learns "more alike than
   * random", and inside one extract the pairs most alike after duplicates are members of one
   * household: same family name and address, another given name and birth date. They outnumber
   * the duplicates, so the class becomes "same household" and every household pair weighs like a
   * duplicate. A second free class gives them a home: EM splits the candidates into a class that
   * agrees on every field (duplicates), a class that agrees on some (related records), and the
   * random class. This is the latent-class model of Fellegi-Sunter with more than two classes, as
   * in Winkler ("Near automatic weight computation in the Fellegi-Sunter model of record linkage",
   * 1989, where a three-class EM separates matches, same-household non-matches and others) and
   * Larsen & Rubin (JASA 2001).
   *
   * Which free class is the duplicates is decided by the data, not by the field names: it is the
   * one whose mean share of exact agreement over the fields is higher (the starts make it so, and
   * the check after EM swaps them if not). A pair's weight is log2 of its likelihood as a
   * duplicate over its likelihood as a non-match, the non-match likelihood being the mixture of
   * related and random pairs with their estimated shares; so a pair weighs high only when it
   * agrees where related records do not.
   *
   * Two or more extracts keep the two-class model's weights: there the related class lowered the
   * generated cities' F1 (docs/linkage.md, "Not yet"), because its duplicate class, assuming
   * the fields independent, puts persons who moved (every address field differs) among the related
   * records. Across extracts it only counts: withShares re-estimates the three shares over one pair
   * of extracts' candidates, and the sum of the duplicate posteriors over the assigned pairs is the
   * number of matches it sees there (NullThreshold uses it when most pairs are forced partners).
   */

  /**
   * Smallest probability of any level for a free duplicate class, as FellegiSunter.M_FLOOR. The
   * related class is floored at FLOOR only, as u is: with 0.01 it was made to share a birth date, a
   * given name and a middle name with 1 % of its pairs (random pairs: 0.003 %), so a duplicate that
   * kept only those fields looked related, and the model inside gave its kept duplicates posteriors
   * of about 0.93 where nearly all were true (generated city, severe corruption: 51 false links
   * expected, 1 true; with FLOOR 4 and 1, and F1 0.923 to 0.935).
   */
  static final double FREE_FLOOR = 0.01;

  /** Smallest u probability and class share, so that no weight is infinite. */
  static final double FLOOR = 1e-6;

  final double[][] m;
  final double[][] r;
  final double[][] u;

  /** Shares of the duplicate, related and random classes among the candidates. */
  final double duplicateShare;

  final double relatedShare;
  final int iterations;
  final boolean converged;

  private RelatedClassModel(
      double[][] m,
      double[][] r,
      double[][] u,
      double duplicateShare,
      double relatedShare,
      int iterations,
      boolean converged) {
    this.m = m;
    this.r = r;
    this.u = u;
    this.duplicateShare = duplicateShare;
    this.relatedShare = relatedShare;
    this.iterations = iterations;
    this.converged = converged;
  }

  /**
   * Estimates m, r and the class shares by EM, u fixed.
   *
   * @param known patterns of pairs known to be duplicates, counted towards m with certainty, or
   *     null
   * @param mStart start for m, favouring agreement on every field
   * @param u level frequencies of random pairs
   */
  static RelatedClassModel estimate(
      ComparisonPatterns patterns,
      ComparisonPatterns known,
      double[][] mStart,
      double[][] u,
      int maxIterations,
      double tolerance) {
    return estimate(patterns, known, mStart, false, u, maxIterations, tolerance);
  }

  /**
   * As {@link #estimate(ComparisonPatterns, ComparisonPatterns, double[][], double[][], int,
   * double)}, with m fixed to {@code mStart} when {@code fixM}: inside the extracts of a linkage,
   * where m comes from the matches across extracts (one person's records differ the same way
   * whichever agency holds them) and only r and the shares are estimated.
   */
  static RelatedClassModel estimate(
      ComparisonPatterns patterns,
      ComparisonPatterns known,
      double[][] mStart,
      boolean fixM,
      double[][] u,
      int maxIterations,
      double tolerance) {
    double[][] m = FellegiSunter.normalised(mStart, fixM ? FLOOR : FREE_FLOOR);
    // The related class starts from the candidates' own level frequencies: more alike than
    // random pairs, less than duplicates.
    double[][] r = patterns.zeroLevels();
    patterns.addLevelSums(r, null);
    r = FellegiSunter.normalised(r, FLOOR);
    double[][] uFixed = FellegiSunter.normalised(u, FLOOR);
    double pm = 0.05;
    double pr = 0.25;
    FlatPatterns step = new FlatPatterns(patterns);
    double[] logU = step.logs(uFixed);
    double[] logM = step.logs(m);
    int iteration = 0;
    boolean converged = false;
    while (iteration < maxIterations && !converged) {
      iteration++;
      double[] mTally = new double[step.cells()];
      double[] rTally = new double[step.cells()];
      FlatPatterns.Sums sums = new FlatPatterns.Sums();
      step.run(logM, step.logs(r), logU, pm, pr, mTally, rTally, sums);
      double[][] m2 = patterns.zeroLevels();
      step.addTo(mTally, m2);
      double[][] r2 = patterns.zeroLevels();
      step.addTo(rTally, r2);
      if (known != null) {
        known.addLevelSums(m2, null);
      }
      m2 = fixM ? m : FellegiSunter.normalised(m2, FREE_FLOOR);
      r2 = FellegiSunter.normalised(r2, FLOOR);
      double pm2 = Math.max(FLOOR, sums.duplicates / sums.pairs);
      double pr2 = Math.max(FLOOR, sums.related / sums.pairs);
      converged =
          Math.abs(pm2 - pm) <= tolerance
              && Math.abs(pr2 - pr) <= tolerance
              && FellegiSunter.maxChange(m, m2) <= tolerance
              && FellegiSunter.maxChange(r, r2) <= tolerance;
      if (m2 != m) {
        logM = step.logs(m2);
      }
      m = m2;
      r = r2;
      pm = pm2;
      pr = pr2;
    }
    if (!fixM && meanExactAgreement(r) > meanExactAgreement(m)) {
      return new RelatedClassModel(r, m, uFixed, pr, pm, iteration, converged);
    }
    return new RelatedClassModel(m, r, uFixed, pm, pr, iteration, converged);
  }

  /**
   * log2 of the likelihood of pattern {@code p} among duplicates over its likelihood among
   * non-matches (related and random, mixed by their shares).
   */
  double weight(ComparisonPatterns patterns, int p) {
    return weight(patterns.levelsOf(p));
  }

  /** As {@link #weight(ComparisonPatterns, int)} for a pair with these field levels. */
  double weight(int[] levels) {
    double lm = 0;
    double lr = Math.log(relatedShare);
    double lu = Math.log(Math.max(FLOOR, 1 - duplicateShare - relatedShare));
    for (int f = 0; f < m.length; f++) {
      int l = levels[f];
      if (l != ComparisonPatterns.MISSING) {
        lm += Math.log(m[f][l]);
        lr += Math.log(r[f][l]);
        lu += Math.log(u[f][l]);
      }
    }
    return weightOf(lm, lr, lu);
  }

  /**
   * Every pattern's {@link #weight(ComparisonPatterns, int)}, with each table's logs taken once.
   */
  double[] weights(FlatPatterns patterns) {
    double[] lm = patterns.sums(patterns.logs(m), 0);
    double[] lr = patterns.sums(patterns.logs(r), Math.log(relatedShare));
    double[] lu =
        patterns.sums(
            patterns.logs(u), Math.log(Math.max(FLOOR, 1 - duplicateShare - relatedShare)));
    double[] out = new double[lm.length];
    for (int p = 0; p < out.length; p++) {
      out[p] = weightOf(lm[p], lr[p], lu[p]);
    }
    return out;
  }

  /**
   * The weight of a pair whose log-likelihood is {@code lm} among duplicates, and {@code lr} and
   * {@code lu} among related and random pairs with their shares' logs added.
   */
  private double weightOf(double lm, double lr, double lu) {
    double top = Math.max(lr, lu);
    double non = top + Math.log(Math.exp(lr - top) + Math.exp(lu - top));
    non -= Math.log(1 - duplicateShare);
    return (lm - non) / Math.log(2);
  }

  /**
   * Each pattern's log-likelihood among duplicates, related and random pairs, without the shares:
   * the same for this model and every model {@link #withShares} makes of it.
   */
  record Likelihoods(double[] m, double[] r, double[] u) {}

  /** The patterns' {@link Likelihoods} under this model's m, r and u. */
  Likelihoods likelihoods(FlatPatterns patterns) {
    return new Likelihoods(
        patterns.sums(patterns.logs(m), 0),
        patterns.sums(patterns.logs(r), 0),
        patterns.sums(patterns.logs(u), 0));
  }

  /**
   * The same m, r and u, with the three shares re-estimated by EM over a subset of the candidates
   * (for one pair of extracts, whose share of matches differs from the pooled one).
   *
   * @param likelihoods the patterns' likelihoods under this model ({@link #likelihoods})
   * @param patternOf the pattern of each candidate in the subset
   */
  RelatedClassModel withShares(Likelihoods likelihoods, int[] patternOf) {
    int n = likelihoods.m().length;
    long[] count = new long[n];
    for (int p : patternOf) {
      count[p]++;
    }
    // Per pattern, log-likelihood under each class without the shares: fixed during this EM.
    double[] lm = likelihoods.m();
    double[] lr = likelihoods.r();
    double[] lu = likelihoods.u();
    double pm = duplicateShare;
    double pr = relatedShare;
    int iteration = 0;
    boolean settled = false;
    while (iteration < 1000 && !settled) {
      iteration++;
      double qm = Math.log(pm);
      double qr = Math.log(pr);
      double qu = Math.log(Math.max(FLOOR, 1 - pm - pr));
      double sumM = 0;
      double sumR = 0;
      double total = 0;
      for (int p = 0; p < n; p++) {
        if (count[p] == 0) {
          continue;
        }
        double a = qm + lm[p];
        double b = qr + lr[p];
        double c = qu + lu[p];
        double top = Math.max(a, Math.max(b, c));
        double ea = Math.exp(a - top);
        double eb = Math.exp(b - top);
        double sum = ea + eb + Math.exp(c - top);
        sumM += count[p] * ea / sum;
        sumR += count[p] * eb / sum;
        total += count[p];
      }
      double pm2 = Math.max(FLOOR, sumM / Math.max(1, total));
      double pr2 = Math.max(FLOOR, sumR / Math.max(1, total));
      settled = Math.abs(pm2 - pm) <= 1e-9 && Math.abs(pr2 - pr) <= 1e-9;
      pm = pm2;
      pr = pr2;
    }
    return new RelatedClassModel(m, r, u, pm, pr, iteration, settled);
  }

  /**
   * Posterior probability that a pair with pattern {@code p} is a duplicate (a match), from the
   * patterns' likelihoods under this model's m, r and u.
   */
  double duplicatePosterior(Likelihoods likelihoods, int p) {
    double a = Math.log(duplicateShare) + likelihoods.m()[p];
    double b = Math.log(relatedShare) + likelihoods.r()[p];
    double c = Math.log(Math.max(FLOOR, 1 - duplicateShare - relatedShare)) + likelihoods.u()[p];
    double top = Math.max(a, Math.max(b, c));
    double ea = Math.exp(a - top);
    return ea / (ea + Math.exp(b - top) + Math.exp(c - top));
  }

  private static double meanExactAgreement(double[][] x) {
    double sum = 0;
    for (double[] levels : x) {
      sum += levels[levels.length - 1];
    }
    return sum / x.length;
  }
}
