package org.pprl.core.match;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.SplittableRandom;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import org.junit.jupiter.api.Test;

class FellegiSunterTest {
  private static final double[][] M = {
    {0.05, 0.15, 0.80}, {0.02, 0.08, 0.90}, {0.10, 0.20, 0.70}, {0.05, 0.05, 0.90}
  };
  private static final double[][] U = {
    {0.85, 0.10, 0.05}, {0.70, 0.25, 0.05}, {0.60, 0.30, 0.10}, {0.95, 0.04, 0.01}
  };

  private static int draw(SplittableRandom random, double[] p) {
    double r = random.nextDouble();
    for (int l = 0; l < p.length - 1; l++) {
      r -= p[l];
      if (r < 0) {
        return l;
      }
    }
    return p.length - 1;
  }

  /** Pairs drawn from the model with known parameters; 5% of fields missing. */
  private static ComparisonPatterns simulate(long seed, int pairs, double lambda) {
    SplittableRandom random = new SplittableRandom(seed);
    ComparisonPatterns patterns = new ComparisonPatterns(3, 3, 3, 3);
    int[] levels = new int[4];
    for (int i = 0; i < pairs; i++) {
      boolean match = random.nextDouble() < lambda;
      for (int f = 0; f < 4; f++) {
        levels[f] =
            random.nextDouble() < 0.05
                ? ComparisonPatterns.MISSING
                : draw(random, match ? M[f] : U[f]);
      }
      patterns.add(levels);
    }
    return patterns;
  }

  private static double[][] flat(double[]... rows) {
    return rows;
  }

  @Test
  void estimate_simulatedPairs_recoversLambdaMAndU() {
    ComparisonPatterns patterns = simulate(11, 200_000, 0.1);
    double[] favourAgreement = {0.2, 0.3, 0.5};
    double[] favourDisagreement = {0.5, 0.3, 0.2};

    FellegiSunter.Model model =
        FellegiSunter.estimate(
            patterns,
            flat(favourAgreement, favourAgreement, favourAgreement, favourAgreement),
            flat(favourDisagreement, favourDisagreement, favourDisagreement, favourDisagreement),
            0.3,
            false,
            500,
            1e-7);

    assertTrue(model.converged(), "EM did not converge in " + model.iterations());
    assertEquals(0.1, model.lambda(), 0.005);
    for (int f = 0; f < 4; f++) {
      assertArrayEquals(M[f], model.m()[f], 0.02, "m of field " + f);
      assertArrayEquals(U[f], model.u()[f], 0.01, "u of field " + f);
    }
  }

  @Test
  void estimate_fixedU_keepsU() {
    ComparisonPatterns patterns = simulate(12, 50_000, 0.05);
    FellegiSunter.Model model = FellegiSunter.estimate(patterns, M, U, 0.1, true, 200, 1e-8);
    for (int f = 0; f < 4; f++) {
      assertArrayEquals(U[f], model.u()[f], 1e-12);
    }
    assertEquals(0.05, model.lambda(), 0.005);
  }

  @Test
  void estimate_knownLinks_anchorMWhenMatchesAreRare() {
    // Very few matches among the candidates: EM alone has little to learn m from.
    ComparisonPatterns patterns = simulate(13, 20_000, 0.002);
    ComparisonPatterns known = new ComparisonPatterns(3, 3, 3, 3);
    SplittableRandom random = new SplittableRandom(99);
    int[] levels = new int[4];
    for (int i = 0; i < 500; i++) {
      for (int f = 0; f < 4; f++) {
        levels[f] = draw(random, M[f]);
      }
      known.add(levels);
    }
    FellegiSunter.Model blind = FellegiSunter.estimate(patterns, U, U, 0.5, true, 500, 1e-9);
    FellegiSunter.Model anchored =
        FellegiSunter.estimate(patterns, known, U, U, 0.5, true, 500, 1e-9);

    double blindError = 0;
    double anchoredError = 0;
    for (int f = 0; f < 4; f++) {
      for (int l = 0; l < 3; l++) {
        blindError = Math.max(blindError, Math.abs(blind.m()[f][l] - M[f][l]));
        anchoredError = Math.max(anchoredError, Math.abs(anchored.m()[f][l] - M[f][l]));
      }
    }
    assertTrue(anchoredError < 0.05, "anchored m is off by " + anchoredError);
    assertTrue(anchoredError < blindError / 2, anchoredError + " vs " + blindError);
  }

