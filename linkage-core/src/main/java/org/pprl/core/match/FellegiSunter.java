package org.pprl.core.match;

/**
 * Probabilistic record linkage after Fellegi and Sunter: per field, the probability of each
 * agreement level among true matches (m) and among non-matches (u), estimated without labels by
 * expectation–maximisation, and from them each pair's match weight and posterior probability.
 */
public final class FellegiSunter {
  /*
   * Design.
   *
   * The model is the classic latent-class one (Fellegi & Sunter, "A theory for record linkage",
   * JASA 1969; EM estimation after Winkler, "Using the EM algorithm for weight computation in the
   * Fellegi-Sunter model of record linkage", 1988, and Jaro 1989): a pair is a match with prior
   * probability lambda, and given its class the fields agree independently. A missing field says
   * nothing and contributes a factor of one to both likelihoods (as in fastLink, Enamorado, Fifield
   * & Imai 2019).
   *
   * EM runs on distinct agreement patterns with their counts (ComparisonPatterns), so an iteration
   * costs O(patterns × fields), not O(pairs). m is floored at M_FLOOR: a level that no match in
   * the estimation set shows (say, a different street, when people who moved are rare among the
   * candidates) would otherwise weigh -20 bits and veto every link, although such matches exist;
   * the generator's moves and FEBRL's replaced addresses are exactly that. Every probability is
   * floored at FLOOR so that a level
   * never seen in one class does not make a weight infinite.
   */
  static final double FLOOR = 1e-6;

  /** Smallest m probability of any level: one match in a hundred may differ in any one way. */
  static final double M_FLOOR = 0.01;

  private FellegiSunter() {}

  /**
   * A fitted model.
   *
   * @param lambda prior probability that a pair in the estimation set is a match
   * @param m {@code m[f][l]}: probability of level l of field f among matches
   * @param u {@code u[f][l]}: the same among non-matches
   * @param iterations EM iterations run
   * @param converged whether the parameters settled before the iteration limit
   */
  public record Model(double lambda, double[][] m, double[][] u, int iterations, boolean converged)
      implements java.io.Serializable {

    /** log2 of the likelihood ratio of pattern {@code p}, without the prior. */
    public double weight(ComparisonPatterns patterns, int p) {
      return weight(patterns.levelsOf(p));
    }

    /**
     * log2 of the likelihood ratio of a pair with these field levels ({@link
     * ComparisonPatterns#MISSING} for a missing field), without the prior: for pairs that were not
     * among the estimation's patterns.
     */
    public double weight(int[] levels) {
      double w = 0;
      for (int f = 0; f < m.length; f++) {
        int l = levels[f];
        if (l != ComparisonPatterns.MISSING) {
          w += log2(m[f][l] / u[f][l]);
        }
      }
      return w;
    }

    /** Posterior probability that a pair with pattern {@code p} is a match. */
    public double posterior(ComparisonPatterns patterns, int p) {
      double logOdds = weight(patterns, p) * Math.log(2) + Math.log(lambda / (1 - lambda));
      return 1 / (1 + Math.exp(-logOdds));
    }
  }

  /**
   * Estimates lambda, m and u by EM.
   *
   * @param start initial m and u (for example u from random pairs and m favouring agreement)
   * @param lambda0 initial lambda, in (0, 1)
   * @param fixU keep u at its start value (when it came from a large random sample of pairs)
   * @param maxIterations at least 1
   * @param tolerance stop when no parameter moves more than this
   */
  public static Model estimate(
      ComparisonPatterns patterns,
      double[][] mStart,
      double[][] uStart,
      double lambda0,
      boolean fixU,
      int maxIterations,
      double tolerance) {
    return estimate(patterns, null, mStart, uStart, lambda0, fixU, maxIterations, tolerance);
  }

  /**
   * As {@link #estimate(ComparisonPatterns, double[][], double[][], double, boolean, int, double)},
   * with pairs known to be matches: their patterns count towards m with certainty in every M-step
   * (semi-supervised EM), which anchors m where the unlabelled pairs alone could mislead it.
   *
   * @param known patterns of known matching pairs, with the same fields and levels, or null
   */
  public static Model estimate(
      ComparisonPatterns patterns,
      ComparisonPatterns known,
      double[][] mStart,
      double[][] uStart,
      double lambda0,
      boolean fixU,
      int maxIterations,
      double tolerance) {
    int fields = patterns.fields();
    if (known != null && known.fields() != fields) {
      throw new IllegalArgumentException(
          "known links have " + known.fields() + " fields, the candidates " + fields);
    }
    checkShape(patterns, mStart, "m");
    checkShape(patterns, uStart, "u");
    if (!(lambda0 > 0 && lambda0 < 1)) {
      throw new IllegalArgumentException("lambda0 must be in (0, 1), was " + lambda0);
    }
    if (maxIterations < 1) {
      throw new IllegalArgumentException("maxIterations must be at least 1, was " + maxIterations);
    }
    double[][] m = normalised(mStart, M_FLOOR);
    double[][] u = normalised(uStart);
    double lambda = lambda0;
    int n = patterns.size();
    double[] g = new double[n];
    int iteration = 0;
    boolean converged = false;
    while (iteration < maxIterations && !converged) {
      iteration++;
      // E-step: posterior match probability of each pattern.
      double matches = 0;
      double total = 0;
      for (int p = 0; p < n; p++) {
        double logMatch = Math.log(lambda);
        double logNon = Math.log(1 - lambda);
        for (int f = 0; f < fields; f++) {
          int l = patterns.level(p, f);
          if (l != ComparisonPatterns.MISSING) {
            logMatch += Math.log(m[f][l]);
            logNon += Math.log(u[f][l]);
          }
        }
        g[p] = 1 / (1 + Math.exp(logNon - logMatch));
        matches += g[p] * patterns.count(p);
        total += patterns.count(p);
      }
      // M-step.
      double[] notG = new double[n];
      for (int p = 0; p < n; p++) {
        notG[p] = 1 - g[p];
      }
      double[][] m2 = patterns.zeroLevels();
      patterns.addLevelSums(m2, g);
      double[][] u2 = patterns.zeroLevels();
      patterns.addLevelSums(u2, notG);
      if (known != null) {
        known.addLevelSums(m2, null);
      }
      m2 = normalised(m2, M_FLOOR);
      u2 = fixU ? u : normalised(u2);
      double lambda2 = Math.min(1 - FLOOR, Math.max(FLOOR, matches / total));
      converged =
          Math.abs(lambda2 - lambda) <= tolerance
              && maxChange(m, m2) <= tolerance
              && maxChange(u, u2) <= tolerance;
      m = m2;
      u = u2;
      lambda = lambda2;
    }
    return new Model(lambda, m, u, iteration, converged);
  }

