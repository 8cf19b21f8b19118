package org.pprl.core.evaluate;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.TreeSet;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import org.junit.jupiter.api.Test;

class RecordIndexTest {

  /** Ids from a small alphabet, so that repeats, shared prefixes and empty ids are common. */
  private static String id(SplittableRandom random) {
    String alphabet = "ab1é東";
    StringBuilder b = new StringBuilder();
    int length = random.nextInt(5);
    for (int i = 0; i < length; i++) {
      b.append(alphabet.charAt(random.nextInt(alphabet.length())));
    }
    return b.toString();
  }

  @Property(tries = 200)
  void intern_anyKeys_numbersAsAHashMapOracle(
      @ForAll long seed, @ForAll @IntRange(min = 0, max = 3000) int rows, @ForAll boolean idsOnly) {
    SplittableRandom random = new SplittableRandom(seed);
    String[] extracts = {"a", "b", "a\u0000b", ""};
    RecordIndex index = new RecordIndex(idsOnly);
    Map<String, Integer> oracle = new HashMap<>();
    List<String> extractOf = new ArrayList<>();
    for (int r = 0; r < rows; r++) {
      String extract = extracts[random.nextInt(extracts.length)];
      String id = id(random);
      String key = idsOnly ? id : extract + '\u0000' + id;
      Integer expected = oracle.get(key);
      if (random.nextInt(3) == 0) {
        assertEquals(expected == null ? -1 : expected, index.lookup(extract, id), "row " + r);
        continue;
      }
      if (expected == null) {
        expected = oracle.size();
        oracle.put(key, expected);
        extractOf.add(idsOnly ? "" : extract);
      }
      assertEquals(expected, index.intern(extract, id), "row " + r);
    }
    assertEquals(oracle.size(), index.size());
    for (int r = 0; r < extractOf.size(); r++) {
      assertEquals(extractOf.get(r), index.extractOf(r));
    }
    TreeSet<String> names = new TreeSet<>(extractOf);
    assertEquals(idsOnly ? List.of() : List.copyOf(names), index.extracts());
  }

  @Test
  void lookup_unknownExtract_isMinusOne() {
    RecordIndex index = new RecordIndex(false);
    assertEquals(0, index.intern("housing", "HO-1"));
    assertEquals(-1, index.lookup("shelter", "HO-1"));
    assertEquals(0, index.lookup("housing", "HO-1"));
    assertEquals(-1, index.lookup("housing", "HO-2"));
  }
}
