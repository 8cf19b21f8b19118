package org.pprl.bench;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import org.junit.jupiter.api.Test;

class BlockingBenchmarkTest {

  @Test
  void candidates_containEveryPlantedPair() {
    BlockingBenchmark benchmark = new BlockingBenchmark();
    benchmark.size = 1000;
    benchmark.density = 0.3;
    benchmark.setUp();

    long[] found = benchmark.candidates();
    Arrays.sort(found);

    for (int j = 0; j < benchmark.size; j += BlockingBenchmark.PLANT_EVERY) {
      long pair = ((long) benchmark.planted(j) << 32) | j;
      assertTrue(Arrays.binarySearch(found, pair) >= 0, "planted pair for " + j + " missed");
    }
    // Blocking, not everything: far fewer candidates than all pairs.
    assertTrue(found.length < benchmark.size * (long) benchmark.size / 10, found.length + " pairs");
  }
}