  /**
   * The prior lambda by EM with m and u given (estimated elsewhere, for example m from pairs that
   * share a field's value): the share of matches among these patterns that m and u imply.
   */
  public static Model lambdaOnly(
      ComparisonPatterns patterns,
      double[][] m,
      double[][] u,
      double lambda0,
      int maxIterations,
      double tolerance) {
    checkShape(patterns, m, "m");
    checkShape(patterns, u, "u");
    double[][] mf = normalised(m);
    double[][] uf = normalised(u);
    int n = patterns.size();
    double[] logRatio = new double[n];
    double total = 0;
    for (int p = 0; p < n; p++) {
      for (int f = 0; f < patterns.fields(); f++) {
        int l = patterns.level(p, f);
        if (l != ComparisonPatterns.MISSING) {
          logRatio[p] += Math.log(mf[f][l] / uf[f][l]);
        }
      }
      total += patterns.count(p);
    }
    double lambda = lambda0;
    int iteration = 0;
    boolean converged = false;
    while (iteration < maxIterations && !converged) {
      iteration++;
      double matches = 0;
      double priorLogOdds = Math.log(lambda / (1 - lambda));
      for (int p = 0; p < n; p++) {
        matches += patterns.count(p) / (1 + Math.exp(-(logRatio[p] + priorLogOdds)));
      }
      double lambda2 = Math.min(1 - FLOOR, Math.max(FLOOR, matches / Math.max(total, 1)));
      converged = Math.abs(lambda2 - lambda) <= tolerance;
      lambda = lambda2;
    }
    return new Model(lambda, mf, uf, iteration, converged);
  }

  /** Level frequencies of a set of pairs, for u from random pairs: each field's levels sum to 1. */
  public static double[][] frequencies(ComparisonPatterns patterns) {
    double[][] out = new double[patterns.fields()][];
    for (int f = 0; f < out.length; f++) {
      out[f] = new double[patterns.levels(f)];
    }
    for (int p = 0; p < patterns.size(); p++) {
      for (int f = 0; f < out.length; f++) {
        int l = patterns.level(p, f);
        if (l != ComparisonPatterns.MISSING) {
          out[f][l] += patterns.count(p);
        }
      }
    }
    return normalised(out);
  }

  private static void checkShape(ComparisonPatterns patterns, double[][] x, String name) {
    if (x.length != patterns.fields()) {
      throw new IllegalArgumentException(
          name + " has " + x.length + " fields, expected " + patterns.fields());
    }
    for (int f = 0; f < x.length; f++) {
      if (x[f].length != patterns.levels(f)) {
        throw new IllegalArgumentException(
            name + "[" + f + "] has " + x[f].length + " levels, expected " + patterns.levels(f));
      }
    }
  }

  /** Each row scaled to sum to 1 after flooring, so no probability is zero. */
  static double[][] normalised(double[][] x) {
    return normalised(x, FLOOR);
  }

  /**
   * Each row (a field's levels) scaled to sum to 1 after flooring every share at {@code floor}; a
   * row of zeros becomes uniform. Shared with the link package's three-class model.
   */
  public static double[][] normalised(double[][] x, double floor) {
    double[][] out = new double[x.length][];
    for (int f = 0; f < x.length; f++) {
      double sum = 0;
      for (double v : x[f]) {
        sum += Math.max(v, 0);
      }
      out[f] = new double[x[f].length];
      for (int l = 0; l < x[f].length; l++) {
        double share = sum > 0 ? Math.max(x[f][l], 0) / sum : 1.0 / x[f].length;
        out[f][l] = Math.max(share, floor);
      }
      double floored = 0;
      for (double v : out[f]) {
        floored += v;
      }
      for (int l = 0; l < out[f].length; l++) {
        out[f][l] /= floored;
      }
    }
    return out;
  }

  /** The largest absolute difference between two level tables of the same shape (EM's stop). */
  public static double maxChange(double[][] a, double[][] b) {
    double max = 0;
    for (int f = 0; f < a.length; f++) {
      for (int l = 0; l < a[f].length; l++) {
        max = Math.max(max, Math.abs(a[f][l] - b[f][l]));
      }
    }
    return max;
  }

  private static double log2(double x) {
    return Math.log(x) / Math.log(2);
  }
}
