package org.pprl.core.link;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.pprl.core.match.ComparisonPatterns;

class FieldGroupsTest {
  private static final int HIGH = Estimation.LEVEL_CUTS.length; // identical
  private static final int LOW = 0;
  private static final List<String> NAMES =
      List.of("given", "street", "postcode", "borough", "dob", "sex");

  /**
   * Random pairs of a city: given name and date of birth agree rarely and independently; a street
   * agreeing brings its postcode and borough (one street lies in one postcode and one borough); sex
   * agrees half the time; and one pair in 200 is the same person, agreeing everywhere.
   */
  private static int[][] citySample(long seed) {
    SplittableRandom random = new SplittableRandom(seed);
    int[][] sample = new int[200_000][];
    for (int s = 0; s < sample.length; s++) {
      int[] pair = new int[6];
      if (random.nextInt(200) == 0) {
        java.util.Arrays.fill(pair, HIGH);
      } else {
        pair[0] = random.nextInt(150) == 0 ? HIGH : LOW;
        boolean street = random.nextInt(140) == 0;
        pair[1] = street ? HIGH : LOW;
        pair[2] = street || random.nextInt(15) == 0 ? HIGH : LOW;
        pair[3] = pair[2] == HIGH || random.nextInt(4) == 0 ? HIGH : LOW;
        pair[4] = random.nextInt(40) == 0 ? HIGH : random.nextInt(2);
        pair[5] = random.nextBoolean() ? HIGH : LOW;
      }
      sample[s] = pair;
    }
    return sample;
  }

  @Test
  void detect_groupsTheAddressAndLeavesIndependentAndCommonFieldsAlone() {
    FieldGroups groups = FieldGroups.detect(citySample(1), 6);

    assertTrue(groups.grouped());
    assertEquals(4, groups.modelFields(), groups.toString());
    assertArrayEquals(new int[] {0}, groups.members(0));
    assertArrayEquals(new int[] {1, 2, 3}, groups.members(1));
    assertArrayEquals(new int[] {4}, groups.members(2));
    assertArrayEquals(new int[] {5}, groups.members(3));
    assertEquals("street+postcode+borough", groups.name(1, NAMES));
    assertEquals(
        "fields that agree together among random pairs are compared as one:"
            + " street+postcode+borough",
        groups.describe(NAMES));
  }

  @Test
  void detect_independentFields_areNotGrouped_evenWithTrueMatchesInTheSample() {
    SplittableRandom random = new SplittableRandom(2);
    int[][] sample = new int[200_000][];
    for (int s = 0; s < sample.length; s++) {
      int[] pair = new int[4];
      boolean match = random.nextInt(100) == 0;
      for (int f = 0; f < 4; f++) {
        pair[f] = match || random.nextInt(100) == 0 ? HIGH : LOW;
      }
      sample[s] = pair;
    }

    FieldGroups groups = FieldGroups.detect(sample, 4);

    assertFalse(groups.grouped(), groups.toString());
    assertNull(groups.describe(List.of("a", "b", "c", "d")));
  }

  @Test
  void apply_lonesKeepTheirLevels_andAGroupIsOneJointLevel() {
    FieldGroups groups = FieldGroups.detect(citySample(3), 6);
    int[] out = new int[groups.modelFields()];
    int m = ComparisonPatterns.MISSING;

    groups.apply(new int[] {2, HIGH, HIGH, HIGH, 1, LOW}, out);
    assertArrayEquals(new int[] {2, 26, 1, LOW}, out); // all agree: the top of 27 levels

    groups.apply(new int[] {0, 1, 0, 0, 0, 0}, out);
    assertEquals(groups.noneAgrees(1), out[1]);
    assertEquals(1 + 3 + 9, groups.noneAgrees(1));

    // street missing (0), postcode agreeing (2), borough not (1): 0 + 2*3 + 1*9
    groups.apply(new int[] {m, m, HIGH, 1, m, m}, out);
    assertArrayEquals(new int[] {m, 15, m, m}, out);

    groups.apply(new int[] {0, m, m, m, 0, 0}, out);
    assertEquals(m, out[1]);
  }

  @Test
  void modelLevelsAndStart_coverTheJointLevels() {
    FieldGroups groups = FieldGroups.detect(citySample(4), 6);

    assertArrayEquals(new int[] {4, 27, 4, 4}, groups.modelLevels(4));
    double[][] m0 = groups.startM(4);
    assertArrayEquals(new double[] {1, 4, 16, 64}, m0[0]);
    assertEquals(27, m0[1].length);
    assertEquals(16 * 16 * 16, m0[1][26]); // all agree
    assertEquals(1, m0[1][groups.noneAgrees(1)]);
    assertEquals(4 * 4 * 4, m0[1][0]); // all missing (never used)
  }

  @Test
  void none_isEveryFieldAlone() {
    FieldGroups groups = FieldGroups.none(3);
    int[] out = new int[3];

    groups.apply(new int[] {1, ComparisonPatterns.MISSING, 3}, out);

    assertFalse(groups.grouped());
    assertArrayEquals(new int[] {1, ComparisonPatterns.MISSING, 3}, out);
    assertArrayEquals(new int[] {4, 4, 4}, groups.modelLevels(4));
  }
}
