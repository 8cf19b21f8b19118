package org.pprl.core.encode;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.pprl.core.extract.ExtractHeader;
import org.pprl.core.extract.ExtractRecord;
import org.pprl.core.io.CsvRows;
import org.pprl.core.schema.EngineSchema;
import org.pprl.core.schema.SchemaException;
import org.pprl.fixtures.Agency;
import org.pprl.fixtures.CityGenerator;
import org.pprl.fixtures.Corruption;
import org.pprl.fixtures.ProgressListener;

class RecordEncoderTest {
  private static final byte[] SECRET = "test secret".getBytes(StandardCharsets.UTF_8);
  @TempDir static Path city;

  static Path schemaFile() {
    return Paths.get(System.getProperty("pprl.examples", "../examples"), "agency-schema.json");
  }

  @BeforeAll
  static void generate() throws IOException {
    CityGenerator.builder()
        .seed(5)
        .population(4000)
        .corruption(Corruption.NONE)
        .build()
        .writeTo(city, ProgressListener.NONE);
  }

  /** Every record of one agency's CSV, encoded, by record id. */
  private static Map<String, ExtractRecord> encode(Agency agency, byte[] secret)
      throws IOException, SchemaException, RecordException {
    EngineSchema schema =
        EngineSchema.parse(Files.readAllBytes(schemaFile()), agency.datePattern());
    RecordEncoder encoder = new RecordEncoder(schema, secret);
    ExtractHeader header = encoder.header(agency.id(), "test");
    Map<String, ExtractRecord> out = new HashMap<>();
    try (InputStream in = Files.newInputStream(city.resolve(agency.fileName()));
        CsvRows csv = CsvRows.utf8(in)) {
      CsvColumns columns = encoder.bind(csv.next(), null);
      long row = 0;
      for (String[] fields = csv.next(); fields != null; fields = csv.next()) {
        ExtractRecord record = new ExtractRecord(header);
        encoder.encode(columns, fields, row++, record);
        out.put(record.id(), record);
      }
    }
    return out;
  }

  /** record id -> person id, for one agency, from truth.csv. */
  private static Map<String, String> truth(Agency agency) throws IOException {
    Map<String, String> out = new HashMap<>();
    List<String> lines = Files.readAllLines(city.resolve("truth.csv"));
    for (String line : lines.subList(1, lines.size())) {
      String[] f = line.split(",");
      if (f[0].equals(agency.id())) {
        out.put(f[1], f[2]);
      }
    }
    return out;
  }

  @Test
  void encode_samePersonInTwoAgencyFormats_givesTheSameFiltersAndKeysAndNearClks()
      throws Exception {
    // Without corruption the agencies differ only in layout: upper-case names and MM/dd/yyyy
    // dates at public assistance, ISO dates elsewhere. Normalisation must undo exactly that.
    Map<String, ExtractRecord> pa = encode(Agency.PUBLIC_ASSISTANCE, SECRET);
    Map<String, ExtractRecord> hs = encode(Agency.HOMELESS_SERVICES, SECRET);
    Map<String, String> paPerson = truth(Agency.PUBLIC_ASSISTANCE);
    Map<String, String> personHs = new HashMap<>();
    truth(Agency.HOMELESS_SERVICES).forEach((record, person) -> personHs.put(person, record));

    int compared = 0;
    for (Map.Entry<String, ExtractRecord> e : pa.entrySet()) {
      String other = personHs.get(paPerson.get(e.getKey()));
      if (other == null) {
        continue;
      }
      ExtractRecord a = e.getValue();
      ExtractRecord b = hs.get(other);
      // The CLKs differ by BLIP's noise alone (f = 0.02: about 10 flips each of 1024 bits), so
      // the two agencies' copies of a person are never identical, yet close.
      int distance = 0;
      for (int w = 0; w < a.clk().length; w++) {
        distance += Long.bitCount(a.clk()[w] ^ b.clk()[w]);
      }
      assertTrue(distance > 0 && distance < 60, e.getKey() + " vs " + other + ": " + distance);
      for (int f = 0; f < a.fieldFilterCount(); f++) {
        assertArrayEquals(a.fieldFilter(f), b.fieldFilter(f));
      }
      assertEquals(a.blockingKeyPresence(), b.blockingKeyPresence());
      for (int k = 0; k < a.blockingKeyCount(); k++) {
        if (a.hasBlockingKey(k)) {
          assertEquals(a.blockingKey(k), b.blockingKey(k));
        }
      }
      compared++;
    }
    assertTrue(compared > 20, "only " + compared + " shared persons");
  }

