package org.pprl.bench;

import java.io.IOException;
import java.io.OutputStream;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.SplittableRandom;
import org.pprl.core.extract.ExtractHeader;
import org.pprl.core.extract.ExtractRecord;
import org.pprl.core.extract.ExtractWriter;

/**
 * Writes two extracts of random 1024-bit CLKs (each bit set with probability 1/2) and their truth,
 * for timing {@code pprl link --method dice --blocking none} end to end on the filters the kernel
 * benchmark uses. Every {@value #PLANT_EVERY}th record of B is a copy of a record of A with 20 bits
 * flipped (Dice about 0.98); no other pair comes near 0.8.
 *
 * <p>Run: {@code java -cp benchmarks/target/benchmarks.jar org.pprl.bench.RandomExtracts 20000 DIR}
 * writes {@code DIR/random_a.pprl}, {@code DIR/random_b.pprl} and {@code DIR/truth.csv}.
 */
public final class RandomExtracts {
  static final int BITS = 1024;
  static final int PLANT_EVERY = 64;

  private RandomExtracts() {}

  public static void main(String[] args) throws IOException {
    if (args.length != 2) {
      System.err.println("usage: RandomExtracts RECORDS DIR");
      System.exit(2);
    }
    int n = Integer.parseInt(args[0]);
    Path dir = Files.createDirectories(Path.of(args[1]));
    write(n, dir, 20261123L);
    System.out.println(
        "wrote "
            + n
            + " × "
            + n
            + " random 1024-bit CLKs, "
            + planted(n)
            + " planted pairs, to "
            + dir);
  }

  /** Planted pairs among {@code n} records of B. */
  static int planted(int n) {
    return (n + PLANT_EVERY - 1) / PLANT_EVERY;
  }

  /** The record of A that record {@code j} of B copies, when j is a multiple of 64. */
  static int source(int j, int n) {
    return (int) ((j * 7L + 3) % n);
  }

  static void write(int n, Path dir, long seed) throws IOException {
    SplittableRandom random = new SplittableRandom(seed);
    long[][] a = new long[n][];
    for (int i = 0; i < n; i++) {
      a[i] = randomFilter(random);
    }
    writeExtract(dir.resolve("random_a.pprl"), "random_a", a);
    long[][] b = new long[n][];
    for (int j = 0; j < n; j++) {
      if (j % PLANT_EVERY == 0) {
        b[j] = a[source(j, n)].clone();
        for (int flip = 0; flip < 20; flip++) {
          int bit = random.nextInt(BITS);
          b[j][bit >>> 6] ^= 1L << bit;
        }
      } else {
        b[j] = randomFilter(random);
      }
    }
    writeExtract(dir.resolve("random_b.pprl"), "random_b", b);
    try (Writer w = Files.newBufferedWriter(dir.resolve("truth.csv"), StandardCharsets.UTF_8)) {
      w.write("agency,record_id,person_id\n");
      for (int i = 0; i < n; i++) {
        w.write("random_a,a" + i + ",p" + i + "\n");
      }
      for (int j = 0; j < n; j++) {
        String person = j % PLANT_EVERY == 0 ? "p" + source(j, n) : "q" + j;
        w.write("random_b,b" + j + "," + person + "\n");
      }
    }
  }

  private static long[] randomFilter(SplittableRandom random) {
    long[] words = new long[BITS / 64];
    for (int k = 0; k < words.length; k++) {
      words[k] = random.nextLong();
    }
    return words;
  }

  private static void writeExtract(Path file, String agency, long[][] clks) throws IOException {
    ExtractHeader header =
        ExtractHeader.builder()
            .schemaFingerprint(new byte[ExtractHeader.FINGERPRINT_BYTES])
            .agency(agency)
            .toolVersion("RandomExtracts")
            .clkBits(BITS)
            .build();
    String prefix = agency.substring(agency.length() - 1);
    try (OutputStream os = Files.newOutputStream(file);
        ExtractWriter w = ExtractWriter.create(os, header)) {
      ExtractRecord r = new ExtractRecord(header);
      for (int i = 0; i < clks.length; i++) {
        r.setId(prefix + i);
        System.arraycopy(clks[i], 0, r.clk(), 0, clks[i].length);
        w.write(r);
      }
      w.finish();
    }
  }
}
