package org.pprl.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;
import org.pprl.core.match.KNearest;

class NearestBenchmarkTest {

  @Test
  void across_putsEachPlantedCopyFirst_onBothSides() {
    NearestBenchmark benchmark = new NearestBenchmark();
    benchmark.threads = 2;
    benchmark.setUp();

    KNearest.Both both = benchmark.across();

    for (int j = 0; j < NearestBenchmark.SIZE; j += NearestBenchmark.PLANT_EVERY) {
      int i = NearestBenchmark.planted(j);
      assertEquals(i, both.ofB().neighbour(j, 0), "copy " + j);
      assertEquals(j, both.ofA().neighbour(i, 0), "original " + i);
    }
    assertEquals(NearestBenchmark.K, both.ofA().count(1));
    assertEquals(NearestBenchmark.K, both.ofB().count(1));
  }

  @Test
  void within_listsKNeighboursForEveryFilter() {
    NearestBenchmark benchmark = new NearestBenchmark();
    benchmark.threads = 2;
    benchmark.setUp();

    KNearest.Lists lists = benchmark.within();

    for (int i = 0; i < NearestBenchmark.SIZE; i++) {
      assertEquals(NearestBenchmark.K, lists.count(i));
    }
  }
}
