package org.pprl.core.link;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.List;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.Size;
import net.jqwik.api.constraints.StringLength;
import org.junit.jupiter.api.Test;

class RecordIdsTest {

  @Property(tries = 200)
  void get_anyIds_equalsStringArrayOracle(
      @ForAll @Size(max = 300) List<@StringLength(min = 1, max = 40) String> ids,
      @ForAll @IntRange(min = 0, max = 400) int expectedIds,
      @ForAll @IntRange(min = 0, max = 5000) int expectedBytes) {
    // Any size guess, too small or too large, gives the same ids back.
    RecordIds.Builder builder = new RecordIds.Builder(expectedIds, expectedBytes);
    for (String id : ids) {
      builder.add(id);
    }
    RecordIds built = builder.build();
    RecordIds copied = RecordIds.of(ids.toArray(new String[0]));
    assertEquals(ids.size(), built.size());
    assertEquals(ids.size(), copied.size());
    for (int i = 0; i < ids.size(); i++) {
      // jqwik's strings may hold lone surrogates, which UTF-8 cannot carry: compare with the
      // round trip String.getBytes makes.
      String expected = new String(ids.get(i).getBytes(UTF_8), UTF_8);
      assertEquals(expected, built.get(i), "record " + i);
      assertEquals(expected, copied.get(i), "record " + i);
    }
  }

  @Test
  void get_nonAsciiIds_roundTrip() {
    String[] ids = {"PA-000000001", "Zoë-7", "東京-3", "x"};
    RecordIds r = RecordIds.of(ids);
    for (int i = 0; i < ids.length; i++) {
      assertEquals(ids[i], r.get(i));
    }
    assertEquals(("PA-000000001Zoë-7東京-3x").getBytes(UTF_8).length + 4L * 5, r.footprint());
  }

  @Test
  void get_outsideRange_throwsNamingTheRecord() {
    RecordIds r = RecordIds.of(new String[] {"a", "b"});
    IndexOutOfBoundsException e = assertThrows(IndexOutOfBoundsException.class, () -> r.get(2));
    assertEquals("record 2 of 2", e.getMessage());
    assertThrows(IndexOutOfBoundsException.class, () -> r.get(-1));
  }

  private static final java.nio.charset.Charset UTF_8 = java.nio.charset.StandardCharsets.UTF_8;
}
