package org.pprl.core.match;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

class ComparisonPatternsTest {

  @Test
  void addLevelSums_weightsEachPatternByItsCount_andSkipsMissingLevels() {
    ComparisonPatterns patterns = new ComparisonPatterns(2, 3);
    int a = patterns.add(new int[] {0, 2}, 3);
    int b = patterns.add(new int[] {1, ComparisonPatterns.MISSING}, 5);
    assertEquals(2, patterns.size());

    double[][] counts = patterns.zeroLevels();
    patterns.addLevelSums(counts, null);
    assertArrayEquals(new double[] {3, 5}, counts[0]);
    assertArrayEquals(new double[] {0, 0, 3}, counts[1]);

    double[] weight = new double[2];
    weight[a] = 0.5;
    weight[b] = 0.25;
    double[][] weighted = patterns.zeroLevels();
    patterns.addLevelSums(weighted, weight);
    assertArrayEquals(new double[] {1.5, 1.25}, weighted[0]);
    assertArrayEquals(new double[] {0, 0, 1.5}, weighted[1]);
  }

  @Test
  void manyFields_aSpaceTooLargeForATable_numbersPatternsAsFew() {
    int[] levels = new int[12];
    java.util.Arrays.fill(levels, 8); // 9^12 codes: far beyond a dense table
    ComparisonPatterns patterns = new ComparisonPatterns(levels);
    java.util.SplittableRandom random = new java.util.SplittableRandom(3);
    java.util.Map<String, Integer> seen = new java.util.HashMap<>();
    for (int s = 0; s < 20_000; s++) {
      int[] pair = new int[12];
      for (int f = 0; f < 12; f++) {
        pair[f] = random.nextInt(4) == 0 ? ComparisonPatterns.MISSING : random.nextInt(2) * 7;
      }
      int p = patterns.add(pair);
      Integer before = seen.putIfAbsent(java.util.Arrays.toString(pair), p);
      assertEquals(before == null ? p : before, p, "one number per pattern");
      assertArrayEquals(pair, patterns.levelsOf(p));
    }
    assertEquals(seen.size(), patterns.size());
    assertEquals(20_000, patterns.pairs());
  }

  @Test
  void code_thenAddCode_isAdd() {
    ComparisonPatterns patterns = new ComparisonPatterns(3, 3, 3);
    int p = patterns.addCode(patterns.code(new int[] {2, ComparisonPatterns.MISSING, 0}));
    assertEquals(p, patterns.add(new int[] {2, ComparisonPatterns.MISSING, 0}));
    assertEquals(2, patterns.count(p));
    assertEquals(2, patterns.level(p, 0));
    assertEquals(ComparisonPatterns.MISSING, patterns.level(p, 1));
  }

  @Test
  void addCode_aCodesPairsAtOnce_numbersAndCountsAsOneByOne() {
    java.util.SplittableRandom random = new java.util.SplittableRandom(5);
    ComparisonPatterns oneByOne = new ComparisonPatterns(3, 4, 2);
    ComparisonPatterns.Codes codes = oneByOne.codes();
    long[] coded = new long[2_000];
    for (int k = 0; k < coded.length; k++) {
      coded[k] =
          codes.code(
              new int[] {random.nextInt(4) - 1, random.nextInt(5) - 1, random.nextInt(3) - 1});
      oneByOne.addCode(coded[k]);
    }
    // Runs of pairs, each run's distinct codes in order of first appearance with their counts:
    // how an engine that counts elsewhere adds them.
    ComparisonPatterns atOnce = new ComparisonPatterns(3, 4, 2);
    for (int from = 0; from < coded.length; from += 300) {
      java.util.Map<Long, long[]> run = new java.util.LinkedHashMap<>();
      for (int k = from; k < Math.min(coded.length, from + 300); k++) {
        run.computeIfAbsent(coded[k], c -> new long[1])[0]++;
      }
      run.forEach((code, count) -> atOnce.addCode(code, count[0]));
    }

    assertEquals(oneByOne.size(), atOnce.size());
    for (int p = 0; p < oneByOne.size(); p++) {
      assertEquals(oneByOne.count(p), atOnce.count(p));
      assertArrayEquals(oneByOne.levelsOf(p), atOnce.levelsOf(p));
    }
    IllegalArgumentException e =
        org.junit.jupiter.api.Assertions.assertThrows(
            IllegalArgumentException.class, () -> atOnce.addCode(4 * 5 * 3, 1));
    assertEquals("code 60 outside 0..59", e.getMessage());
  }
}
