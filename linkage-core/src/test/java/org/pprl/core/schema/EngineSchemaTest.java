package org.pprl.core.schema;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class EngineSchemaTest {
  private static final String CLK_CONFIG =
      "\"clkConfig\": {\"l\": 1024, \"kdf\": {\"type\": \"HKDF\", \"hash\": \"SHA256\","
          + " \"keySize\": 64}}";
  private static final String NAME_HASHING =
      "\"hashing\": {\"comparison\": {\"type\": \"ngram\", \"n\": 2},"
          + " \"strategy\": {\"bitsPerFeature\": 200}}";

  /** A schema with the given top-level and per-feature "pprl" blocks (empty string: none). */
  static String schema(String top, String givenBlock) {
    return "{\"version\": 3, "
        + CLK_CONFIG
        + ", \"features\": ["
        + "{\"identifier\": \"id\", \"ignored\": true},"
        + "{\"identifier\": \"given\", \"format\": {\"type\": \"string\", \"encoding\": \"utf-8\"}, "
        + NAME_HASHING
        + givenBlock
        + "},"
        + "{\"identifier\": \"family\", \"format\": {\"type\": \"string\", \"encoding\": \"utf-8\"}, "
        + NAME_HASHING
        + "}]"
        + (top.isEmpty() ? "" : ", \"pprl\": " + top)
        + "}";
  }

  private static EngineSchema parse(String json) throws SchemaException {
    return EngineSchema.parse(json.getBytes(StandardCharsets.UTF_8));
  }

  @Test
  void parse_plainV3_keepsClkhashColumnOrderAndDefaults() throws SchemaException {
    EngineSchema s = parse(schema("", ""));

    assertFalse(s.columnsByName());
    assertEquals(List.of("id", "given", "family"), s.featureColumns());
    assertEquals(List.of(1, 2), s.fieldFilterFeatures());
    assertNull(s.recordIdColumn());
    assertEquals(List.of(), s.blockingKeys());
    assertFalse(s.hardening().any());
    assertEquals("  josé ", s.normalisers().get(1).apply("  josé "));
  }

  @Test
  void parse_pprlBlocks_readEveryPart() throws SchemaException {
    String top =
        "{\"version\": 1, \"recordId\": \"record_id\","
            + " \"blockingKeys\": [{\"name\": \"fam_sdx\", \"parts\": [{\"column\": \"family\","
            + " \"code\": \"soundex\"}]}],"
            + " \"attributes\": [{\"name\": \"entry\", \"column\": \"entry_date\","
            + " \"normalise\": {\"name\": \"date\", \"formats\": [\"MM/dd/yyyy\"]}},"
            + " {\"name\": \"shelter_type\"}],"
            + " \"consent\": {\"research\": \"consent_research\"},"
            + " \"hardening\": {\"blip\": 0.05, \"balance\": true}}";
    String given =
        ", \"pprl\": {\"column\": \"given_name\", \"normalise\": [\"name\", \"nickname\"],"
            + " \"fieldFilter\": false}";

    EngineSchema s = parse(schema(top, given));

    assertTrue(s.columnsByName());
    assertEquals(List.of("id", "given_name", "family"), s.featureColumns());
    assertEquals(List.of(2), s.fieldFilterFeatures());
    assertEquals("record_id", s.recordIdColumn());
    assertEquals("fam_sdx", s.blockingKeys().get(0).name());
    assertEquals("william", s.normalisers().get(1).apply("Bill"));
    assertEquals("entry_date", s.attributes().get(0).column());
    assertEquals("2024-03-01", s.attributes().get(0).normaliser().apply("03/01/2024"));
    assertEquals("shelter_type", s.attributes().get(1).column());
    assertEquals(List.of(new EngineSchema.Consent("research", "consent_research")), s.consents());
    assertEquals(
        new EngineSchema.Hardening(0.05, true, null, 0, List.of(), List.of()), s.hardening());
  }

  @Test
  void fingerprint_ignoresKeyOrderAndWhitespaceButNotContent() throws SchemaException {
    String a = "{\"version\": 1}";
    String b = "{ \"version\" : 1 }";
    byte[] fa = parse(schema(a, "")).fingerprint();
    byte[] fb = parse(schema(b, "")).fingerprint();
    byte[] reordered =
        parse(
                schema(a, "")
                    .replace("\"l\": 1024, \"kdf\"", "\"kdf\"")
                    .replace("\"keySize\": 64}}", "\"keySize\": 64}, \"l\": 1024}"))
            .fingerprint();
    byte[] other = parse(schema("{\"version\": 1, \"recordId\": \"x\"}", "")).fingerprint();

    assertArrayEquals(fa, fb);
    assertArrayEquals(fa, reordered);
    assertNotEquals(parse(schema(a, "")).fingerprintHex(), parse(schema("", "")).fingerprintHex());
    assertFalse(java.util.Arrays.equals(fa, other));
    assertEquals(64, parse(schema(a, "")).fingerprintHex().length());
  }

  @ParameterizedTest
  @CsvSource(
      delimiter = '|',
      value = {
        "{\"version\": 2}| | pprl.version: must be 1, was 2",
        "{}| | pprl.version: must be 1, was absent",
        "{\"version\": 1, \"colour\": 1}| | pprl.colour: is not a known key",
        "{\"version\": 1, \"hardening\": {\"blip\": 1.5}}| | pprl.hardening.blip: must be in [0, 1)",
        "{\"version\": 1, \"attributes\": [{\"column\": \"x\"}]}| | pprl.attributes[0].name: is"
            + " required",
        "{\"version\": 1, \"attributes\": [{\"name\": \"a\"}, {\"name\": \"a\"}]}| |"
            + " pprl.attributes[1].name: 'a' is used twice",
        "{\"version\": 1, \"consent\": {\"research\": 1}}| | pprl.consent.research: must be the"
            + " name",
        "{\"version\": 1, \"blockingKeys\": [{\"name\": \"k\", \"parts\": [{\"column\": \"family\","
            + " \"code\": \"nope\"}]}]}| | pprl.blockingKeys[0]: ",
        "{\"version\": 1}|, \"pprl\": {\"normalise\": \"shout\"}| features[1].pprl.normalise:"
            + " unknown normaliser 'shout'",
        "{\"version\": 1}|, \"pprl\": {\"column\": \"family\"}| features[2].pprl.column: column"
            + " 'family' is used twice",
        "|, \"pprl\": {\"column\": \"g\"}| features[1].pprl: needs the top-level",
        "{\"version\": 1, \"fieldFilters\": [{\"name\": \"n\", \"features\": [\"id\"]}]}| |"
            + " pprl.fieldFilters[0].features[0]: 'id' is not a feature that is hashed",
        "{\"version\": 1, \"fieldFilters\": [{\"name\": \"n\", \"features\": [\"given\"]},"
            + " {\"name\": \"m\", \"features\": [\"given\"]}]}| | pprl.fieldFilters[1].features[0]:"
            + " 'given' is already in a field filter",
        "{\"version\": 1, \"fieldFilters\": [{\"name\": \"n\", \"features\": []}]}| |"
            + " pprl.fieldFilters[0].features: must list one or more",
        "{\"version\": 1, \"fieldFilters\": [{\"name\": \"n\", \"features\": [\"given\"],"
            + " \"bits\": 96}]}| | pprl.fieldFilters[0].bits: must be a multiple of 64",
        "{\"version\": 1, \"fieldFilters\": []}|, \"pprl\": {\"fieldFilter\": false}|"
            + " pprl.fieldFilters: field filters are listed here",
        "{\"version\": 1, \"hardening\": {\"salt\": {\"column\": \"given\", \"features\":"
            + " [\"nope\"]}}}| | pprl.hardening.salt.features[0]: 'nope' is not a feature",
        "{\"version\": 1, \"hardening\": {\"blip\": {\"f\": 2}}}| | pprl.hardening.blip: must be"
            + " in [0, 1)",
      })
  void parse_brokenPprlBlock_namesThePath(String top, String given, String expected) {
    SchemaException e =
        assertThrows(
            SchemaException.class,
            () -> parse(schema(top == null ? "" : top, given == null ? "" : given)));
    assertTrue(e.getMessage().startsWith(expected.strip()), e.getMessage());
  }

  @Test
  void parse_fieldFilters_combineFeaturesUnderOneName() throws SchemaException {
    EngineSchema s =
        parse(
            schema(
                "{\"version\": 1, \"fieldFilters\": [{\"name\": \"names\", \"features\":"
                    + " [\"family\", \"given\"], \"bits\": 512}]}",
                ""));
    EngineSchema own = parse(schema("{\"version\": 1}", ""));

    assertEquals(
        List.of(new EngineSchema.FieldFilter("names", List.of(1, 2), 512)), s.fieldFilters());
    assertEquals(List.of(1, 2), s.fieldFilterFeatures());
    assertEquals(
        List.of(
            new EngineSchema.FieldFilter("given", List.of(1), 512),
            new EngineSchema.FieldFilter("family", List.of(2), 512)),
        own.fieldFilters());
    assertNotEquals(s.fingerprintHex(), own.fingerprintHex());
  }

  @Test
  void parse_hardeningDetail_namesSaltedFeaturesAndBlippedFilters() throws SchemaException {
    EngineSchema s =
        parse(
            schema(
                "{\"version\": 1, \"hardening\": {\"blip\": {\"f\": 0.05, \"filters\":"
                    + " [\"clk\"]}, \"salt\": {\"column\": \"family\", \"features\":"
                    + " [\"given\"]}}}",
                ""));

    assertEquals(
        new EngineSchema.Hardening(0.05, false, "family", 0, List.of("given"), List.of("clk")),
        s.hardening());
    assertTrue(s.hardening().blips("clk"));
    assertFalse(s.hardening().blips("given"));
    assertTrue(s.hardening().saltsFeature("given"));
    assertFalse(s.hardening().saltsFeature("family"));
  }

  @Test
  void fieldFilterBits_defaultToAtMostHalfFullAndCanBeSet() throws SchemaException {
    // Two names of 200 bits each: at 256 bits they would be 54 % full, at 512 32 %.
    EngineSchema byFill = parse(schema("", ""));
    assertEquals(0, byFill.fieldFilterBits());
    assertEquals(
        List.of(512, 512),
        byFill.fieldFilters().stream().map(EngineSchema.FieldFilter::bits).toList());
    EngineSchema set = parse(schema("{\"version\": 1, \"fieldFilterBits\": 256}", ""));
    assertEquals(256, set.fieldFilterBits());
    assertEquals(
        List.of(256, 256),
        set.fieldFilters().stream().map(EngineSchema.FieldFilter::bits).toList());
    SchemaException e =
        assertThrows(
            SchemaException.class,
            () -> parse(schema("{\"version\": 1, \"fieldFilterBits\": 100}", "")));
    assertThrows(
        SchemaException.class, () -> parse(schema("{\"version\": 1, \"fieldFilterBits\": 0}", "")));
    assertTrue(
        e.getMessage().startsWith("pprl.fieldFilterBits: must be a multiple of 64"),
        e.getMessage());
  }

  @Test
  void fieldFilters_byDefault_foldOnlyWhileAtMostHalfFull() throws SchemaException {
    String json =
        "{\"version\": 3, "
            + CLK_CONFIG
            + ", \"features\": ["
            + feature("sex", "{\"bitsPerFeature\": 40}")
            + ","
            + feature("postcode", "{\"bitsPerFeature\": 100}")
            + ","
            + feature("dob", "{\"bitsPerFeature\": 400}")
            + ","
            + feature("street", "{\"bitsPerToken\": 20}")
            + "]}";
    // 40 bits: 128 would be 27 % full, but 256 is the shortest default. 100: 256 is 32 % full.
    // 400: 1024 is 32 %, 512 would be 54 %. Per token: unbounded.
    assertEquals(
        List.of(256, 256, 1024, 1024),
        parse(json).fieldFilters().stream().map(EngineSchema.FieldFilter::bits).toList());
  }

  private static String feature(String name, String strategy) {
    return "{\"identifier\": \""
        + name
        + "\", \"format\": {\"type\": \"string\", \"encoding\": \"utf-8\"},"
        + " \"hashing\": {\"comparison\": {\"type\": \"ngram\", \"n\": 2}, \"strategy\": "
        + strategy
        + "}}";
  }

  @Test
  void parse_notJson_isRefused() {
    SchemaException e =
        assertThrows(
            SchemaException.class,
            () -> EngineSchema.parse("{\"version\"".getBytes(StandardCharsets.UTF_8)));
    assertTrue(e.getMessage().startsWith("is not valid JSON"), e.getMessage());
  }
}