  @Test
  void encode_otherSecret_changesFiltersAndKeys() throws Exception {
    Map<String, ExtractRecord> one = encode(Agency.HOUSING, SECRET);
    Map<String, ExtractRecord> two =
        encode(Agency.HOUSING, "another".getBytes(StandardCharsets.UTF_8));
    ExtractRecord a = one.values().iterator().next();
    ExtractRecord b = two.get(a.id());
    assertFalse(Arrays.equals(a.clk(), b.clk()));
    assertNotEquals(a.blockingKey(0), b.blockingKey(0));
  }

  @Test
  void encode_attributesAndConsent_comeFromTheirColumns() throws Exception {
    Map<String, ExtractRecord> hs = encode(Agency.HOMELESS_SERVICES, SECRET);
    EngineSchema schema = EngineSchema.parse(Files.readAllBytes(schemaFile()));
    List<String> names = schema.attributes().stream().map(EngineSchema.Attribute::name).toList();
    int shelterType = names.indexOf("shelter_type");
    int entry = names.indexOf("shelter_entry_date");
    int caseType = names.indexOf("case_type");
    for (ExtractRecord r : hs.values()) {
      assertTrue(r.attribute(shelterType) != null, "shelter_type missing");
      assertTrue(r.attribute(entry).matches("\\d{4}-\\d{2}-\\d{2}"), "entry date not ISO");
      assertNull(r.attribute(caseType));
    }
    long withConsent = hs.values().stream().filter(r -> r.hasConsent(0)).count();
    assertTrue(withConsent > 0 && withConsent < hs.size());
  }

  @Test
  void encode_badDate_namesRowAndColumnButNotTheValue() throws Exception {
    EngineSchema schema = EngineSchema.parse(Files.readAllBytes(schemaFile()));
    RecordEncoder encoder = new RecordEncoder(schema, SECRET);
    String[] header = Agency.HOUSING.columns().toArray(new String[0]);
    CsvColumns columns = encoder.bind(header, null);
    String[] row = new String[header.length];
    Arrays.fill(row, "");
    row[0] = "HO-1";
    row[Agency.HOUSING.columns().indexOf("date_of_birth")] = "31st of Smarch 1999";
    ExtractRecord out = new ExtractRecord(encoder.header("housing", "test"));

    RecordException e =
        assertThrows(RecordException.class, () -> encoder.encode(columns, row, 7, out));

    assertTrue(e.getMessage().startsWith("row 7, column 'date_of_birth'"), e.getMessage());
    assertFalse(e.getMessage().contains("Smarch"), e.getMessage());
  }

  @Test
  void encode_saltedByBirthYear_separatesYearsButNotDays() throws Exception {
    EngineSchema schema =
        exampleWith("hardening", "{\"salt\": {\"column\": \"date_of_birth\", \"prefix\": 4}}");
    assertEquals("date_of_birth", schema.hardening().saltColumn());
    RecordEncoder encoder = new RecordEncoder(schema, SECRET);
    String[] header = Agency.HOUSING.columns().toArray(new String[0]);
    CsvColumns columns = encoder.bind(header, null);
    int given = schema.fieldFilterFeatures().indexOf(1);
    long[][] filters = new long[3][];
    String[] dates = {"1990-01-01", "1990-12-31", "1991-01-01"};
    for (int r = 0; r < 3; r++) {
      String[] row = new String[header.length];
      Arrays.fill(row, "");
      row[0] = "HO-" + r;
      row[Agency.HOUSING.columns().indexOf("given_name")] = "Ann";
      row[Agency.HOUSING.columns().indexOf("date_of_birth")] = dates[r];
      ExtractRecord out = new ExtractRecord(encoder.header("housing", "test"));
      encoder.encode(columns, row, r, out);
      filters[r] = out.fieldFilter(given).clone();
    }
    EngineSchema plain = exampleWith("hardening", null);

    assertArrayEquals(filters[0], filters[1]);
    assertFalse(Arrays.equals(filters[0], filters[2]));
    assertNotEquals(schema.fingerprintHex(), plain.fingerprintHex());
  }

