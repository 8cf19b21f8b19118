package org.pprl.core.encode;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.pprl.core.bits.BitFilters;
import org.pprl.core.extract.ExtractRecord;
import org.pprl.core.io.CsvRows;
import org.pprl.core.schema.ClkhashSchema;
import org.pprl.core.schema.DerivedBlockingKeys;
import org.pprl.core.schema.EngineSchema;

/**
 * Reproduces clkhash 0.18.3's golden FEBRL4 encodings bit for bit (vectors in {@code
 * shared/interop/clkhash}; skipped when the shared directory is absent).
 */
class ClkhashGoldenTest {

  /**
   * {@code shared/interop/clkhash} from property {@code pprl.shared} or env {@code PPRL_SHARED}.
   */
  static Path goldenDir() {
    for (String shared :
        new String[] {System.getProperty("pprl.shared"), System.getenv("PPRL_SHARED")}) {
      if (shared != null && !shared.isEmpty()) {
        Path dir = Path.of(shared, "interop", "clkhash");
        if (Files.isRegularFile(dir.resolve("febrl_schema_v3.json"))) {
          return dir;
        }
      }
    }
    return null;
  }

  @ParameterizedTest
  @ValueSource(strings = {"febrl4_a", "febrl4_b"})
  void encode_febrl4_matchesClkhashBitForBit(String name) throws Exception {
    Path dir = goldenDir();
    assumeTrue(dir != null, "shared/interop/clkhash not available");
    ClkhashSchema schema = ClkhashSchema.parse(dir.resolve("febrl_schema_v3.json"));
    ClkEncoder encoder = new ClkEncoder(schema, Files.readAllBytes(dir.resolve("secret.txt")));
    JsonNode clks =
        new ObjectMapper().readTree(dir.resolve(name + "_clks.json").toFile()).get("clks");

    int rows = 0;
    try (InputStream in = Files.newInputStream(dir.resolve(name + ".csv"));
        CsvRows csv = CsvRows.utf8(in)) {
      encoder.checkHeader(csv.next());
      for (String[] row = csv.next(); row != null; row = csv.next()) {
        byte[] expected = Base64.getDecoder().decode(clks.get(rows).textValue());
        long[] filter = encoder.encode(row, rows);
        assertArrayEquals(
            expected, BitFilters.toClkhashBytes(filter, schema.filterBits()), "row " + rows);
        rows++;
      }
    }
    assertEquals(clks.size(), rows);
    assertEquals(5000, rows);
  }

  /** Keys derived from the schema are written beside the CLKs and change none of their bits. */
  @ParameterizedTest
  @ValueSource(strings = {"febrl4_a", "febrl4_b"})
  void encode_febrl4WithDerivedKeys_stillMatchesClkhashBitForBit(String name) throws Exception {
    Path dir = goldenDir();
    assumeTrue(dir != null, "shared/interop/clkhash not available");
    EngineSchema plain =
        EngineSchema.parse(Files.readAllBytes(dir.resolve("febrl_schema_v3.json")));
    EngineSchema schema = plain.withDerivedBlockingKeys(DerivedBlockingKeys.of(plain.clkhash()));
    assertEquals(4, schema.blockingKeys().size());
    RecordEncoder encoder =
        new RecordEncoder(schema, Files.readAllBytes(dir.resolve("secret.txt")));
    ExtractRecord record = new ExtractRecord(encoder.header(name, "test"));
    JsonNode clks =
        new ObjectMapper().readTree(dir.resolve(name + "_clks.json").toFile()).get("clks");

    int rows = 0;
    int keyed = 0;
    try (InputStream in = Files.newInputStream(dir.resolve(name + ".csv"));
        CsvRows csv = CsvRows.utf8(in)) {
      CsvColumns columns = encoder.bind(csv.next(), "rec_id");
      for (String[] row = csv.next(); row != null; row = csv.next()) {
        encoder.encode(columns, row, rows, record);
        byte[] expected = Base64.getDecoder().decode(clks.get(rows).textValue());
        assertArrayEquals(
            expected,
            BitFilters.toClkhashBytes(record.clk(), plain.clkhash().filterBits()),
            "row " + rows);
        keyed += record.hasBlockingKey(0) ? 1 : 0;
        rows++;
      }
    }
    assertEquals(5000, rows);
    // FEBRL's corruption blanks some surnames and dates; most records have the first key.
    assertTrue(keyed > 4500, keyed + " of 5000 have a family_soundex.birth_year key");
  }
}
