package org.pprl.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.pprl.core.match.ScoredPairs;

class DiceKernelBenchmarkTest {

  @Test
  void scan_findsExactlyThePlantedPairs() {
    DiceKernelBenchmark benchmark = new DiceKernelBenchmark();
    benchmark.kernel = "best";
    benchmark.setUp();

    ScoredPairs pairs = benchmark.scan();

    int planted = DiceKernelBenchmark.SIZE / DiceKernelBenchmark.PLANT_EVERY;
    assertEquals(planted, pairs.size());
    for (int k = 0; k < pairs.size(); k++) {
      int j = pairs.b(k);
      assertEquals(0, j % DiceKernelBenchmark.PLANT_EVERY, "unplanted pair " + j);
      assertEquals(DiceKernelBenchmark.planted(j), pairs.a(k));
      assertTrue(pairs.score(k) >= DiceKernelBenchmark.THRESHOLD);
    }
  }
}
