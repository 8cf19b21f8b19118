package org.pprl.core.query;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;

class AgencyRecordsTest {

  @Property(tries = 200, seed = "20261123")
  void indexOf_randomIds_agreesWithAHashMap(
      @ForAll long seed, @ForAll @IntRange(min = 0, max = 300) int n) {
    SplittableRandom random = new SplittableRandom(seed);
    Map<String, Integer> expected = new HashMap<>();
    AgencyRecords.Builder b = AgencyRecords.builder("a", List.of(), List.of());
    while (expected.size() < n) {
      String id = randomId(random);
      if (expected.putIfAbsent(id, expected.size()) == null) {
        b.add(id, Map.of(), List.of());
      }
    }
    AgencyRecords records = b.build();
    expected.forEach((id, index) -> assertEquals(index, records.indexOf(id), "record " + index));
    for (int i = 0; i < 50; i++) {
      String other = randomId(random);
      assertEquals(expected.getOrDefault(other, -1), records.indexOf(other));
    }
  }

  private static String randomId(SplittableRandom random) {
    StringBuilder s = new StringBuilder();
    int length = 1 + random.nextInt(4);
    for (int i = 0; i < length; i++) {
      s.append("aAz0é-\u00ff\u4e00".charAt(random.nextInt(8)));
    }
    return s.toString();
  }
}
