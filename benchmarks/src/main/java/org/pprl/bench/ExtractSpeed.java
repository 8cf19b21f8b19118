package org.pprl.bench;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.SplittableRandom;
import org.pprl.core.extract.ExtractHeader;
import org.pprl.core.extract.ExtractReader;
import org.pprl.core.extract.ExtractRecord;
import org.pprl.core.extract.ExtractSummary;
import org.pprl.core.extract.ExtractWriter;

/**
 * Write and read speed of extract files: N records with 1024-bit CLKs (half the bits set), two
 * blocking keys, one attribute and one consent purpose, through a file in a temporary directory. A
 * hand-run measurement, not a JMH benchmark: each phase is timed over the whole file, three rounds,
 * so the later rounds show JIT-compiled speed.
 *
 * <p>Run: {@code ./mvnw -B -q package -pl benchmarks -am -DskipTests && java -Xmx512m -cp
 * benchmarks/target/benchmarks.jar org.pprl.bench.ExtractSpeed 1000000}. Results are in {@code
 * docs/extract-format.md}.
 */
public final class ExtractSpeed {
  private ExtractSpeed() {}

  private static final int POOL = 4096;

  public static void main(String[] args) throws IOException {
    int n = args.length > 0 ? Integer.parseInt(args[0]) : 1_000_000;
    int clkBits = args.length > 1 ? Integer.parseInt(args[1]) : 1024;
    ExtractHeader header =
        ExtractHeader.builder()
            .schemaFingerprint(new byte[32])
            .agency("dhs")
            .toolVersion("ExtractSpeed")
            .clkBits(clkBits)
            .blockingKeys("soundex_last", "dob_year")
            .attributes("shelter_type")
            .purposes("research")
            .build();
    // A pool of CLKs copied into the holder, so that generating random bits is not timed.
    SplittableRandom random = new SplittableRandom(42);
    long[][] pool = new long[POOL][header.clkWords()];
    for (long[] clk : pool) {
      for (int b = 0; b < clkBits; b++) {
        if (random.nextBoolean()) {
          clk[b >>> 6] |= 1L << b;
        }
      }
    }
    Path dir = Files.createTempDirectory("extract-speed");
    Path file = dir.resolve("speed.pprlx");
    try {
      for (int round = 1; round <= 3; round++) {
        long t0 = System.nanoTime();
        write(file, header, pool, n);
        long t1 = System.nanoTime();
        long read = read(file);
        long t2 = System.nanoTime();
        ExtractSummary summary = ExtractReader.verify(file);
        long t3 = System.nanoTime();
        if (read != n || summary.recordCount() != n) {
          throw new AssertionError("read " + read + " records, wrote " + n);
        }
        long bytes = Files.size(file);
        System.out.printf(
            Locale.ROOT,
            "round %d: %d records, %.1f MB | write %s | read %s | verify %s%n",
            round,
            n,
            bytes / 1e6,
            rate(n, bytes, t1 - t0),
            rate(n, bytes, t2 - t1),
            rate(n, bytes, t3 - t2));
      }
    } finally {
      Files.deleteIfExists(file);
      Files.deleteIfExists(dir);
    }
  }

  private static void write(Path file, ExtractHeader header, long[][] pool, int n)
      throws IOException {
    try (OutputStream os = Files.newOutputStream(file);
        ExtractWriter w = ExtractWriter.create(os, header)) {
      ExtractRecord r = new ExtractRecord(header);
      for (int i = 0; i < n; i++) {
        r.setId("r" + i);
        System.arraycopy(pool[i & (POOL - 1)], 0, r.clk(), 0, r.clk().length);
        r.setBlockingKey(0, i * 0x9E3779B97F4A7C15L);
        r.setBlockingKey(1, i & 127);
        r.setAttribute(0, (i & 3) == 0 ? null : "family");
        r.setConsent(i & 1);
        w.write(r);
      }
      w.finish();
    }
  }

  private static long read(Path file) throws IOException {
    try (ExtractReader reader = ExtractReader.open(file)) {
      ExtractRecord r = reader.newRecord();
      long popcount = 0;
      while (reader.next(r)) {
        popcount += r.clk()[0] & 1; // touch the record
      }
      if (popcount < 0) {
        throw new AssertionError();
      }
      return reader.recordCount();
    }
  }

  private static String rate(long records, long bytes, long nanos) {
    double s = nanos / 1e9;
    return String.format(
        Locale.ROOT, "%.2f s, %.0f k rec/s, %.0f MB/s", s, records / s / 1e3, bytes / s / 1e6);
  }
}
