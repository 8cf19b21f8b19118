package org.pprl.bench;

import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** Checks that the suppression benchmark suppresses something on its seeded tables. */
class SuppressBenchmarkTest {

  @Test
  void suppressBenchmark_suppressesSmallCellsAndComplements() {
    for (boolean cumulative : new boolean[] {false, true}) {
      SuppressBenchmark b = new SuppressBenchmark();
      b.smallPercent = 20;
      b.cumulative = cumulative;
      b.setUp();
      var d = b.apply();
      assertTrue(d.primarySuppressions() > 0, "primary");
      assertTrue(d.complementarySuppressions() > 0, "complementary");
    }
  }
}
