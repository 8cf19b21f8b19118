package org.pprl.core.extract;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import org.junit.jupiter.api.Test;

/** Readers that each read a stretch of one extract file from an offset a whole read noted. */
class ExtractStretchTest {
  /** Where each record starts, as a whole read notes it before the record, and the trailer's. */
  private static long[] offsets(Path file, int records) throws IOException {
    long[] out = new long[records + 1];
    try (ExtractReader reader = ExtractReader.open(file)) {
      ExtractRecord r = reader.newRecord();
      for (int k = 0; ; k++) {
        out[k] = reader.offset();
        if (!reader.next(r)) {
          assertEquals(records, k);
          return out;
        }
      }
    }
  }

  /** What a test checks of a written extract file, given where each record starts. */
  private interface FileCheck {
    void check(Path file, long[] at) throws IOException;
  }

  /** Writes {@code records} to a temporary file, runs {@code check} on it, and removes it. */
  private static void withFile(ExtractHeader header, List<ExtractRecord> records, FileCheck check)
      throws IOException {
    Path file = Files.createTempFile("stretch", ".pprl");
    try {
      Files.write(file, ExtractSamples.write(header, records));
      check.check(file, offsets(file, records.size()));
    } finally {
      Files.delete(file);
    }
  }

  private static List<ExtractRecord> readAt(Path file, long offset, long first, int most)
      throws IOException {
    List<ExtractRecord> out = new ArrayList<>();
    try (ExtractReader reader = ExtractReader.openAt(file, offset, first)) {
      ExtractRecord r = reader.newRecord();
      while (out.size() < most && reader.next(r)) {
        out.add(r.copy());
      }
      assertEquals(first + out.size(), reader.recordCount());
    }
    return out;
  }

  @Property(tries = 60)
  void openAt_anyRecordsOffset_readsTheRecordsFromThereToTheTrailer(@ForAll long seed)
      throws IOException {
    SplittableRandom random = new SplittableRandom(seed);
    ExtractHeader header = ExtractSamples.randomHeader(random);
    List<ExtractRecord> records = ExtractSamples.randomRecords(header, random, random.nextInt(40));
    withFile(
        header,
        records,
        (file, at) -> {
          int first = random.nextInt(records.size() + 1);
          // To the trailer, where next() says false without checking the whole file's count.
          assertEquals(
              records.subList(first, records.size()),
              readAt(file, at[first], first, Integer.MAX_VALUE));
          // A stretch in the middle, read up to its end.
          int end = first + random.nextInt(records.size() - first + 1);
          assertEquals(records.subList(first, end), readAt(file, at[first], first, end - first));
        });
  }

  @Test
  void openAt_stretchesSideBySide_makeTheWholeFile() throws IOException {
    SplittableRandom random = new SplittableRandom(3);
    ExtractHeader header = ExtractSamples.randomHeader(random);
    // Records over several 64 KiB buffers, so that stretches start past what one buffer held.
    List<ExtractRecord> records = ExtractSamples.randomRecords(header, random, 3000);
    withFile(
        header,
        records,
        (file, at) -> {
          List<ExtractRecord> joined = new ArrayList<>();
          for (int first = 0; first < records.size(); first += 700) {
            int n = Math.min(700, records.size() - first);
            joined.addAll(readAt(file, at[first], first, n));
          }
          assertEquals(records, joined);
        });
  }

  @Test
  void openAt_compressedFileOrOffsetInTheHeader_isRefused() throws IOException {
    SplittableRandom random = new SplittableRandom(5);
    ExtractHeader header = ExtractSamples.randomHeader(random);
    List<ExtractRecord> records = ExtractSamples.randomRecords(header, random, 5);
    Path plain = Files.createTempFile("stretch", ".pprl");
    Path gz = Files.createTempFile("stretch", ".pprl.gz");
    try {
      byte[] bytes = ExtractSamples.write(header, records);
      Files.write(plain, bytes);
      Files.write(gz, ExtractSamples.gzip(bytes));
      long[] at = offsets(plain, records.size());

      IllegalArgumentException compressed =
          assertThrows(IllegalArgumentException.class, () -> ExtractReader.openAt(gz, at[1], 1));
      assertTrue(compressed.getMessage().contains("compressed"), compressed.getMessage());
      try (ExtractReader whole = ExtractReader.open(gz)) {
        assertTrue(whole.compressed());
      }
      IllegalArgumentException header0 =
          assertThrows(
              IllegalArgumentException.class, () -> ExtractReader.openAt(plain, at[0] - 1, 0));
      assertTrue(header0.getMessage().contains("after its header"), header0.getMessage());
      try (ExtractReader whole = ExtractReader.open(plain)) {
        assertFalse(whole.compressed());
      }
    } finally {
      Files.delete(plain);
      Files.delete(gz);
    }
  }
}