  @Property(tries = 20)
  void posterior_growsWithEveryFieldsAgreement(@ForAll long seed) {
    ComparisonPatterns patterns = simulate(seed, 20_000, 0.2);
    FellegiSunter.Model model = FellegiSunter.estimate(patterns, M, U, 0.2, false, 100, 1e-6);
    int low = patterns.add(new int[] {0, 0, 0, 0}, 0);
    int mid = patterns.add(new int[] {2, 2, 0, 0}, 0);
    int high = patterns.add(new int[] {2, 2, 2, 2}, 0);
    int unknown = patterns.add(new int[] {2, 2, 2, ComparisonPatterns.MISSING}, 0);
    assertTrue(model.posterior(patterns, low) < model.posterior(patterns, mid));
    assertTrue(model.posterior(patterns, mid) < model.posterior(patterns, high));
    assertTrue(model.weight(patterns, unknown) < model.weight(patterns, high));
  }

  @Test
  void frequencies_ofRandomPairs_areLevelShares() {
    ComparisonPatterns patterns = new ComparisonPatterns(2, 3);
    patterns.add(new int[] {0, 2}, 3);
    patterns.add(new int[] {1, ComparisonPatterns.MISSING}, 1);
    double[][] f = FellegiSunter.frequencies(patterns);
    assertArrayEquals(new double[] {0.75, 0.25}, f[0], 1e-5);
    assertEquals(1.0, f[1][2], 1e-5);
    assertEquals(4, patterns.pairs());
  }

  @Test
  void patterns_levelOutOfRange_isRefused() {
    ComparisonPatterns patterns = new ComparisonPatterns(2, 3);
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> patterns.add(new int[] {0, 3}));
    assertEquals("field 1: level 3 outside -1..2", e.getMessage());
  }

  @Test
  void estimate_wrongShape_isRefused() {
    ComparisonPatterns patterns = new ComparisonPatterns(3, 3, 3, 3);
    double[][] threeFields = {M[0], M[1], M[2]};
    assertThrows(
        IllegalArgumentException.class,
        () -> FellegiSunter.estimate(patterns, threeFields, U, 0.1, false, 10, 1e-6));
  }

  @Test
  void lambdaOnly_recoversTheShareOfMatches_withMAndUGiven() {
    double[][] m = {{0.1, 0.9}, {0.2, 0.8}, {0.05, 0.95}};
    double[][] u = {{0.9, 0.1}, {0.7, 0.3}, {0.95, 0.05}};
    ComparisonPatterns patterns = new ComparisonPatterns(2, 2, 2);
    java.util.SplittableRandom random = new java.util.SplittableRandom(9);
    int n = 200_000;
    int matches = 0;
    for (int s = 0; s < n; s++) {
      boolean match = random.nextDouble() < 0.15;
      matches += match ? 1 : 0;
      int[] pair = new int[3];
      for (int f = 0; f < 3; f++) {
        pair[f] = random.nextDouble() < (match ? m : u)[f][1] ? 1 : 0;
      }
      patterns.add(pair);
    }

    FellegiSunter.Model model = FellegiSunter.lambdaOnly(patterns, m, u, 0.5, 1000, 1e-10);

    assertEquals(matches / (double) n, model.lambda(), 0.01);
    assertTrue(model.converged());
    assertEquals(Math.log(0.9 / 0.1) / Math.log(2), model.weight(new int[] {1, -1, -1}), 1e-3);
  }
}
