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

  /**
   * Household members never share field 0 (a birth date), and duplicates lose fields 1 and 2 (the
   * names) together a fifth of the time. The related class must learn that it never agrees on field
   * 0: floored at 1 %, it was made to agree there 300 times as often as random pairs, and a
   * duplicate that kept only its birth date and address looked related.
   */
  @Test
  void estimate_relatedNeverShareField0_relatedClassLearnsIt() {
    SplittableRandom rng = new SplittableRandom(5);
    ComparisonPatterns patterns = new ComparisonPatterns(2, 2, 2, 2);
    for (int n = 0; n < 300; n++) {
      boolean namesLost = rng.nextDouble() < 0.2;
      patternOf(patterns, 1, namesLost ? 0 : 1, namesLost ? 0 : 1, 1);
    }
    for (int n = 0; n < 1500; n++) {
      patternOf(patterns, 0, rng.nextDouble() < 0.05 ? 1 : 0, 1, 1);
    }
    for (int n = 0; n < 3000; n++) {
      patternOf(patterns, 0, 0, rng.nextDouble() < 0.05 ? 1 : 0, rng.nextDouble() < 0.05 ? 1 : 0);
    }
    double[][] u = random();
    u[0] = new double[] {0.9999, 0.0001};
    // m fixed, as inside the extracts of a linkage, where it comes from the matches across.
    double[][] m = {{0.01, 0.99}, {0.2, 0.8}, {0.2, 0.8}, {0.01, 0.99}};
    RelatedClassModel model = RelatedClassModel.estimate(patterns, null, m, true, u, 1000, 1e-9);

    assertTrue(model.r[0][1] < 0.001, "related agree on field 0: " + model.r[0][1]);
    double namesLost = model.weight(patterns, patternOf(patterns, 1, 0, 0, 1));
    assertTrue(namesLost > 5, "duplicate without its names weighs " + namesLost);
  }
}
