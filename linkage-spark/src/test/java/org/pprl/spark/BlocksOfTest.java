package org.pprl.spark;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.Test;
import scala.Tuple2;

/** A partition of the blocks' shuffle gathered block by block, as a map of lists gathers it. */
class BlocksOfTest {
  @Test
  void blocksOf_givesEachKeysMembersOnceInTheirOrderOfArrival() {
    Random random = new Random(5);
    for (int round = 0; round < 200; round++) {
      int keys = 1 + random.nextInt(round < 100 ? 4 : 3000);
      int n = random.nextInt(round % 10 == 0 ? 20_000 : 300);
      List<Tuple2<Long, SparkCandidates.Member>> partition = new ArrayList<>();
      Map<Long, List<SparkCandidates.Member>> oracle = new LinkedHashMap<>();
      for (int m = 0; m < n; m++) {
        // Key numbers and blocks as underEachBlock makes them, negative blocks included.
        long key =
            ((long) random.nextInt(4) << 32) | (random.nextInt(keys) * 7919L - 9000 & 0xFFFFFFFFL);
        SparkCandidates.Member member =
            new SparkCandidates.Member(random.nextInt(2), m, new long[] {m}, null);
        partition.add(new Tuple2<>(key, member));
        oracle.computeIfAbsent(key, k -> new ArrayList<>()).add(member);
      }
      Set<List<SparkCandidates.Member>> expected = new HashSet<>(oracle.values());
      int blocks = 0;
      SparkCandidates.Gathered gathered = SparkCandidates.blocksOf(partition.iterator());
      assertEquals(n, gathered.members);
      assertEquals(8L * n, gathered.bytes); // one CLK word each, no field filters
      for (Iterator<List<SparkCandidates.Member>> it = gathered; it.hasNext(); ) {
        List<SparkCandidates.Member> block = it.next();
        assertTrue(expected.remove(block), "round " + round + ": a block no key has, or twice");
        blocks++;
      }
      assertEquals(oracle.size(), blocks, "round " + round);
      assertTrue(expected.isEmpty(), "round " + round);
    }
  }
}
