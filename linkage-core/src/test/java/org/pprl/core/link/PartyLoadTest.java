package org.pprl.core.link;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.pprl.core.extract.ExtractReader;
import org.pprl.core.extract.ExtractRecord;
import org.pprl.fixtures.Agency;

class PartyLoadTest {
  @TempDir Path dir;

  /** A file of {@code length} bytes starting with {@code first} and ending in a trailer. */
  private Path file(int length, int first, long declared) throws IOException {
    ByteBuffer b = ByteBuffer.allocate(length).order(ByteOrder.LITTLE_ENDIAN);
    b.put(0, (byte) first);
    b.put(length - 41, (byte) 'E');
    b.putLong(length - 40, declared);
    Path f = dir.resolve("x" + length + "-" + first + "-" + declared + ".pprl");
    Files.write(f, b.array());
    return f;
  }

  @Test
  void expectedRecords_plausibleTrailer_isItsCount() throws IOException {
    assertEquals(3, Party.expectedRecords(file(1000, 0x89, 3), 100));
    assertEquals(10, Party.expectedRecords(file(1000, 0x89, 10), 100));
  }

  @Test
  void expectedRecords_countTheLengthCannotHold_isNotBelieved() throws IOException {
    assertEquals(1024, Party.expectedRecords(file(1000, 0x89, 11), 100));
    assertEquals(1024, Party.expectedRecords(file(1000, 0x89, Long.MAX_VALUE), 100));
    assertEquals(1024, Party.expectedRecords(file(1000, 0x89, -1), 100));
  }

  @Test
  void expectedRecords_compressedOrTiny_isTheDefault() throws IOException {
    assertEquals(1024, Party.expectedRecords(file(1000, 0x1f, 3), 100)); // gzip's first byte
    assertEquals(1024, Party.expectedRecords(file(100, 0x89, 1), 10));
  }

  @Test
  void loadWithoutFilters_keepsWhatLoadKeepsButTheFiltersAndShowsEveryRecordInOrder()
      throws Exception {
    EncodedCity.generate(
        dir, 4, 12000, "light reading test secret", java.util.List.of(Agency.PUBLIC_ASSISTANCE));
    Path file = dir.resolve(Agency.PUBLIC_ASSISTANCE.id() + ".pprl");
    Party whole = Party.load(file, "pa");
    java.util.List<Integer> numbers = new java.util.ArrayList<>();
    java.util.List<String> ids = new java.util.ArrayList<>();
    int[] sameFilters = {0};

    Party light =
        Party.loadWithoutFilters(
            file,
            "pa",
            line -> {},
            Long.MAX_VALUE,
            (record, n) -> {
              numbers.add(n);
              ids.add(record.id());
              long[][] filters = new long[whole.fieldCount()][];
              for (int f = 0; f < filters.length; f++) {
                filters[f] = record.fieldFilter(f);
              }
              boolean same =
                  java.util.Arrays.equals(record.clk(), whole.clks().filter(n))
                      && java.util.Arrays.equals(
                          FieldFilters.rowOf(whole.fieldBits(), filters), whole.fields().row(n));
              sameFilters[0] += same ? 1 : 0;
            });

    assertTrue(light.filtersReleased());
    org.junit.jupiter.api.Assertions.assertFalse(whole.filtersReleased());
    assertEquals(whole.size(), light.size());
    assertTrue(whole.size() > 2 * Party.OFFSET_EVERY, "records: " + whole.size());
    assertEquals(whole.size(), numbers.size());
    assertEquals(whole.size(), sameFilters[0]);
    for (int r = 0; r < whole.size(); r++) {
      assertEquals(r, numbers.get(r));
      assertEquals(whole.id(r), ids.get(r));
      assertEquals(whole.id(r), light.id(r));
    }
    for (int k = 0; k < whole.header().blockingKeys().size(); k++) {
      assertArrayEquals(whole.blocks(k), light.blocks(k));
    }
    assertArrayEquals(whole.offsets(), light.offsets());
    assertEquals(whole.source(), light.source());
    assertArrayEquals(whole.fieldBits(), light.fieldBits());
    assertEquals(whole.clkBits(), light.clkBits());
    assertEquals(whole.header(), light.header());
    IllegalStateException e =
        org.junit.jupiter.api.Assertions.assertThrows(IllegalStateException.class, light::clks);
    assertEquals(
        "extract pa's CLKs and field filters were let go after its records went to the"
            + " executors; load it again to link it here",
        e.getMessage());
  }

  @Test
  void releaseFilters_keepsIdsBlocksAndShapeAndRefusesTheFiltersNamingTheExtract()
      throws Exception {
    EncodedCity.generate(
        dir, 4, 2000, "release test secret", java.util.List.of(Agency.PUBLIC_ASSISTANCE));
    Party party = Party.load(dir.resolve(Agency.PUBLIC_ASSISTANCE.id() + ".pprl"), "pa");
    String id = party.id(7);
    long[] blocks = party.blocks(0);
    int fields = party.fieldCount();
    int[] bits = party.fieldBits();
    org.junit.jupiter.api.Assertions.assertFalse(party.filtersReleased());

    party.releaseFilters();

    assertTrue(party.filtersReleased());
    assertEquals(id, party.id(7));
    assertArrayEquals(blocks, party.blocks(0));
    assertEquals(fields, party.fieldCount());
    assertArrayEquals(bits, party.fieldBits());
    for (org.junit.jupiter.api.function.Executable use :
        java.util.List.<org.junit.jupiter.api.function.Executable>of(
            party::clks, party::fields, () -> party.renamed("x"))) {
      IllegalStateException e =
          org.junit.jupiter.api.Assertions.assertThrows(IllegalStateException.class, use);
      assertEquals(
          "extract pa's CLKs and field filters were let go after its records went to the"
              + " executors; load it again to link it here",
          e.getMessage());
    }
  }

  @Test
  void offsets_everyStretchStartsWhereAReaderFromThereReadsTheRecordsOfThatNumber()
      throws Exception {
    EncodedCity city =
        EncodedCity.generate(
            dir, 3, 9000, "offsets test secret", java.util.List.of(Agency.PUBLIC_ASSISTANCE));
    Path file = dir.resolve(Agency.PUBLIC_ASSISTANCE.id() + ".pprl");
    Party party = Party.load(file, "pa");
    long[] offsets = party.offsets();

    assertTrue(party.size() > 2 * Party.OFFSET_EVERY, "records: " + party.size());
    assertEquals((party.size() + Party.OFFSET_EVERY - 1) / Party.OFFSET_EVERY, offsets.length);
    for (int k = 0; k < offsets.length; k++) {
      int first = k * Party.OFFSET_EVERY;
      try (ExtractReader reader = ExtractReader.openAt(file, offsets[k], first)) {
        ExtractRecord record = reader.newRecord();
        for (int r = first; r < Math.min(party.size(), first + Party.OFFSET_EVERY); r++) {
          assertTrue(reader.next(record));
          assertEquals(party.id(r), record.id());
          assertArrayEquals(party.clks().filter(r), record.clk());
        }
      }
    }
    assertArrayEquals(offsets, party.renamed("x").offsets()); // the same file
    // Read from a compressed file: no offsets (none can be sought in it).
    Path gz = dir.resolve("pa.pprl.gz");
    try (var out = new java.util.zip.GZIPOutputStream(Files.newOutputStream(gz))) {
      Files.copy(file, out);
    }
    assertEquals(0, Party.load(gz, "gz").offsets().length);
  }
}
