package org.pprl.core.extract;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.io.OutputStream;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.SplittableRandom;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.pprl.core.bits.BitFilters;
import org.pprl.core.io.AtomicOutput;

class ExtractRoundTripTest {

  @Property(tries = 150)
  void roundTrip_randomHeadersAndRecords_readsBackEqual(@ForAll long seed) throws IOException {
    SplittableRandom random = new SplittableRandom(seed);
    ExtractHeader header = ExtractSamples.randomHeader(random);
    List<ExtractRecord> records = ExtractSamples.randomRecords(header, random, random.nextInt(25));

    byte[] bytes = ExtractSamples.write(header, records);
    ExtractSamples.Read read = ExtractSamples.readAll(bytes);

    assertEquals(header, read.header());
    assertEquals(records, read.records());
    // The encoding is canonical: writing what was read gives the same bytes.
    assertArrayEquals(bytes, ExtractSamples.write(read.header(), read.records()));
  }

  @Property(tries = 20)
  void roundTrip_gzipCompressed_readsBackEqual(@ForAll long seed) throws IOException {
    SplittableRandom random = new SplittableRandom(seed);
    ExtractHeader header = ExtractSamples.randomHeader(random);
    List<ExtractRecord> records = ExtractSamples.randomRecords(header, random, random.nextInt(25));

    byte[] gz = ExtractSamples.gzip(ExtractSamples.write(header, records));
    ExtractSamples.Read read = ExtractSamples.readAll(gz);

    assertEquals(header, read.header());
    assertEquals(records, read.records());
  }

  @Test
  void roundTrip_largestFiltersAndHeader_crossBufferBoundaries() throws IOException {
    // A 2^20-bit CLK (128 KiB) and a ~1 MiB header are both larger than the 64 KiB buffers.
    SplittableRandom random = new SplittableRandom(7);
    ExtractHeader.Builder b =
        ExtractHeader.builder()
            .schemaFingerprint(new byte[32])
            .agency("a".repeat(ExtractHeader.MAX_STRING_BYTES))
            .toolVersion("t")
            .clkBits(ExtractHeader.MAX_FILTER_BITS)
            .fieldFilter("f", ExtractHeader.MAX_FILTER_BITS - 1);
    for (int i = 0; i < ExtractHeader.MAX_NAMES; i++) {
      String pad = "x".repeat(ExtractHeader.MAX_STRING_BYTES - 3);
      b.blockingKeys(String.format("%02d", i) + "k" + pad);
      b.attributes(String.format("%02d", i) + "a" + pad);
    }
    ExtractHeader header = b.build();
    List<ExtractRecord> records = ExtractSamples.randomRecords(header, random, 3);
    records.get(1).setAttribute(5, "é".repeat(ExtractHeader.MAX_STRING_BYTES / 2));

    byte[] bytes = ExtractSamples.write(header, records);
    ExtractSamples.Read read = ExtractSamples.readAll(bytes);

    assertEquals(header, read.header());
    assertEquals(records, read.records());
  }

  @Test
  void roundTrip_noRecords_readsHeaderAndEnd() throws IOException {
    ExtractHeader header = ExtractSamples.randomHeader(new SplittableRandom(1));
    ExtractSamples.Read read = ExtractSamples.readAll(ExtractSamples.write(header, List.of()));
    assertEquals(header, read.header());
    assertEquals(List.of(), read.records());
  }

  @Test
  void verify_plainAndGzip_reportsHeaderCountAndFileSha256(@TempDir Path dir) throws IOException {
    SplittableRandom random = new SplittableRandom(3);
    ExtractHeader header = ExtractSamples.randomHeader(random);
    List<ExtractRecord> records = ExtractSamples.randomRecords(header, random, 40);
    byte[] plain = ExtractSamples.write(header, records);
    double meanPopcount =
        records.stream().mapToInt(r -> BitFilters.popcount(r.clk())).average().orElseThrow();

    for (byte[] bytes : List.of(plain, ExtractSamples.gzip(plain))) {
      Path file = dir.resolve("extract.bin");
      Files.write(file, bytes);
      ExtractSummary summary = ExtractReader.verify(file);

      assertEquals(header, summary.header());
      assertEquals(40, summary.recordCount());
      assertEquals(sha256Hex(bytes), summary.fileSha256());
      assertEquals(bytes != plain, summary.gzip());
      assertEquals(meanPopcount, summary.meanClkPopcount(), 1e-9);
    }
  }

  @Test
  void verify_withConsumer_seesEveryRecordInFileOrder(@TempDir Path dir) throws IOException {
    SplittableRandom random = new SplittableRandom(5);
    ExtractHeader header = ExtractSamples.randomHeader(random);
    List<ExtractRecord> records = ExtractSamples.randomRecords(header, random, 25);
    Path file = Files.write(dir.resolve("extract.bin"), ExtractSamples.write(header, records));
    List<String> seen = new ArrayList<>();

    ExtractSummary summary = ExtractReader.verify(file, r -> seen.add(r.id()));

    assertEquals(records.stream().map(ExtractRecord::id).toList(), seen);
    assertEquals(ExtractReader.verify(file), summary);
  }

