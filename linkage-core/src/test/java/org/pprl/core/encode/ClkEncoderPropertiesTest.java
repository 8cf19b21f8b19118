package org.pprl.core.encode;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import net.jqwik.api.Assume;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.Size;
import net.jqwik.api.constraints.StringLength;
import org.pprl.core.bits.BitFilters;
import org.pprl.core.schema.ClkhashSchema;
import org.pprl.core.schema.TextEncoding;

class ClkEncoderPropertiesTest {

  /** A two-feature schema (an ignored id, then a string) built from the varied parameters. */
  static ClkhashSchema schema(
      int logL,
      int folds,
      int n,
      boolean positional,
      String hash,
      String strategy,
      int bits,
      String comparison)
      throws Exception {
    String cmp =
        "ngram".equals(comparison)
            ? "{\"type\": \"ngram\", \"n\": " + n + ", \"positional\": " + positional + "}"
            : comparison.startsWith("{") ? comparison : "{\"type\": \"exact\"}";
    String json =
        "{\"version\": 3, \"clkConfig\": {\"l\": "
            + (1 << logL)
            + ", \"xorFolds\": "
            + folds
            + ", \"kdf\": {\"type\": \"HKDF\", \"salt\": \"c2FsdA==\", \"keySize\": 64}},"
            + " \"features\": [{\"identifier\": \"id\", \"ignored\": true},"
            + " {\"identifier\": \"v\", \"format\": {\"type\": \"string\"}, \"hashing\": {"
            + "\"comparison\": "
            + cmp
            + ", \"strategy\": {\""
            + strategy
            + "\": "
            + bits
            + "}, \"hash\": "
            + hash
            + "}}]}";
    return ClkhashSchema.parse(new ByteArrayInputStream(json.getBytes(StandardCharsets.UTF_8)));
  }

  static final String[] HASHES = {
    "{\"type\": \"blakeHash\"}",
    "{\"type\": \"doubleHash\"}",
    "{\"type\": \"doubleHash\", \"prevent_singularity\": true}"
  };

  @Property(tries = 200)
  void encode_agreesWithNaiveClkhash(
      @ForAll @Size(min = 1, max = 6) List<@StringLength(max = 12) String> values,
      @ForAll @IntRange(min = 6, max = 10) int logL,
      @ForAll @IntRange(min = 0, max = 2) int folds,
      @ForAll @IntRange(min = 1, max = 3) int n,
      @ForAll boolean positional,
      @ForAll @IntRange(min = 0, max = 2) int hash,
      @ForAll boolean perFeature,
      @ForAll @IntRange(min = 1, max = 80) int bits,
      @ForAll boolean exact,
      @ForAll boolean tinyCache)
      throws Exception {
    for (String v : values) {
      Assume.that(TextEncoding.UTF_8.canEncode(v));
    }
    ClkhashSchema s =
        schema(
            logL,
            folds,
            n,
            positional,
            HASHES[hash],
            perFeature ? "bitsPerFeature" : "bitsPerToken",
            bits,
            exact ? "exact" : "ngram");
    byte[] secret = "secret".getBytes(StandardCharsets.UTF_8);
    // A 16-slot cache evicts and resets constantly: results must not depend on it.
    ClkEncoder encoder = tinyCache ? new ClkEncoder(s, secret, 16) : new ClkEncoder(s, secret);
    for (int round = 0; round < 2; round++) {
      for (int r = 0; r < values.size(); r++) {
        String[] row = {"id" + r, values.get(r)};
        long[] expected = NaiveClkhash.encode(s, secret, row);
        assertArrayEquals(expected, encoder.encode(row, r), () -> "row " + row[1]);
      }
    }
  }

  @Property(tries = 100)
  void encode_numeric_agreesWithNaiveClkhash(
      @ForAll @IntRange(min = -100000, max = 100000) int whole,
      @ForAll @IntRange(min = 0, max = 999) int fraction,
      @ForAll boolean asFloat,
      @ForAll @IntRange(min = 1, max = 50) int threshold,
      @ForAll @IntRange(min = 1, max = 5) int resolution,
      @ForAll @IntRange(min = 0, max = 3) int precision,
      @ForAll @IntRange(min = 0, max = 1) int hash)
      throws Exception {
    String numeric =
        "{\"type\": \"numeric\", \"thresholdDistance\": "
            + threshold
            + ", \"resolution\": "
            + resolution
            + ", \"fractional_precision\": "
            + precision
            + "}";
    ClkhashSchema s = schema(9, 0, 1, false, HASHES[hash], "bitsPerToken", 7, numeric);
    byte[] secret = {9};
    String value =
        asFloat ? whole + "." + String.format("%03d", fraction) : Integer.toString(whole);
    String[] row = {"x", value};
    assertArrayEquals(
        NaiveClkhash.encode(s, secret, row), new ClkEncoder(s, secret).encode(row, 0));
  }

