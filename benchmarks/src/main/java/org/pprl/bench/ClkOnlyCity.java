package org.pprl.bench;

import java.io.BufferedWriter;
import java.io.IOException;
import java.io.InputStream;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.pprl.core.encode.CsvEncoding;
import org.pprl.core.encode.RecordEncoder;
import org.pprl.core.io.CsvRows;
import org.pprl.core.schema.DerivedBlockingKeys;
import org.pprl.core.schema.EngineSchema;
import org.pprl.fixtures.Agency;
import org.pprl.fixtures.CityGenerator;
import org.pprl.fixtures.Csv;

/**
 * The CLK-only extracts that {@link ClkBlockingHarness} measures: a generated city's public
 * assistance and housing files, cut to FEBRL-like columns (given, middle and family name, sex, date
 * of birth as {@code yyyymmdd}, street number, street, borough, postcode; lower case) and encoded
 * with a plain clkhash v3 schema in clkhash's FEBRL style ({@code clk_only_city_schema_v3.json}:
 * 1,024 bits, bigrams with 200 bits for the names, positional unigrams for the numbers, 100 bits
 * for the rest). The extracts carry no keyed blocking keys (a plain clkhash schema has none), so
 * only Hamming LSH on the CLKs can block them; as for any clkhash schema, the encoder also writes a
 * field filter per feature, which the comparison uses.
 *
 * <p>Run: {@code java -cp benchmarks/target/benchmarks.jar org.pprl.bench.ClkOnlyCity OUT_DIR
 * POPULATION [SEED [keys]]}; with {@code keys} the extracts also carry the keyed blocking keys
 * derived from the schema, as {@code pprl encode --derive-blocking-keys} writes them. It writes the
 * city ({@code truth.csv} and the agency files), each agency's cut file ({@code AGENCY.clk.csv})
 * and its extract ({@code AGENCY.pprl}). The populations in docs/performance.md are 107,000,
 * 1,070,000 and 12,500,000 with seed 1 (about 10k, 100k and 1M records per extract).
 */
public final class ClkOnlyCity {
  /** The cut file's columns, in the schema's order: every agency file's identifying columns. */
  static final List<String> COLUMNS = Agency.COMMON_COLUMNS;

  static final List<Agency> AGENCIES = List.of(Agency.PUBLIC_ASSISTANCE, Agency.HOUSING);

  /** The secret the stewards share: a benchmark's, not a deployment's. */
  static final byte[] SECRET = "clk-only city benchmark secret".getBytes(StandardCharsets.UTF_8);

  private ClkOnlyCity() {}

  public static void main(String[] args) throws Exception {
    if (args.length < 2 || args.length > 4 || args.length == 4 && !args[3].equals("keys")) {
      System.err.println("usage: ClkOnlyCity OUT_DIR POPULATION [SEED [keys]]");
      System.exit(2);
    }
    Path out = Paths.get(args[0]);
    long population = Long.parseLong(args[1]);
    long seed = args.length > 2 ? Long.parseLong(args[2]) : 1;
    make(out, population, seed, args.length == 4);
  }

  /**
   * Generates the city into {@code out}, cuts and encodes each agency's file there; with {@code
   * derivedKeys}, the extracts also carry the blocking keys derived from the schema ({@code pprl
   * encode --derive-blocking-keys}), and their CLKs are the same.
   */
  static void make(Path out, long population, long seed, boolean derivedKeys) throws Exception {
    Files.createDirectories(out);
    CityGenerator.builder()
        .seed(seed)
        .population(population)
        .agencies(AGENCIES)
        .build()
        .writeTo(
            out,
            (done, total) ->
                System.err.printf(Locale.ROOT, "generating: %,d of %,d persons%n", done, total));
    EngineSchema schema = EngineSchema.parse(schemaJson());
    if (derivedKeys) {
      schema = schema.withDerivedBlockingKeys(DerivedBlockingKeys.of(schema.clkhash()));
    }
    for (Agency agency : AGENCIES) {
      Path cut = out.resolve(agency.id() + ".clk.csv");
      cut(out.resolve(agency.fileName()), cut);
      Path extract = out.resolve(agency.id() + ".pprl");
      CsvEncoding.encode(new RecordEncoder(schema, SECRET), cut, extract, agency.id(), "record_id");
      System.err.println("encoded " + extract);
    }
  }

  static byte[] schemaJson() throws IOException {
    try (InputStream in = ClkOnlyCity.class.getResourceAsStream("clk_only_city_schema_v3.json")) {
      return in.readAllBytes();
    }
  }

  /**
   * Writes the columns of {@link #COLUMNS} of an agency file, lower case but the record id, the
   * date of birth as {@code yyyymmdd} whether the agency writes {@code MM/dd/yyyy} or {@code
   * yyyy-MM-dd}.
   */
  static void cut(Path agencyFile, Path out) throws IOException {
    try (CsvRows rows = CsvRows.utf8(Files.newInputStream(agencyFile));
        Writer w = new BufferedWriter(Files.newBufferedWriter(out, StandardCharsets.UTF_8))) {
      String[] header = rows.next();
      Map<String, Integer> at = new HashMap<>();
      for (int i = 0; i < header.length; i++) {
        at.put(header[i], i);
      }
      for (String column : COLUMNS) {
        if (!at.containsKey(column)) {
          throw new IOException(agencyFile.getFileName() + " has no column " + column);
        }
      }
      Csv.writeRow(w, COLUMNS);
      List<String> values = new ArrayList<>(COLUMNS.size());
      for (String[] row = rows.next(); row != null; row = rows.next()) {
        values.clear();
        for (String column : COLUMNS) {
          String v = row[at.get(column)].strip();
          values.add(
              switch (column) {
                case "record_id" -> v; // as the truth names it
                case "date_of_birth" -> yyyymmdd(v);
                default -> v.toLowerCase(Locale.ROOT);
              });
        }
        Csv.writeRow(w, values);
      }
    }
  }

  /** {@code MM/dd/yyyy} or {@code yyyy-MM-dd} as {@code yyyymmdd}; anything else as it is. */
  static String yyyymmdd(String date) {
    String[] mdy = date.split("/");
    if (mdy.length == 3) {
      return mdy[2] + mdy[0] + mdy[1];
    }
    return date.replace("-", "");
  }
}
