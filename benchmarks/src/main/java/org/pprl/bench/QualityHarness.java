package org.pprl.bench;

import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.function.UnaryOperator;
import java.util.stream.Stream;
import org.pprl.core.encode.CsvEncoding;
import org.pprl.core.encode.RecordEncoder;
import org.pprl.core.evaluate.Truth;
import org.pprl.core.io.CsvRows;
import org.pprl.core.link.Linker;
import org.pprl.core.link.Party;
import org.pprl.core.schema.EngineSchema;
import org.pprl.fixtures.Agency;
import org.pprl.fixtures.CityGenerator;
import org.pprl.fixtures.Corruption;
import org.pprl.fixtures.ProgressListener;

/**
 * The end-to-end quality and speed harness: encodes, links with default settings and scores against
 * the ground truth, on generated data always and on the {@code ../shared} datasets when they are
 * present; prints one table row per case.
 *
 * <p>Run: {@code java -cp benchmarks/target/benchmarks.jar org.pprl.bench.QualityHarness [--shared
 * ../shared] [--population 20000]}. No ground truth is used in any linking choice.
 */
public final class QualityHarness {
  private static final byte[] SECRET = "harness secret".getBytes(StandardCharsets.UTF_8);

  /** The NCVR files' columns, encoded with bigrams and positional unigrams for the postcode. */
  static final String NCVR_SCHEMA =
      "{\"version\": 3, \"clkConfig\": {\"l\": 1024, \"kdf\": {\"type\": \"HKDF\", \"hash\":"
          + " \"SHA256\", \"keySize\": 64}}, \"features\": [{\"identifier\": \"recid\","
          + " \"ignored\": true},"
          + feature("givenname", 200, 2, false)
          + ","
          + feature("surname", 200, 2, false)
          + ","
          + feature("suburb", 150, 2, false)
          + ","
          + feature("postcode", 100, 1, true)
          + "]}";

  private static String feature(String name, int bits, int n, boolean positional) {
    return "{\"identifier\": \""
        + name
        + "\", \"format\": {\"type\": \"string\", \"encoding\": \"utf-8\", \"maxLength\": 128},"
        + " \"hashing\": {\"comparison\": {\"type\": \"ngram\", \"n\": "
        + n
        + (positional ? ", \"positional\": true" : "")
        + "}, \"strategy\": {\"bitsPerFeature\": "
        + bits
        + "}, \"missingValue\": {\"sentinel\": \"\"}}}";
  }

  /** One evaluated case. */
  record Row(String data, long links, double precision, double recall, double seconds) {
    double f1() {
      return precision + recall == 0 ? 0 : 2 * precision * recall / (precision + recall);
    }
  }

  private QualityHarness() {}

  public static void main(String[] args) throws Exception {
    Path shared = Paths.get(System.getProperty("pprl.shared", "../shared"));
    long population = 20_000;
    for (int i = 0; i < args.length - 1; i++) {
      if (args[i].equals("--shared")) {
        shared = Paths.get(args[i + 1]);
      } else if (args[i].equals("--population")) {
        population = Long.parseLong(args[i + 1]);
      }
    }
    Path work = Files.createTempDirectory("pprl-harness");
    try {
      List<Row> rows = run(work, shared, population);
      print(System.out, rows);
    } finally {
      try (Stream<Path> files = Files.walk(work)) {
        files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
      }
    }
  }

  static List<Row> run(Path work, Path shared, long population) throws Exception {
    List<Row> rows = new ArrayList<>();
    rows.add(generated(work, population, Corruption.DEFAULT));
    rows.add(generated(work, population, Corruption.HEAVY));
    Path clkhash = shared.resolve("interop/clkhash");
    if (Files.isRegularFile(clkhash.resolve("febrl_schema_v3.json"))) {
      rows.add(febrl4(work, shared));
    }
    Path ncvr = shared.resolve("datasets/ncvr_anonlink_3party");
    if (Files.isDirectory(ncvr)) {
      rows.add(ncvr(work, ncvr, 2));
      rows.add(ncvr(work, ncvr, 3));
    }
    return rows;
  }

  static void print(PrintStream out, List<Row> rows) {
    out.printf(
        Locale.ROOT,
        "%-58s %9s %9s %9s %9s %8s%n",
        "data",
        "links",
        "precision",
        "recall",
        "F1",
        "seconds");
    for (Row r : rows) {
      out.printf(
          Locale.ROOT,
          "%-58s %9d %9.4f %9.4f %9.4f %8.1f%n",
          r.data(),
          r.links(),
          r.precision(),
          r.recall(),
          r.f1(),
          r.seconds());
    }
  }

  private static Row generated(Path work, long population, Corruption corruption) throws Exception {
    return generated(work, population, corruption, UnaryOperator.identity());
  }

