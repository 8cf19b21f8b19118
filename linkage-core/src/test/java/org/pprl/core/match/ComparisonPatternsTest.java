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
}
