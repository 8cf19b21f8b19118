package org.pprl.spark;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class TopKTest {
  /** The k best by score, ties to the smaller id, each id once: sorted by brute force. */
  private static int[] oracle(List<int[]> offers, float[] scoreOf, int k) {
    return offers.stream()
        .mapToInt(o -> o[0])
        .distinct()
        .boxed()
        .sorted(Comparator.<Integer>comparingDouble(id -> -scoreOf[id]).thenComparing(id -> id))
        .limit(k)
        .mapToInt(Integer::intValue)
        .toArray();
  }

  private static int[] ids(TopK list) {
    int[] out = new int[list.size()];
    for (int q = 0; q < out.length; q++) {
      out[q] = list.id(q);
    }
    return out;
  }

  @Test
  void mergedInAnyOrder_keepsTheKBestTiesToTheSmallerId() {
    Random random = new Random(7);
    for (int round = 0; round < 500; round++) {
      int ids = 1 + random.nextInt(40);
      int k = 1 + random.nextInt(6);
      float[] scoreOf = new float[ids];
      for (int id = 0; id < ids; id++) {
        scoreOf[id] = random.nextInt(5) / 4f; // many ties
      }
      List<int[]> offers = new ArrayList<>();
      for (int n = random.nextInt(60); n > 0; n--) {
        offers.add(new int[] {random.nextInt(ids)}); // repeats, as from two keys' blocks
      }
      Collections.shuffle(offers, random);
      int parts = 1 + random.nextInt(4);
      List<TopK> lists = new ArrayList<>();
      for (int p = 0; p < parts; p++) {
        lists.add(new TopK(k));
      }
      for (int[] o : offers) {
        lists.get(random.nextInt(parts)).offer(o[0], scoreOf[o[0]]);
      }
      TopK merged = lists.get(0);
      for (int p = 1; p < parts; p++) {
        merged = random.nextBoolean() ? merged.merge(lists.get(p)) : lists.get(p).merge(merged);
      }

      assertArrayEquals(oracle(offers, scoreOf, k), ids(merged), "round " + round);
    }
  }
}
