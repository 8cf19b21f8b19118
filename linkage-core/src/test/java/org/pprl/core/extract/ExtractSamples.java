package org.pprl.core.extract;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.zip.GZIPOutputStream;

/** Seeded random headers and records for extract tests, and small helpers around them. */
final class ExtractSamples {
  private ExtractSamples() {}

  /** Characters drawn for strings: ASCII, Latin-1, Greek, CJK, and a supplementary emoji. */
  private static final String[] PIECES = {
    "a", "b", "Z", "0", "9", "-", "_", " ", "é", "ß", "Ω", "中", "文", "\uD83D\uDE00", "\u0000", "\n"
  };

  static String randomString(SplittableRandom random, int minPieces, int maxPieces) {
    int n = random.nextInt(minPieces, maxPieces + 1);
    StringBuilder sb = new StringBuilder();
    for (int i = 0; i < n; i++) {
      sb.append(PIECES[random.nextInt(PIECES.length)]);
    }
    return sb.toString();
  }

  static byte[] randomBytes(SplittableRandom random, int n) {
    byte[] b = new byte[n];
    for (int i = 0; i < n; i++) {
      b[i] = (byte) random.nextInt(256);
    }
    return b;
  }

  /** A header with random sizes; now and then a list at its maximum of 64 names. */
  static ExtractHeader randomHeader(SplittableRandom random) {
    ExtractHeader.Builder b =
        ExtractHeader.builder()
            .schemaFingerprint(randomBytes(random, 32))
            .agency(randomString(random, 1, 12))
            .toolVersion("pprl " + randomString(random, 1, 5))
            .clkBits(random.nextInt(4) == 0 ? 1024 : random.nextInt(1, 700));
    int filters = random.nextInt(4);
    for (int f = 0; f < filters; f++) {
      b.fieldFilter("ff" + f + "." + randomString(random, 0, 3), random.nextInt(1, 300));
    }
    b.blockingKeys(names(random, "bk"));
    b.attributes(names(random, "at"));
    b.purposes(names(random, "p"));
    return b.build();
  }

  private static String[] names(SplittableRandom random, String prefix) {
    int n = random.nextInt(10) == 0 ? ExtractHeader.MAX_NAMES : random.nextInt(0, 10);
    String[] names = new String[n];
    for (int i = 0; i < n; i++) {
      names[i] = prefix + i + "." + randomString(random, 0, 3);
    }
    return names;
  }

  /** Fills {@code r} with random content for record {@code index}; ids are distinct by index. */
  static void randomRecord(ExtractHeader h, SplittableRandom random, long index, ExtractRecord r) {
    r.clear();
    r.setId("id-" + index + "." + randomString(random, 0, 4));
    randomFilter(random, h.clkBits(), r.clk());
    for (int f = 0; f < r.fieldFilterCount(); f++) {
      randomFilter(random, h.fieldFilters().get(f).bits(), r.fieldFilter(f));
    }
    for (int k = 0; k < r.blockingKeyCount(); k++) {
      if (random.nextInt(4) != 0) {
        r.setBlockingKey(k, random.nextLong());
      }
    }
    for (int a = 0; a < r.attributeCount(); a++) {
      if (random.nextInt(4) != 0) {
        r.setAttribute(a, randomString(random, 0, 8));
      }
    }
    int purposes = r.purposeCount();
    r.setConsent(purposes == 64 ? random.nextLong() : random.nextLong() & ((1L << purposes) - 1));
  }

  /** Random bits below {@code bits}, tail zero. */
  static void randomFilter(SplittableRandom random, int bits, long[] words) {
    for (int w = 0; w < words.length; w++) {
      words[w] = random.nextLong();
    }
    if ((bits & 63) != 0) {
      words[words.length - 1] &= (1L << bits) - 1;
    }
  }

  static List<ExtractRecord> randomRecords(ExtractHeader h, SplittableRandom random, int n) {
    List<ExtractRecord> out = new ArrayList<>(n);
    ExtractRecord r = new ExtractRecord(h);
    for (int i = 0; i < n; i++) {
      randomRecord(h, random, i, r);
      out.add(r.copy());
    }
    return out;
  }

  static byte[] write(ExtractHeader h, List<ExtractRecord> records) {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (ExtractWriter w = ExtractWriter.create(bytes, h)) {
      for (ExtractRecord r : records) {
        w.write(r);
      }
      w.finish();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return bytes.toByteArray();
  }

  static byte[] gzip(byte[] plain) {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (GZIPOutputStream gz = new GZIPOutputStream(bytes)) {
      gz.write(plain);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return bytes.toByteArray();
  }

  /** Header and records read from {@code bytes}; throws what the reader throws. */
  record Read(ExtractHeader header, List<ExtractRecord> records) {}

  static Read readAll(byte[] bytes) throws IOException {
    try (ExtractReader reader = ExtractReader.open(new ByteArrayInputStream(bytes))) {
      List<ExtractRecord> records = new ArrayList<>();
      ExtractRecord r = reader.newRecord();
      while (reader.next(r)) {
        records.add(r.copy());
      }
      if (reader.recordCount() != records.size()) {
        throw new AssertionError("count " + reader.recordCount() + " vs " + records.size());
      }
      return new Read(reader.header(), records);
    }
  }

  /** Recomputes the trailer's SHA-256 after a test edited the bytes before it. */
  static byte[] reseal(byte[] bytes) {
    byte[] out = bytes.clone();
    int digestAt = out.length - Format.DIGEST_BYTES;
    java.security.MessageDigest sha = Shape.sha256();
    sha.update(out, 0, digestAt);
    System.arraycopy(sha.digest(), 0, out, digestAt, Format.DIGEST_BYTES);
    return out;
  }

  /** Index of the first occurrence of {@code pattern} in {@code bytes} at or after {@code from}. */
  static int indexOf(byte[] bytes, byte[] pattern, int from) {
    outer:
    for (int i = from; i + pattern.length <= bytes.length; i++) {
      for (int j = 0; j < pattern.length; j++) {
        if (bytes[i + j] != pattern[j]) {
          continue outer;
        }
      }
      return i;
    }
    throw new AssertionError("pattern not found");
  }
}
