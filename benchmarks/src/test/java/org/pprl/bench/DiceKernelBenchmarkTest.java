package org.pprl.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.pprl.core.match.ScoredPairs;

class DiceKernelBenchmarkTest {

  @ParameterizedTest
  @ValueSource(doubles = {0.5, 0.62})
  void scan_findsExactlyThePlantedPairs(double density) {
    DiceKernelBenchmark benchmark = new DiceKernelBenchmark();
    benchmark.kernel = "best";
    benchmark.density = density;
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
