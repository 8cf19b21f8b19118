package org.pprl.core.link;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.pprl.core.match.ComparisonPatterns;

class RelatedClassModelTest {
  private static final int FIELDS = 4;

  /**
   * Candidates of three kinds with two levels per field (0 disagree, 1 agree): duplicates agree on
   * every field; household members agree on fields 2 and 3 (family name, address) only; random
   * pairs agree on none. Each agreement is flipped with probability 0.05.
   */
  private static ComparisonPatterns candidates(
      long seed, int duplicates, int household, int random) {
    SplittableRandom rng = new SplittableRandom(seed);
    ComparisonPatterns out = new ComparisonPatterns(2, 2, 2, 2);
    int[] levels = new int[FIELDS];
    int[][] kinds = {{1, 1, 1, 1}, {0, 0, 1, 1}, {0, 0, 0, 0}};
    int[] counts = {duplicates, household, random};
    for (int kind = 0; kind < 3; kind++) {
      for (int n = 0; n < counts[kind]; n++) {
        for (int f = 0; f < FIELDS; f++) {
          levels[f] = rng.nextDouble() < 0.05 ? 1 - kinds[kind][f] : kinds[kind][f];
        }
        out.add(levels);
      }
    }
    return out;
  }

  private static double[][] random() {
    double[][] u = new double[FIELDS][];
    for (int f = 0; f < FIELDS; f++) {
      u[f] = new double[] {0.95, 0.05};
    }
    return u;
  }

  private static double[][] agreeing() {
    double[][] m = new double[FIELDS][];
    for (int f = 0; f < FIELDS; f++) {
      m[f] = new double[] {1, 4};
    }
    return m;
  }

  private static int patternOf(ComparisonPatterns patterns, int... levels) {
    return patterns.add(levels);
  }

  @Test
  void estimate_householdsOutnumberDuplicates_householdPatternWeighsBelowZero() {
    ComparisonPatterns patterns = candidates(3, 100, 1500, 3000);
    RelatedClassModel model =
        RelatedClassModel.estimate(patterns, null, agreeing(), random(), 1000, 1e-9);

    // The related class takes the households, not the duplicates.
    assertTrue(model.duplicateShare < 0.1, "duplicate share " + model.duplicateShare);
    assertEquals(1500.0 / 4600, model.relatedShare, 0.05);
    double duplicate = model.weight(patterns, patternOf(patterns, 1, 1, 1, 1));
    double household = model.weight(patterns, patternOf(patterns, 0, 0, 1, 1));
    assertTrue(duplicate > 5, "duplicate weight " + duplicate);
    assertTrue(household < 0, "household weight " + household);
  }
}
