package org.pprl.core.schema;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;
import org.pprl.core.block.BlockingKeySpec;
import org.pprl.core.schema.DerivedBlockingKeys.Role;

class DerivedBlockingKeysTest {
  private static final String HASHING =
      "\"hashing\": {\"comparison\": {\"type\": \"ngram\", \"n\": 2},"
          + " \"strategy\": {\"bitsPerFeature\": 100}}";

  /** A plain v3 schema of features given as identifier, format type pairs ("ignored": ignored). */
  static String schemaJson(String... identifierTypes) {
    StringBuilder features = new StringBuilder();
    for (int i = 0; i < identifierTypes.length; i += 2) {
      if (i > 0) {
        features.append(',');
      }
      String id = identifierTypes[i];
      String type = identifierTypes[i + 1];
      String format =
          switch (type) {
            case "string" -> "{\"type\": \"string\", \"encoding\": \"utf-8\"}";
            case "integer" -> "{\"type\": \"integer\"}";
            case "date" -> "{\"type\": \"date\", \"format\": \"%Y-%m-%d\"}";
            case "enum" -> "{\"type\": \"enum\", \"values\": [\"m\", \"f\"]}";
            default -> null;
          };
      features.append(
          format == null
              ? "{\"identifier\": \"" + id + "\", \"ignored\": true}"
              : "{\"identifier\": \"" + id + "\", \"format\": " + format + ", " + HASHING + "}");
    }
    return "{\"version\": 3, \"clkConfig\": {\"l\": 1024, \"kdf\": {\"type\": \"HKDF\"}},"
        + " \"features\": ["
        + features
        + "]}";
  }

  static ClkhashSchema schema(String... identifierTypes) throws Exception {
    return ClkhashSchema.parse(
        new ByteArrayInputStream(schemaJson(identifierTypes).getBytes(StandardCharsets.UTF_8)));
  }

  private static List<String> names(DerivedBlockingKeys.Derivation d) {
    List<String> out = new ArrayList<>();
    d.keys().forEach(k -> out.add(k.name()));
    return out;
  }