  @Property(tries = 20)
  void encode_numericOfNonNumber_namesColumnNotValue(
      @ForAll @StringLength(min = 1, max = 10) String word) throws Exception {
    Assume.that(TextEncoding.UTF_8.canEncode(word) && !word.isBlank());
    Assume.that(
        word.codePoints().noneMatch(Character::isDigit)
            && !word.toLowerCase(java.util.Locale.ROOT).contains("inf"));
    String numeric = "{\"type\": \"numeric\", \"thresholdDistance\": 5, \"resolution\": 2}";
    ClkhashSchema s = schema(9, 0, 1, false, HASHES[0], "bitsPerToken", 7, numeric);
    RecordException e =
        org.junit.jupiter.api.Assertions.assertThrows(
            RecordException.class,
            () -> new ClkEncoder(s, new byte[] {1}).encode(new String[] {"x", word}, 4));
    assertEquals("row 4, column 'v': not a finite number", e.getMessage());
  }

  @Property(tries = 50)
  void encode_sameSecret_isDeterministic(
      @ForAll @StringLength(min = 1, max = 20) String value, @ForAll byte[] secret)
      throws Exception {
    Assume.that(TextEncoding.UTF_8.canEncode(value));
    ClkhashSchema s = schema(9, 0, 2, false, HASHES[0], "bitsPerToken", 20, "ngram");
    String[] row = {"x", value};
    assertArrayEquals(
        new ClkEncoder(s, secret.clone()).encode(row, 0), new ClkEncoder(s, secret).encode(row, 0));
  }

  @Property(tries = 50)
  void encode_differentSecret_givesDifferentFilter(
      @ForAll @StringLength(min = 1, max = 20) String value,
      @ForAll @Size(min = 1, max = 32) byte[] secret,
      @ForAll @IntRange(min = 0, max = 1) int hash)
      throws Exception {
    Assume.that(TextEncoding.UTF_8.canEncode(value));
    ClkhashSchema s = schema(10, 0, 2, false, HASHES[hash], "bitsPerToken", 20, "ngram");
    byte[] other = secret.clone();
    other[0] ^= 1;
    String[] row = {"x", value};
    // 20+ bits at 1024 positions: equal filters under different keys have probability ~2^-100.
    assertFalse(
        java.util.Arrays.equals(
            new ClkEncoder(s, secret).encode(row, 0), new ClkEncoder(s, other).encode(row, 0)));
  }

  @Property(tries = 100)
  void fold_halvesLength_andIsXorOfHalves(
      @ForAll @IntRange(min = 1, max = 700) int half, @ForAll long seed) {
    java.util.SplittableRandom random = new java.util.SplittableRandom(seed);
    int bits = 2 * half;
    long[] words = new long[BitFilters.wordCount(bits)];
    boolean[] oracle = new boolean[bits];
    for (int i = 0; i < bits; i++) {
      if (random.nextBoolean()) {
        BitFilters.set(words, i);
        oracle[i] = true;
      }
    }
    long[] out = new long[BitFilters.wordCount(half)];
    Folding.fold(words, bits, 1, out);
    for (int i = 0; i < half; i++) {
      assertEquals(oracle[i] ^ oracle[half + i], BitFilters.get(out, i), "bit " + i);
    }
    BitFilters.checkTail(out, half);
  }

  @Property(tries = 30)
  void encode_xorFold_equalsFoldOfUnfoldedFilter(
      @ForAll @StringLength(min = 1, max = 15) String value,
      @ForAll @IntRange(min = 0, max = 1) int hash)
      throws Exception {
    Assume.that(TextEncoding.UTF_8.canEncode(value));
    byte[] secret = {1, 2, 3};
    String[] row = {"x", value};
    ClkhashSchema folded = schema(8, 1, 2, false, HASHES[hash], "bitsPerToken", 15, "ngram");
    ClkhashSchema plain = schema(9, 0, 2, false, HASHES[hash], "bitsPerToken", 15, "ngram");
    long[] full = new ClkEncoder(plain, secret).encode(row, 0);
    long[] half = new ClkEncoder(folded, secret).encode(row, 0);
    assertEquals(BitFilters.wordCount(256), half.length);
    for (int i = 0; i < 256; i++) {
      assertEquals(
          BitFilters.get(full, i) ^ BitFilters.get(full, 256 + i), BitFilters.get(half, i));
    }
  }
}