  @Test
  void encode_blip_givesEachFilterOfARecordItsOwnNoise() throws Exception {
    EngineSchema blipped = exampleWith("hardening", "{\"blip\": 0.2}");
    EngineSchema plain = exampleWith("hardening", null);
    String[] header = Agency.HOUSING.columns().toArray(new String[0]);
    String[] row = new String[header.length];
    Arrays.fill(row, "");
    row[0] = "HO-1";
    row[Agency.HOUSING.columns().indexOf("given_name")] = "Ann";
    row[Agency.HOUSING.columns().indexOf("family_name")] = "Lee";
    row[Agency.HOUSING.columns().indexOf("date_of_birth")] = "1990-01-01";
    ExtractRecord noisy = encodeOne(blipped, header, row);
    ExtractRecord clean = encodeOne(plain, header, row);
    int filters = blipped.fieldFilterFeatures().size();
    assertTrue(filters >= 2, "the example schema has field filters");
    // The flip mask of each filter is what BLIP XORed onto it.
    List<long[]> masks = new ArrayList<>();
    for (int k = 0; k < filters; k++) {
      long[] a = noisy.fieldFilter(k);
      long[] b = clean.fieldFilter(k);
      long[] mask = new long[a.length];
      for (int w = 0; w < a.length; w++) {
        mask[w] = a[w] ^ b[w];
      }
      masks.add(mask);
    }
    for (int i = 0; i < filters; i++) {
      for (int j = i + 1; j < filters; j++) {
        if (masks.get(i).length == masks.get(j).length) {
          int differ = 0;
          for (int w = 0; w < masks.get(i).length; w++) {
            differ += Long.bitCount(masks.get(i)[w] ^ masks.get(j)[w]);
          }
          // Independent masks at f = 0.2 differ in about 18% of bits; equal ones in none.
          assertTrue(
              differ > masks.get(i).length * 64 / 20, "filters " + i + ", " + j + ": " + differ);
        }
      }
    }
  }

  /** The example schema with its {@code pprl} block's {@code key} set to {@code json}. */
  static EngineSchema exampleWith(String key, String json) throws Exception {
    com.fasterxml.jackson.databind.ObjectMapper mapper =
        new com.fasterxml.jackson.databind.ObjectMapper();
    com.fasterxml.jackson.databind.node.ObjectNode tree =
        (com.fasterxml.jackson.databind.node.ObjectNode) mapper.readTree(schemaFile().toFile());
    com.fasterxml.jackson.databind.node.ObjectNode pprl =
        (com.fasterxml.jackson.databind.node.ObjectNode) tree.get("pprl");
    pprl.remove(List.of("hardening", "fieldFilters"));
    if (json != null) {
      pprl.set(key, mapper.readTree(json));
    }
    return EngineSchema.parse(mapper.writeValueAsBytes(tree));
  }

  private static String[] annLee(String id, String dob) {
    String[] row = new String[Agency.HOUSING.columns().size()];
    Arrays.fill(row, "");
    row[0] = id;
    row[Agency.HOUSING.columns().indexOf("given_name")] = "Ann";
    row[Agency.HOUSING.columns().indexOf("middle_name")] = "May";
    row[Agency.HOUSING.columns().indexOf("family_name")] = "Lee";
    row[Agency.HOUSING.columns().indexOf("date_of_birth")] = dob;
    row[Agency.HOUSING.columns().indexOf("street")] = "Elm Street";
    return row;
  }