  @Test
  void writer_throughAtomicOutput_producesAVerifiableFile(@TempDir Path dir) throws IOException {
    SplittableRandom random = new SplittableRandom(4);
    ExtractHeader header = ExtractSamples.randomHeader(random);
    Path file = dir.resolve("out.pprlx");
    try (AtomicOutput out = AtomicOutput.create(file);
        ExtractWriter writer = ExtractWriter.create(out.stream(), header)) {
      for (ExtractRecord r : ExtractSamples.randomRecords(header, random, 10)) {
        writer.write(r);
      }
      writer.finish();
      out.commit();
    }
    assertEquals(10, ExtractReader.verify(file).recordCount());
    try (var files = Files.list(dir)) {
      assertEquals(List.of(file), files.toList());
    }
  }

  @Test
  void next_afterEnd_keepsReturningFalse() throws IOException {
    ExtractHeader header = ExtractSamples.randomHeader(new SplittableRandom(5));
    byte[] bytes =
        ExtractSamples.write(
            header, ExtractSamples.randomRecords(header, new SplittableRandom(6), 2));
    try (ExtractReader reader =
        ExtractReader.open(new java.io.ByteArrayInputStream(bytes.clone()))) {
      ExtractRecord r = reader.newRecord();
      assertTrue(reader.next(r));
      assertTrue(reader.next(r));
      assertFalse(reader.next(r));
      assertFalse(reader.next(r));
      assertEquals(2, reader.recordCount());
    }
  }

  /**
   * 100k records with 1024-bit CLKs go through a file and back; records are regenerated from the
   * seed for comparison rather than kept, and the reader's allocation per record is bounded: the
   * holder is reused, so only the id string and the id set's share are allocated.
   */
  @Test
  void roundTrip_100kRecords_boundedAllocationPerRecord(@TempDir Path dir) throws IOException {
    int n = 100_000;
    ExtractHeader header =
        ExtractHeader.builder()
            .schemaFingerprint(new byte[32])
            .agency("dhs")
            .toolVersion("test")
            .clkBits(1024)
            .blockingKeys("soundex", "dob_year")
            .purposes("research")
            .build();
    Path file = dir.resolve("big.pprlx");
    ExtractRecord r = new ExtractRecord(header);
    try (OutputStream os = Files.newOutputStream(file);
        ExtractWriter w = ExtractWriter.create(os, header)) {
      SplittableRandom random = new SplittableRandom(11);
      for (int i = 0; i < n; i++) {
        ExtractSamples.randomRecord(header, random, i, r);
        w.write(r);
      }
      w.finish();
    }

    SplittableRandom random = new SplittableRandom(11);
    ExtractRecord expected = new ExtractRecord(header);
    List<Long> mismatches = new ArrayList<>();
    try (ExtractReader reader = ExtractReader.open(file)) {
      ExtractRecord got = reader.newRecord();
      while (reader.next(got)) {
        ExtractSamples.randomRecord(header, random, reader.recordCount() - 1, expected);
        if (!expected.equals(got)) {
          mismatches.add(reader.recordCount() - 1);
        }
      }
      assertEquals(n, reader.recordCount());
    }
    assertEquals(List.of(), mismatches);

    com.sun.management.ThreadMXBean threads = threadBean();
    long threadId = Thread.currentThread().getId();
    long allocated;
    try (ExtractReader reader = ExtractReader.open(file)) {
      ExtractRecord got = reader.newRecord();
      long before = threads.getThreadAllocatedBytes(threadId);
      while (reader.next(got)) {
        // the holder is refilled in place
      }
      allocated = threads.getThreadAllocatedBytes(threadId) - before;
    }
    // Measured about 200 bytes per record: the id string (~70, these ids are partly UTF-16) and
    // the id set's table, offsets and arena with their growth (~130). A reader that allocated a
    // record per call would add at least a long[16] (144) and the holder's other arrays.
    long perRecord = allocated / n;
    assertTrue(perRecord < 300, "allocated " + perRecord + " bytes per record, expected < 300");
  }

  private static com.sun.management.ThreadMXBean threadBean() {
    java.lang.management.ThreadMXBean bean = ManagementFactory.getThreadMXBean();
    assumeTrue(bean instanceof com.sun.management.ThreadMXBean, "needs HotSpot's thread bean");
    com.sun.management.ThreadMXBean threads = (com.sun.management.ThreadMXBean) bean;
    assumeTrue(threads.isThreadAllocatedMemorySupported());
    threads.setThreadAllocatedMemoryEnabled(true);
    return threads;
  }

  static String sha256Hex(byte[] bytes) {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
    } catch (java.security.NoSuchAlgorithmException e) {
      throw new AssertionError(e);
    }
  }
}
