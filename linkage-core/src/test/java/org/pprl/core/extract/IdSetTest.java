package org.pprl.core.extract;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;
import java.util.SplittableRandom;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import org.junit.jupiter.api.Test;

/** {@link IdSet} against a {@link HashMap} of first occurrences. */
class IdSetTest {

  /** Adds {@code n} random ids from a small alphabet (so repeats happen) and checks each answer. */
  private static void checkAgainstOracle(IdSet set, SplittableRandom random, int n, int maxLen) {
    Map<String, Integer> first = new HashMap<>();
    for (int i = 0; i < n; i++) {
      StringBuilder sb = new StringBuilder();
      int len = random.nextInt(1, maxLen + 1);
      for (int k = 0; k < len; k++) {
        sb.append((char) ('a' + random.nextInt(3)));
      }
      String id = sb.toString();
      byte[] padded = ("##" + id + "#").getBytes(StandardCharsets.US_ASCII);
      Integer earlier = first.get(id);
      int got = set.add(padded, 2, id.length());
      assertEquals(earlier == null ? -1 : earlier, got, "id " + i);
      if (earlier == null) {
        first.put(id, set.size() - 1); // a new id takes the next index; a repeat is not added
      }
    }
  }

  @Property(tries = 30)
  void add_randomIds_matchesHashMapOracle(@ForAll long seed) {
    SplittableRandom random = new SplittableRandom(seed);
    checkAgainstOracle(new IdSet(random.nextLong()), random, 3000, 9);
  }

  @Test
  void add_everyHashColliding_isStillExact() {
    IdSet constantHash =
        new IdSet(0) {
          @Override
          long hash(byte[] b, int off, int len) {
            return 42;
          }
        };
    checkAgainstOracle(constantHash, new SplittableRandom(1), 600, 7);
  }

  @Test
  void add_longIdsAcrossArenaPages_areKept() {
    IdSet set = new IdSet(3);
    byte[] id = new byte[ExtractHeader.MAX_STRING_BYTES];
    int n = 700; // 700 * 4098 bytes spans three 1 MiB pages
    for (int i = 0; i < n; i++) {
      id[0] = (byte) i;
      id[id.length - 1] = (byte) (i >> 8);
      assertEquals(-1, set.add(id, 0, id.length));
    }
    for (int i = 0; i < n; i++) {
      id[0] = (byte) i;
      id[id.length - 1] = (byte) (i >> 8);
      assertEquals(i, set.add(id, 0, id.length));
    }
  }
}