  @Test
  void encode_combinedFieldFilter_isTheOrOfItsMembersFilters() throws Exception {
    EngineSchema own = exampleWith("hardening", null);
    EngineSchema combined =
        exampleWith(
            "fieldFilters",
            "[{\"name\": \"names\", \"features\": [\"family_name\", \"given_name\"], \"bits\":"
                + " 512},"
                + " {\"name\": \"street\", \"features\": [\"street\"], \"bits\": 512}]");
    String[] header = Agency.HOUSING.columns().toArray(new String[0]);
    String[] row = annLee("HO-1", "1990-01-01");
    ExtractRecord a = encodeOne(own, header, row);
    ExtractRecord b = encodeOne(combined, header, row);
    ExtractHeader h = new RecordEncoder(combined, SECRET).header("housing", "test");
    int given = own.fieldFilterFeatures().indexOf(1);
    int family = own.fieldFilterFeatures().indexOf(3);

    assertEquals(
        List.of(
            new ExtractHeader.FieldFilter("names", 512),
            new ExtractHeader.FieldFilter("street", 512)),
        h.fieldFilters());
    long[] or = a.fieldFilter(given).clone();
    for (int w = 0; w < or.length; w++) {
      or[w] |= a.fieldFilter(family)[w];
    }
    assertArrayEquals(or, b.fieldFilter(0));
    assertArrayEquals(a.clk(), b.clk(), "the CLK does not depend on the field filters");
  }

  @Test
  void encode_saltedFeatures_saltOnlyThose_andLeaveThemOutWithoutASalt() throws Exception {
    EngineSchema plain = exampleWith("hardening", null);
    EngineSchema salted =
        exampleWith(
            "hardening",
            "{\"salt\": {\"column\": \"date_of_birth\", \"prefix\": 4,"
                + " \"features\": [\"given_name\"]}}");
    String[] header = Agency.HOUSING.columns().toArray(new String[0]);
    int given = plain.fieldFilterFeatures().indexOf(1);
    int family = plain.fieldFilterFeatures().indexOf(3);
    ExtractRecord clean = encodeOne(plain, header, annLee("HO-1", "1990-01-01"));
    ExtractRecord year1990 = encodeOne(salted, header, annLee("HO-1", "1990-06-30"));
    ExtractRecord noYear = encodeOne(salted, header, annLee("HO-1", ""));

    assertTrue(salted.hardening().saltsFeature("given_name"));
    assertFalse(salted.hardening().saltsFeature("family_name"));
    assertArrayEquals(clean.fieldFilter(family), year1990.fieldFilter(family));
    assertFalse(Arrays.equals(clean.fieldFilter(given), year1990.fieldFilter(given)));
    // Without its salt a salted feature is left out, not encoded unsalted.
    assertEquals(0, org.pprl.core.bits.BitFilters.popcount(noYear.fieldFilter(given)));
    assertArrayEquals(clean.fieldFilter(family), noYear.fieldFilter(family));
  }

  @Test
  void encode_blipOnTheClkAlone_leavesTheFieldFiltersAlone() throws Exception {
    EngineSchema plain = exampleWith("hardening", null);
    EngineSchema blipped =
        exampleWith("hardening", "{\"blip\": {\"f\": 0.1, \"filters\": [\"clk\"]}}");
    String[] header = Agency.HOUSING.columns().toArray(new String[0]);
    String[] row = annLee("HO-1", "1990-01-01");
    ExtractRecord clean = encodeOne(plain, header, row);
    ExtractRecord noisy = encodeOne(blipped, header, row);

    assertFalse(Arrays.equals(clean.clk(), noisy.clk()));
    for (int k = 0; k < clean.fieldFilterCount(); k++) {
      assertArrayEquals(clean.fieldFilter(k), noisy.fieldFilter(k), "field filter " + k);
    }
  }

  private static ExtractRecord encodeOne(EngineSchema schema, String[] header, String[] row)
      throws Exception {
    RecordEncoder encoder = new RecordEncoder(schema, SECRET);
    ExtractRecord out = new ExtractRecord(encoder.header("housing", "test"));
    encoder.encode(encoder.bind(header, null), row, 0, out);
    return out;
  }

  @Test
  void bind_missingFeatureColumn_isAHeaderError() throws Exception {
    EngineSchema schema = EngineSchema.parse(Files.readAllBytes(schemaFile()));
    RecordEncoder encoder = new RecordEncoder(schema, SECRET);
    RecordException e =
        assertThrows(
            RecordException.class,
            () -> encoder.bind(new String[] {"record_id", "given_name"}, null));
    assertEquals(RecordException.HEADER, e.row());
  }
}
