package org.pprl.core.block;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.AlphaChars;
import net.jqwik.api.constraints.StringLength;
import org.bouncycastle.crypto.digests.SHA256Digest;
import org.bouncycastle.crypto.generators.HKDFBytesGenerator;
import org.bouncycastle.crypto.params.HKDFParameters;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class BlockingKeysTest {
  private static final byte[] SECRET =
      "correct horse battery staple".getBytes(StandardCharsets.UTF_8);
  private static final byte[] OTHER =
      "correct horse battery stapler".getBytes(StandardCharsets.UTF_8);

  private static BlockingKeyFunction fn(byte[] secret, String name, String... columnCodes) {
    return BlockingKeys.derive(BlockingKeySpec.of(name, columnCodes), secret);
  }

  /** The documented definition, computed independently: HKDF then HMAC over name||0||codes. */
  private static long oracle(byte[] secret, String name, String... codes) throws Exception {
    HKDFBytesGenerator hkdf = new HKDFBytesGenerator(new SHA256Digest());
    hkdf.init(
        new HKDFParameters(
            secret, null, ("pprl-blocking:" + name).getBytes(StandardCharsets.UTF_8)));
    byte[] k = new byte[32];
    hkdf.generateBytes(k, 0, 32);
    Mac mac = Mac.getInstance("HmacSHA256");
    mac.init(new SecretKeySpec(k, "HmacSHA256"));
    mac.update(name.getBytes(StandardCharsets.UTF_8));
    for (String c : codes) {
      mac.update((byte) 0);
      mac.update(c.getBytes(StandardCharsets.UTF_8));
    }
    return ByteBuffer.wrap(mac.doFinal()).getLong();
  }

  @ParameterizedTest(name = "{0}(''{1}'') = ''{2}''")
  @CsvSource({
    "soundex, smith, S530",
    "soundex, Smyth, S530",
    "refined_soundex, smith, S38060",
    "metaphone, smith, SM0",
    "double_metaphone, smith, SM0",
    "double_metaphone, schmidt, XMT",
    "nysiis, macdonald, MCDANA",
    "caverphone2, smith, SMT1111111",
    "prefix(3), joséphine, jos",
    "prefix(3), al, al",
    "exact, de la cruz, de la cruz",
    "year, 1984-03-12, 1984",
    "year_month, 1984-03-12, 1984-03",
    "month_day, 1984-03-12, 03-12",
    "month_day, 1984-12-03, 03-12",
    "name_soundex, 'Dr. De la Cruz Jr.', D426",
    "name_soundex, delacruz, D426",
    "given_soundex, bill, W450",
    "given_soundex, William, W450",
    "digits_date, 19840312, 1984-03-12",
    "digits_date, 1984-12-03, 1984-03-12",
    "digits_date, 12/03/1984, 1984-03-12",
    "digits_date, 3/12/1984, 1984-03-12",
    "digits_date, 03121984, 1984-03-12",
    "digits_year, 1984/3/12, 1984",
    "digits_month_day, 19841203, 03-12",
    "digits_month_day, 19843012, 12-30",
    "alnum, sw1a 1aa, SW1A1AA",
    "alnum, 02134, 02134",
  })
  void code_examples(String code, String value, String expected) {
    assertEquals(expected, Codes.parse(code).code(value));
  }

  /** A date the digit codes cannot read gives no code (no key), never an error. */
  @ParameterizedTest(name = "digits_date(''{0}'') has no code")
  @CsvSource({
    "1984",
    "no date",
    "19843245",
    "31/31/1984",
    "1984-03-12-07",
    "840312",
    "5 March 1984",
    "35991231",
  })
  void digitsDate_unreadable_givesNoCode(String value) {
    for (String code : List.of("digits_year", "digits_month_day", "digits_date")) {
      assertEquals("", Codes.parse(code).code(value), code);
    }
  }

  @Test
  void key_derivedCodes_missingWhenUnreadable() {
    BlockingKeyFunction f =
        fn(SECRET, "d1.family_soundex.birth_year", "f", "name_soundex", "d", "digits_year");
    assertTrue(f.key("smith", "19840312").isPresent());
    assertEquals(f.key("smith", "19840312"), f.key("Smyth", "12/03/1984"));
    assertFalse(f.key("smith", "unknown").isPresent());
    assertFalse(f.key("123", "19840312").isPresent());
  }

  @Test
  void key_matchesDocumentedDefinition() throws Exception {
    BlockingKeyFunction f = fn(SECRET, "family_sdx_yob", "family", "soundex", "dob", "year");
    assertEquals(
        OptionalLong.of(oracle(SECRET, "family_sdx_yob", "S530", "1984")),
        f.key("smith", "1984-03-12"));
  }

  @Property(tries = 200)
  void key_sameSecret_isDeterministic(
      @ForAll @AlphaChars @StringLength(min = 1, max = 20) String v) {
    BlockingKeyFunction a = fn(SECRET, "k", "family", "double_metaphone", "given", "prefix(2)");
    BlockingKeyFunction b = fn(SECRET, "k", "family", "double_metaphone", "given", "prefix(2)");
    assertEquals(a.key(v, v), b.key(v, v));
    assertEquals(a.key(v, v), a.key(v, v));
  }

  @Property(tries = 200)
  void key_differentSecret_differs(@ForAll @AlphaChars @StringLength(min = 1, max = 20) String v) {
    OptionalLong a = fn(SECRET, "k", "family", "exact").key(v);
    OptionalLong b = fn(OTHER, "k", "family", "exact").key(v);
    assertTrue(a.isPresent() && b.isPresent());
    assertNotEquals(a.getAsLong(), b.getAsLong());
  }

  @Test
  void key_differentName_differs() {
    assertNotEquals(
        fn(SECRET, "a", "family", "soundex").key("smith"),
        fn(SECRET, "b", "family", "soundex").key("smith"));
  }

  @Test
  void key_isNotAnUnkeyedHashOfTheCode() throws Exception {
    long key = fn(SECRET, "k", "family", "exact").key("smith").getAsLong();
    byte[] sha = java.security.MessageDigest.getInstance("SHA-256").digest("k\0smith".getBytes());
    assertNotEquals(ByteBuffer.wrap(sha).getLong(), key);
  }

  @Test
  void soundex_samePhoneticCode_sameKey() {
    BlockingKeyFunction f = fn(SECRET, "sdx", "family", "soundex");
    assertEquals(f.key("smith"), f.key("smyth"));
    assertEquals(f.key("smith"), f.key("SMITH"));
    assertNotEquals(f.key("smith"), f.key("jones"));
  }

  @Test
  void monthDay_survivesDayMonthSwap_yearMonthDoesNot() {
    BlockingKeyFunction md = fn(SECRET, "md", "dob", "year", "dob", "month_day");
    assertEquals(md.key("1984-03-12", "1984-03-12"), md.key("1984-12-03", "1984-12-03"));
    BlockingKeyFunction ym = fn(SECRET, "ym", "dob", "year_month");
    assertNotEquals(ym.key("1984-03-12"), ym.key("1984-12-03"));
  }

  @Test
  void compositeKey_partsAreSeparated() {
    BlockingKeyFunction f = fn(SECRET, "ee", "a", "exact", "b", "exact");
    assertNotEquals(f.key("ab", "c"), f.key("a", "bc"));
  }

  @Test
  void key_missingOrCodelessValue_hasNoKey() {
    BlockingKeyFunction f = fn(SECRET, "k", "family", "soundex", "dob", "year");
    assertEquals(OptionalLong.empty(), f.key("", "1984-03-12"));
    assertEquals(OptionalLong.empty(), f.key("smith", null));
    assertEquals(OptionalLong.empty(), f.key("1234", "1984-03-12")); // no letters: no soundex
    assertArrayEquals(new long[0], f.keys("smith", ""));
  }

  /** Regression: jqwik found values such as "hw" whose metaphone is "" (silent letters). */
  @Test
  void metaphone_silentLettersOnly_hasNoKey() {
    BlockingKeyFunction f = fn(SECRET, "mp", "family", "metaphone");
    assertEquals(OptionalLong.empty(), f.key("hw"));
    assertArrayEquals(new long[0], f.keys("wh"));
  }

  @Test
  void beiderMorse_keysAreTheCodeSet_andKeyIsTheFirst() throws Exception {
    BlockingKeyFunction f = fn(SECRET, "bm", "family", "beider_morse");
    String[] codes = Codes.parse("beider_morse").codes("schwarzenegger");
    assertTrue(codes.length > 1, Arrays.toString(codes));
    String[] sorted = codes.clone();
    Arrays.sort(sorted);
    assertArrayEquals(sorted, codes);
    long[] keys = f.keys("schwarzenegger");
    assertEquals(codes.length, keys.length);
    for (int i = 0; i < codes.length; i++) {
      assertEquals(oracle(SECRET, "bm", codes[i]), keys[i]);
    }
    assertEquals(keys[0], f.key("schwarzenegger").getAsLong());
  }

  @Test
  void beiderMorse_composite_isCapped() {
    BlockingKeyFunction f =
        fn(SECRET, "bm2", "family", "beider_morse", "given", "beider_morse", "dob", "year");
    long[] keys = f.keys("schwarzenegger", "wojciechowski", "1970-01-01");
    assertTrue(keys.length >= 1 && keys.length <= BlockingKeyFunction.MAX_KEYS);
    assertEquals(keys[0], f.key("schwarzenegger", "wojciechowski", "1970-01-01").getAsLong());
  }

  @Property(tries = 100)
  void keys_ofSingleCode_equalsKey(@ForAll @AlphaChars @StringLength(min = 1, max = 12) String v) {
    for (String code : List.of("soundex", "nysiis", "caverphone2", "metaphone", "prefix(4)")) {
      BlockingKeyFunction f = fn(SECRET, "k", "c", code);
      OptionalLong key = f.key(v);
      assertArrayEquals(key.isPresent() ? new long[] {key.getAsLong()} : new long[0], f.keys(v));
    }
  }

  // ---- errors never carry the value ------------------------------------------------------

  @Test
  void dateCode_nonIsoValue_isRefusedWithoutTheValue() {
    BlockingKeyFunction f = fn(SECRET, "yob", "dob", "year");
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> f.key("12/03/1984"));
    assertEquals(
        "blocking key 'yob', column 'dob': code 'year' needs an ISO yyyy-MM-dd date; the value is"
            + " not one",
        e.getMessage());
    assertFalse(e.getMessage().contains("1984"));
  }

  @Test
  void nulInValue_isRefusedWithoutTheValue() {
    BlockingKeyFunction f = fn(SECRET, "k", "family", "exact");
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> f.key("smi\0th"));
    assertFalse(e.getMessage().contains("smi"), e.getMessage());
  }

  @Test
  void key_wrongNumberOfValues_isRefused() {
    BlockingKeyFunction f = fn(SECRET, "k", "family", "soundex", "dob", "year");
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> f.key("x"));
    assertEquals("blocking key 'k' has 2 parts, got 1 values", e.getMessage());
  }

  @Test
  void derive_emptySecret_isRefused() {
    assertThrows(
        IllegalArgumentException.class,
        () -> BlockingKeys.derive(BlockingKeySpec.of("k", "c", "exact"), new byte[0]));
  }

  // ---- spec parsing ---------------------------------------------------------------------

  @Test
  void spec_parse_roundTripsThroughMap() {
    Map<String, Object> json =
        Map.of(
            "name",
            "family_sdx_yob",
            "parts",
            List.of(
                Map.of("column", "family", "code", "soundex"),
                Map.of("column", "given", "code", "prefix", "n", 3),
                Map.of("column", "dob", "code", "year")));
    BlockingKeySpec spec = BlockingKeySpec.parse(json);
    assertEquals(
        BlockingKeySpec.of(
            "family_sdx_yob", "family", "soundex", "given", "prefix(3)", "dob", "year"),
        spec);
    assertEquals(spec, BlockingKeySpec.parse(spec.toMap()));
  }

  @ParameterizedTest
  @CsvSource(
      delimiter = '|',
      value = {
        "bad name|soundex|blocking key name 'bad name' must be 1 to 64 characters of A-Z, a-z,"
            + " 0-9, '_', '.', '-'",
        "k|soundx|unknown blocking code 'soundx'; known: soundex, refined_soundex, metaphone,"
            + " double_metaphone, nysiis, caverphone2, beider_morse, prefix(n), exact, year,"
            + " year_month, month_day, name_soundex, given_soundex, digits_year, digits_month_day,"
            + " digits_date, alnum",
        "k|prefix(0)|blocking code prefix(n) needs n in 1..64; was '0'",
        "k|prefix(03)|blocking code prefix(n) needs n in 1..64; was '03'",
      })
  void spec_invalid_isRefusedWithReason(String name, String code, String message) {
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> BlockingKeySpec.of(name, "c", code));
    assertEquals(message, e.getMessage());
  }

  @Test
  void spec_parse_unknownField_isRefused() {
    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class,
            () ->
                BlockingKeySpec.parse(
                    Map.of(
                        "name", "k", "parts", List.of(Map.of("column", "c", "cod", "soundex")))));
    assertEquals(
        "blocking key 'k' part 0: unknown field 'cod'; known: column, code, n", e.getMessage());
  }

  @Test
  void spec_tooManyOrNoParts_isRefused() {
    assertThrows(IllegalArgumentException.class, () -> new BlockingKeySpec("k", List.of()));
  }
}