  /** Generated public assistance and homeless services with the example schema as changed. */
  static Row generated(
      Path work, long population, Corruption corruption, UnaryOperator<byte[]> change)
      throws Exception {
    Path city = work.resolve("city-" + corruption.name());
    CityGenerator.builder()
        .seed(7)
        .population(population)
        .corruption(corruption)
        .agencies(List.of(Agency.PUBLIC_ASSISTANCE, Agency.HOMELESS_SERVICES))
        .build()
        .writeTo(city, ProgressListener.NONE);
    byte[] schemaJson = change.apply(Files.readAllBytes(agencySchema()));
    List<Party> parties = new ArrayList<>();
    for (Agency agency : List.of(Agency.PUBLIC_ASSISTANCE, Agency.HOMELESS_SERVICES)) {
      EngineSchema schema = EngineSchema.parse(schemaJson, agency.datePattern());
      Path extract = work.resolve(agency.id() + "-" + corruption.name() + ".pprl");
      encode(schema, city.resolve(agency.fileName()), extract, agency.id(), null);
      parties.add(Party.load(extract, agency.id()));
    }
    return score(
        String.format(
            Locale.ROOT,
            "generated %,d persons, %s corruption, PA x HS",
            population,
            corruption.name()),
        parties,
        Truth.read(city.resolve("truth.csv")));
  }

  private static Row febrl4(Path work, Path shared) throws Exception {
    return febrl4(work, shared, UnaryOperator.identity());
  }

  /** FEBRL4 with clkhash's schema as {@code change} leaves it (the JSON in, the JSON out). */
  static Row febrl4(Path work, Path shared, UnaryOperator<byte[]> change) throws Exception {
    Path dir = shared.resolve("interop/clkhash");
    EngineSchema schema =
        EngineSchema.parse(change.apply(Files.readAllBytes(dir.resolve("febrl_schema_v3.json"))));
    byte[] secret = Files.readAllBytes(dir.resolve("secret.txt"));
    List<Party> parties = new ArrayList<>();
    for (String side : List.of("a", "b")) {
      Path extract = work.resolve("febrl4_" + side + ".pprl");
      encodeWith(
          schema,
          secret,
          dir.resolve("febrl4_" + side + ".csv"),
          extract,
          "febrl4_" + side,
          "rec_id");
      parties.add(Party.load(extract, "febrl4_" + side));
    }
    return score(
        "FEBRL4, clkhash FEBRL schema, 5,000 x 5,000",
        parties,
        Truth.read(shared.resolve("datasets/febrl4/true_pairs.csv")));
  }

  private static Row ncvr(Path work, Path dir, int partyCount) throws Exception {
    return ncvr(work, dir, partyCount, UnaryOperator.identity());
  }

  /** The NCVR parties with the harness's NCVR schema as {@code change} leaves it. */
  static Row ncvr(Path work, Path dir, int partyCount, UnaryOperator<byte[]> change)
      throws Exception {
    EngineSchema schema =
        EngineSchema.parse(change.apply(NCVR_SCHEMA.getBytes(StandardCharsets.UTF_8)));
    List<Party> parties = new ArrayList<>();
    // Truth: recid compared as an integer (PROVENANCE.md: the files pad it differently).
    Path truth = work.resolve("ncvr-truth.csv");
    StringBuilder entities = new StringBuilder("extract,id,entity\n");
    for (int p = 0; p < partyCount; p++) {
      Path csv = dir.resolve("ncvr_numrec_5000_modrec_2_ocp_20_myp_" + p + "_nump_10.csv");
      Path extract = work.resolve("ncvr" + p + ".pprl");
      encodeWith(schema, SECRET, csv, extract, "ncvr" + p, "recid");
      parties.add(Party.load(extract, "ncvr" + p));
      try (InputStream in = Files.newInputStream(csv);
          CsvRows rows = CsvRows.utf8(in)) {
        rows.next();
        for (String[] r = rows.next(); r != null; r = rows.next()) {
          entities.append("ncvr").append(p).append(',').append(r[0]).append(',');
          entities.append(Long.parseLong(r[0].strip())).append('\n');
        }
      }
    }
    Files.writeString(truth, entities);
    return score(
        "NCVR 20% corruption, " + partyCount + " parties x 5,000", parties, Truth.read(truth));
  }

  private static Path agencySchema() {
    return Paths.get(System.getProperty("pprl.examples", "examples"), "agency-schema.json");
  }

  private static void encode(EngineSchema schema, Path csv, Path out, String agency, String id)
      throws Exception {
    encodeWith(schema, SECRET, csv, out, agency, id);
  }

  private static void encodeWith(
      EngineSchema schema, byte[] secret, Path csv, Path out, String agency, String idColumn)
      throws Exception {
    CsvEncoding.encode(new RecordEncoder(schema, secret), csv, out, agency, idColumn);
  }

  /** Links with default settings and scores the links against the truth. */
  static Row score(String data, List<Party> parties, Truth truth) throws IOException {
    long start = System.nanoTime();
    Linker.Result result = new Linker(Linker.Options.defaults(), step -> {}).link(parties);
    if (Boolean.getBoolean("pprl.harness.report")) {
      result.report().forEach(System.err::println);
    }
    double seconds = (System.nanoTime() - start) / 1e9;
    long right = 0;
    for (Linker.Link link : result.links()) {
      Party a = parties.get(link.a());
      Party b = parties.get(link.b());
      if (truth.sameEntity(a.name(), a.id(link.i()), b.name(), b.id(link.j()))) {
        right++;
      }
    }
    long actual = 0;
    for (int p = 0; p < parties.size(); p++) {
      for (int q = p + 1; q < parties.size(); q++) {
        actual += truth.truePairs(parties.get(p).name(), parties.get(q).name());
      }
    }
    long links = result.links().size();
    return new Row(
        data,
        links,
        links == 0 ? 1 : (double) right / links,
        actual == 0 ? 1 : (double) right / actual,
        seconds);
  }
}