  @ParameterizedTest(name = "{0} -> {1}")
  @CsvSource({
    "given_name, GIVEN_NAME",
    "first_name, GIVEN_NAME",
    "firstname, GIVEN_NAME",
    "firstName, GIVEN_NAME",
    "first name, GIVEN_NAME",
    "FNAME, GIVEN_NAME",
    "forenames, GIVEN_NAME",
    "givenname, GIVEN_NAME",
    "surname, FAMILY_NAME",
    "last_name, FAMILY_NAME",
    "lastname, FAMILY_NAME",
    "familyName, FAMILY_NAME",
    "date_of_birth, BIRTH_DATE",
    "DOB YYYY/MM/DD, BIRTH_DATE",
    "dateOfBirth, BIRTH_DATE",
    "dob, BIRTH_DATE",
    "birthdate, BIRTH_DATE",
    "postcode, POSTCODE",
    "ZIP, POSTCODE",
    "postal_code, POSTCODE",
    "PostCode, POSTCODE",
  })
  void roleOf_commonIdentifiers_areRecognised(String identifier, Role role) {
    assertEquals(role, DerivedBlockingKeys.roleOf(identifier));
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "middle_name",
        "mother_maiden_name",
        "father_surname",
        "place_of_birth",
        "birthplace",
        "NAME freetext",
        "first_visit",
        "street",
        "rec_id",
        "suburb",
        "sex",
        "x1",
      })
  void roleOf_otherIdentifiers_areNotMapped(String identifier) {
    assertNull(DerivedBlockingKeys.roleOf(identifier));
  }

  @Test
  void words_splitsAtSeparatorsAndCaseChanges() {
    assertEquals(List.of("date", "of", "birth"), DerivedBlockingKeys.words("dateOfBirth"));
    assertEquals(List.of("dob", "yyyy", "mm", "dd"), DerivedBlockingKeys.words("DOB YYYY/MM/DD"));
    assertEquals(List.of("address", "1"), DerivedBlockingKeys.words("address_1"));
  }

  @Test
  void of_febrlLikeSchema_derivesFourKeysOverTwoFieldsEach() throws Exception {
    // The identifiers and formats of clkhash's FEBRL schema: dates and postcodes as integers.
    DerivedBlockingKeys.Derivation d =
        DerivedBlockingKeys.of(
            schema(
                "rec_id",
                "ignored",
                "given_name",
                "string",
                "surname",
                "string",
                "street_number",
                "integer",
                "address_1",
                "string",
                "suburb",
                "string",
                "postcode",
                "integer",
                "state",
                "string",
                "date_of_birth",
                "integer",
                "soc_sec_id",
                "ignored"));

    assertTrue(d.derived());
    assertEquals(
        List.of(
            "d1.family_soundex.birth_year",
            "d1.given_soundex.family_soundex",
            "d1.given_soundex.birth_date",
            "d1.birth_month_day.postcode"),
        names(d));
    assertEquals(
        BlockingKeySpec.of(
            "d1.family_soundex.birth_year",
            "surname",
            "name_soundex",
            "date_of_birth",
            "digits_year"),
        d.keys().get(0));
    for (BlockingKeySpec k : d.keys()) {
      assertEquals(2, k.parts().size());
      assertTrue(k.name().startsWith(DerivedBlockingKeys.PREFIX));
    }
    assertEquals(
        Map.of(
            Role.GIVEN_NAME, "given_name",
            Role.FAMILY_NAME, "surname",
            Role.BIRTH_DATE, "date_of_birth",
            Role.POSTCODE, "postcode"),
        d.features());
    assertTrue(d.describe().startsWith("4 blocking keys derived"), d.describe());
  }

  @Test
  void of_noBirthDate_pairsThePostcodeWithEachName() throws Exception {
    // The NCVR files' columns.
    DerivedBlockingKeys.Derivation d =
        DerivedBlockingKeys.of(
            schema(
                "recid",
                "ignored",
                "firstname",
                "string",
                "lastname",
                "string",
                "suburb",
                "string",
                "postcode",
                "string"));

    assertEquals(
        List.of(
            "d1.given_soundex.family_soundex",
            "d1.family_soundex.postcode",
            "d1.given_soundex.postcode"),
        names(d));
  }

  @Test
  void of_unrecognisedIdentifiers_derivesNothingAndSaysSo() throws Exception {
    DerivedBlockingKeys.Derivation d =
        DerivedBlockingKeys.of(schema("a", "string", "b", "string", "c", "integer"));

    assertFalse(d.derived());
    assertEquals(List.of(), d.keys());
    assertTrue(d.describe().startsWith("no blocking keys derived"), d.describe());
    assertTrue(d.describe().contains("none recognised"), d.describe());
    assertFalse(d.describe().contains("\n"));
  }

  @Test
  void of_oneRoleOnly_derivesNothing() throws Exception {
    DerivedBlockingKeys.Derivation d =
        DerivedBlockingKeys.of(schema("surname", "string", "street", "string"));

    assertFalse(d.derived());
    assertTrue(d.describe().contains("'surname' as family name"), d.describe());
  }

  @Test
  void of_ignoredOrWronglyTypedFeatures_areNotUsed() throws Exception {
    // An ignored feature is kept out of the CLK by the schema's author; a name held as an enum
    // or an integer is not a name the codes can read.
    DerivedBlockingKeys.Derivation d =
        DerivedBlockingKeys.of(
            schema(
                "given_name",
                "ignored",
                "surname",
                "integer",
                "date_of_birth",
                "date",
                "postcode",
                "string"));

    assertEquals(List.of("d1.birth_month_day.postcode"), names(d));
  }

  @Test
  void of_twoFeaturesForOneRole_usesTheFirst() throws Exception {
    DerivedBlockingKeys.Derivation d =
        DerivedBlockingKeys.of(
            schema("first_name", "string", "given_name", "string", "surname", "string"));

    assertEquals("first_name", d.features().get(Role.GIVEN_NAME));
  }

  @Test
  void withDerivedBlockingKeys_keepsFingerprintAndClkAndListsTheKeys() throws Exception {
    byte[] json =
        schemaJson("given_name", "string", "surname", "string", "dob", "integer")
            .getBytes(StandardCharsets.UTF_8);
    EngineSchema plain = EngineSchema.parse(json);
    EngineSchema derived = plain.withDerivedBlockingKeys(DerivedBlockingKeys.of(plain.clkhash()));

    assertEquals(plain.fingerprintHex(), derived.fingerprintHex());
    assertEquals(3, derived.blockingKeys().size());
    assertTrue(derived.derivedBlockingKeys());
    assertFalse(plain.derivedBlockingKeys());
    assertEquals(plain.featureColumns(), derived.featureColumns());
  }

  @Test
  void withDerivedBlockingKeys_schemaWithPprlBlock_isRefused() throws Exception {
    EngineSchema own =
        EngineSchema.parse(
            EngineSchemaTest.schema("{\"version\": 1}", "").getBytes(StandardCharsets.UTF_8));
    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class,
            () -> own.withDerivedBlockingKeys(DerivedBlockingKeys.of(own.clkhash())));
    assertTrue(e.getMessage().contains("pprl.blockingKeys"), e.getMessage());
  }
}
