package org.pprl.spark;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;
import scala.Tuple2;

/**
 * A partition's pairs sorted on primitive arrays, as a sorted map of the same pairs orders them.
 */
class SortedPairsTest {
  /** A pair's levels, the same each time the pair comes (both of its records kept it). */
  private static long levelsOf(long pair) {
    return pair * 0x9E3779B97F4A7C15L >>> 7;
  }

  @Test
  void sortedDistinct_ordersThePairsOnceEachWithTheirOwnLevels() {
    Random random = new Random(11);
    for (int round = 0; round < 300; round++) {
      int firsts = 1 + random.nextInt(round < 150 ? 5 : 2000);
      int base = random.nextInt(1_000_000);
      int n = random.nextInt(round % 10 == 0 ? 20_000 : 400);
      List<Tuple2<Long, Long>> partition = new ArrayList<>();
      TreeMap<Long, Long> oracle = new TreeMap<>();
      for (int k = 0; k < n; k++) {
        // Runs from one record to thousands of partners (a record many others kept).
        long pair = SparkCandidates.pair(base + random.nextInt(firsts), random.nextInt(1 << 30));
        if (!oracle.isEmpty() && random.nextInt(3) == 0) {
          pair = oracle.floorKey(pair) != null ? oracle.floorKey(pair) : oracle.firstKey();
        }
        partition.add(new Tuple2<>(pair, levelsOf(pair)));
        oracle.put(pair, levelsOf(pair));
      }
      Iterator<long[][]> out = SparkCandidates.sortedDistinct(partition.iterator());
      long[][] got = out.next();
      assertFalse(out.hasNext());
      long[] pairs = new long[oracle.size()];
      long[] levels = new long[oracle.size()];
      int at = 0;
      for (Map.Entry<Long, Long> e : oracle.entrySet()) {
        pairs[at] = e.getKey();
        levels[at++] = e.getValue();
      }
      assertArrayEquals(pairs, got[0], "round " + round);
      assertArrayEquals(levels, got[1], "round " + round);
    }
  }
}
