package org.pprl.core.schema;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class SchemaParseTest {

  /** A valid schema exercising every format; each broken case edits one spot of it. */
  static final String VALID =
      """
      {
        "version": 3,
        "clkConfig": {
          "l": 256,
          "kdf": {"type": "HKDF", "hash": "SHA256", "salt": "c2FsdA==", "info": "aW5mbw==", "keySize": 64}
        },
        "features": [
          {"identifier": "id", "ignored": true},
          {"identifier": "name",
           "format": {"type": "string", "encoding": "utf-8", "case": "lower", "minLength": 1, "maxLength": 30},
           "hashing": {"comparison": {"type": "ngram", "n": 2, "positional": false},
                       "strategy": {"bitsPerFeature": 100}, "hash": {"type": "doubleHash"}}},
          {"identifier": "dob",
           "format": {"type": "date", "format": "%Y-%m-%d"},
           "hashing": {"comparison": {"type": "ngram", "n": 1, "positional": true},
                       "strategy": {"bitsPerToken": 10}, "missingValue": {"sentinel": ""}}},
          {"identifier": "code",
           "format": {"type": "string", "pattern": "[A-Z]{3}"},
           "hashing": {"comparison": {"type": "exact"}, "strategy": {"bitsPerToken": 20}}},
          {"identifier": "age",
           "format": {"type": "integer", "minimum": 0, "maximum": 120},
           "hashing": {"comparison": {"type": "numeric", "thresholdDistance": 2, "resolution": 2},
                       "strategy": {"bitsPerToken": 5}}},
          {"identifier": "sex",
           "format": {"type": "enum", "values": ["M", "F"]},
           "hashing": {"comparison": {"type": "exact"}, "strategy": {"bitsPerToken": 30}}}
        ]
      }
      """;

  static ClkhashSchema parse(String json) throws Exception {
    return ClkhashSchema.parse(new ByteArrayInputStream(json.getBytes(StandardCharsets.UTF_8)));
  }

  /** {@link #VALID} with the first occurrence of {@code from} replaced by {@code to}. */
  static String edit(String from, String to) {
    if (!VALID.contains(from)) {
      throw new AssertionError("test bug: the valid schema has no " + from);
    }
    return VALID.replaceFirst(
        java.util.regex.Pattern.quote(from), java.util.regex.Matcher.quoteReplacement(to));
  }

  static Stream<Arguments> brokenSchemas() {
    return Stream.of(
        Arguments.of(
            edit("\"version\": 3", "\"version\": 2"), "version: only linkage schema version 3"),
        Arguments.of("[1, 2]", "must be an object, got an array"),
        Arguments.of("{\"version\": 3, ", "not valid JSON"),
        Arguments.of(
            edit("\"version\": 3,", "\"version\": 3, \"version\": 3,"),
            "not valid JSON: Duplicate field"),
        Arguments.of(
            edit("\"version\": 3,", "\"version\": 3, \"colour\": 1,"), "colour: unknown key"),
        Arguments.of(edit("\"l\": 256,", ""), "clkConfig.l: is required"),
        Arguments.of(edit("\"l\": 256", "\"l\": 0"), "clkConfig.l: must be >= 1, got 0"),
        Arguments.of(
            edit("\"l\": 256", "\"l\": \"256\""), "clkConfig.l: must be an integer, got a string"),
        Arguments.of(
            edit("\"l\": 256", "\"l\": 256.5"),
            "clkConfig.l: must be an integer, got the number 256.5"),
        Arguments.of(
            edit("\"l\": 256,", "\"l\": 256, \"xor_folds\": 1,"),
            "clkConfig.xor_folds: not part of the v3 spec"),
        Arguments.of(
            edit("\"l\": 256,", "\"l\": 256, \"xorFolds\": -1,"),
            "clkConfig.xorFolds: must be >= 0, got -1"),
        Arguments.of(
            edit("\"l\": 256", "\"l\": 1000"),
            "clkConfig.l: blakeHash needs l * 2^xorFolds to be a power of two, got 1000"),
        Arguments.of(
            edit("\"type\": \"HKDF\"", "\"type\": \"PBKDF2\""),
            "clkConfig.kdf.type: must be \"HKDF\""),
        Arguments.of(
            edit("\"hash\": \"SHA256\"", "\"hash\": \"MD5\""),
            "clkConfig.kdf.hash: must be one of SHA256, SHA512; got \"MD5\""),
        Arguments.of(edit("\"c2FsdA==\"", "\"not base64!\""), "clkConfig.kdf.salt: must be base64"),
        Arguments.of(
            edit("\"keySize\": 64", "\"keySize\": 65"),
            "clkConfig.kdf.keySize: blakeHash keys are at most 64 bytes (BLAKE2b), got 65"),
        Arguments.of(
            edit("\"keySize\": 64", "\"keySize\": 800"),
            "clkConfig.kdf.keySize: 2 keys * 6 features * 800 bytes = 9600 bytes exceeds"),
        Arguments.of(
            "{\"version\": 3, \"clkConfig\": {\"l\": 8, \"kdf\": {\"type\": \"HKDF\"}},"
                + " \"features\": {}}",
            "features: must be an array, got an object"),
        Arguments.of(
            edit("\"ignored\": true}", "\"ignored\": true, \"format\": {}}"),
            "features[0].format: unknown key"),
        Arguments.of(
            edit("\"ignored\": true}", "\"ignored\": \"yes\"}"),
            "features[0].ignored: must be true or false, got a string"),
        Arguments.of(
            edit("{\"identifier\": \"name\",", "{"), "features[1].identifier: is required"),
        Arguments.of(
            edit("\"n\": 2", "\"n\": 0"), "features[1].hashing.comparison.n: must be >= 1, got 0"),
        Arguments.of(
            edit("\"positional\": false", "\"postional\": false"),
            "features[1].hashing.comparison.postional: unknown key"),
        Arguments.of(
            edit("{\"bitsPerFeature\": 100}", "{\"bitsPerFeature\": 100, \"bitsPerToken\": 3}"),
            "features[1].hashing.strategy: needs exactly one of bitsPerToken and bitsPerFeature"),
        Arguments.of(
            edit("{\"bitsPerToken\": 10}", "{\"bitsPerToken\": 0}"),
            "features[2].hashing.strategy.bitsPerToken: must be >= 1, got 0"),
        Arguments.of(
            edit("\"encoding\": \"utf-8\"", "\"encoding\": \"euc-jp\""),
            "features[1].format.encoding: must be one of ascii, utf-8, utf-16, utf-32; got \"euc-jp\""),
        Arguments.of(
            edit("\"minLength\": 1", "\"minLength\": 31"),
            "features[1].format.minLength: must not exceed maxLength 30"),
        Arguments.of(
            edit("{\"type\": \"doubleHash\"}", "{\"type\": \"sha1\"}"),
            "features[1].hashing.hash.type: must be one of blakeHash, doubleHash; got \"sha1\""),
        Arguments.of(
            edit("\"%Y-%m-%d\"", "\"%Y-%W\""),
            "features[2].format.format: directive %W is not supported"),
        Arguments.of(
            edit("{\"sentinel\": \"\"}", "{\"replaceWith\": \"x\"}"),
            "features[2].hashing.missingValue.sentinel: is required"),
        Arguments.of(
            edit("\"pattern\": \"[A-Z]{3}\"", "\"pattern\": \"[A-Z]{3}\", \"case\": \"upper\""),
            "features[3].format.case: unknown key; allowed here: type, encoding, pattern, description"),
        Arguments.of(
            edit("\"[A-Z]{3}\"", "\"[A-Z\""),
            "features[3].format.pattern: not a valid regular expression"),
        Arguments.of(
            edit("\"minimum\": 0", "\"minimum\": 121"),
            "features[4].format.minimum: must not exceed maximum 120, got 121"),
        Arguments.of(
            edit("\"resolution\": 2}", "\"resolution\": 2, \"fractionalPrecision\": 1}"),
            "features[4].hashing.comparison.fractionalPrecision: clkhash 0.18.3 reads fractional_precision"),
        Arguments.of(
            edit("\"thresholdDistance\": 2", "\"thresholdDistance\": 0"),
            "features[4].hashing.comparison.thresholdDistance: must be a number > 0, got 0"),
        Arguments.of(
            edit("\"thresholdDistance\": 2", "\"thresholdDistance\": 0.2"),
            "features[4].hashing.comparison.thresholdDistance: rounds to 0 at fractional_precision 0"),
        Arguments.of(
            edit("\"values\": [\"M\", \"F\"]", "\"values\": [\"M\", 1]"),
            "features[5].format.values[1]: must be a string, got the integer 1"),
        Arguments.of(
            edit("\"type\": \"enum\"", "\"type\": \"float\""),
            "features[5].format.type: must be one of string, integer, date, enum; got \"float\""));
  }

  @ParameterizedTest
  @MethodSource("brokenSchemas")
  void parse_brokenSchema_namesPathAndRule(String json, String expected) {
    SchemaException e = assertThrows(SchemaException.class, () -> parse(json));
    assertTrue(
        e.getMessage().startsWith(expected) || e.getMessage().contains(expected),
        () -> "expected «" + expected + "» in «" + e.getMessage() + "»");
  }

  @Test
  void parse_validSchema_readsEveryPart() throws Exception {
    ClkhashSchema s = parse(VALID);
    assertEquals(256, s.filterBits());
    assertEquals(0, s.xorFolds());
    assertEquals(256, s.hashBits());
    assertEquals("SHA256", s.kdfHash());
    assertEquals("salt", new String(s.kdfSalt(), StandardCharsets.US_ASCII));
    assertEquals(java.util.List.of("id", "name", "dob", "code", "age", "sex"), s.featureNames());
    assertTrue(s.features().get(0).ignored());
    FeatureSpec name = s.features().get(1);
    assertEquals(new Comparison.Ngram(2, false), name.comparison());
    assertEquals(new Strategy(true, 100), name.strategy());
    assertEquals(HashFunction.DOUBLE_HASH, name.hashFunction());
    assertEquals(HashFunction.BLAKE_HASH, s.features().get(2).hashFunction());
    assertEquals(new Strategy(false, 10), s.features().get(2).strategy());
  }

  @Test
  void parse_xorFolds_doublesHashLength() throws Exception {
    ClkhashSchema s = parse(edit("\"l\": 256,", "\"l\": 256, \"xorFolds\": 2,"));
    assertEquals(256, s.filterBits());
    assertEquals(1024, s.hashBits());
  }

  @Test
  void check_missingValueSentinel_isNotValidated() throws Exception {
    FeatureSpec dob = parse(VALID).features().get(2);
    assertNull(dob.check(""));
    assertEquals("", dob.format(""));
    assertFalse(dob.check("1990-02-30") == null);
    assertEquals("19900228", dob.format("1990-02-28"));
  }

  @Test
  void check_integer_acceptsPythonIntSyntaxAndCanonicalises() throws Exception {
    FeatureSpec age = parse(VALID).features().get(4);
    assertNull(age.check(" +042 "));
    assertEquals("42", age.format(" +042 "));
    assertNull(age.check("1_0"));
    assertEquals("10", age.format("1_0"));
    assertEquals("not an integer", age.check("4.0"));
    assertEquals("integer above maximum 120", age.check("121"));
    assertEquals("integer below minimum 0", age.check("-1"));
  }
}
