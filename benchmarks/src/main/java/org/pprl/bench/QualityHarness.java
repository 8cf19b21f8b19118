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
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Callable;
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
 * ../shared] [--population 20000] [--only ncvr]}; {@code --only} runs the cases whose names contain
 * its text (generated default|heavy|severe, febrl4, ncvr2, ncvr3, febrl2, fake_1000). No ground
 * truth is used in any linking choice. {@code -Dpprl.harness.oneToOne=true} links as {@code
 * --one-to-one} does; {@code -Dpprl.harness.report=true} prints each run's report on stderr.
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
  record Row(
      String data,
      long links,
      double precision,
      double recall,
      double seconds,
      Estimates estimates) {
    Row(String data, long links, double precision, double recall, double seconds) {
      this(data, links, precision, recall, seconds, null);
    }

    double f1() {
      return precision + recall == 0 ? 0 : 2 * precision * recall / (precision + recall);
    }
  }

  /**
   * What the model said beside what the truth says: the matches it counts across extracts against
   * the persons each pair of extracts shares (the most pairs a one-to-one assignment can get right,
   * which is what the model across counts), the duplicates it counts inside extracts against the
   * true pairs inside them, the false links it expects against false pairs in the output, and the
   * matches it expects to miss against those missing from the output, in the same units: across,
   * persons each pair of extracts shares that the output does not link ({@link #sharedLinked});
   * inside, true pairs inside missing from the output (sums over the decisions; NaN where a
   * decision has no model).
   */
  record Estimates(
      double across,
      long trueAcross,
      double inside,
      long trueInside,
      double falseLinks,
      long actualFalse,
      double missed,
      long actualMissed) {}

  private QualityHarness() {}

  public static void main(String[] args) throws Exception {
    Path shared = Paths.get(System.getProperty("pprl.shared", "../shared"));
    long population = 20_000;
    String only = "";
    for (int i = 0; i < args.length - 1; i++) {
      if (args[i].equals("--shared")) {
        shared = Paths.get(args[i + 1]);
      } else if (args[i].equals("--population")) {
        population = Long.parseLong(args[i + 1]);
      } else if (args[i].equals("--only")) {
        only = args[i + 1].toLowerCase(Locale.ROOT);
      }
    }
    Path work = Files.createTempDirectory("pprl-harness");
    try {
      List<Row> rows = run(work, shared, population, only);
      print(System.out, rows);
    } finally {
      try (Stream<Path> files = Files.walk(work)) {
        files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
      }
    }
  }

  /** A case of the harness: its name (what {@code --only} matches) and how to run it. */
  private record Case(String name, boolean present, Callable<Row> run) {}

  /** Every case whose data is present and whose name contains {@code only} (lower case). */
  static List<Row> run(Path work, Path shared, long population, String only) throws Exception {
    Path clkhash = shared.resolve("interop/clkhash");
    Path ncvr = shared.resolve("datasets/ncvr_anonlink_3party");
    Path febrl2 = shared.resolve("datasets/febrl2/dataset2.csv");
    Path fake = shared.resolve("datasets/splink_fake_1000/fake_1000.csv");
    List<Case> cases = new ArrayList<>();
    for (Corruption c : List.of(Corruption.DEFAULT, Corruption.HEAVY, Corruption.SEVERE)) {
      cases.add(
          new Case(
              "generated " + c.name().toLowerCase(Locale.ROOT),
              true,
              () -> generated(work, population, c)));
    }
    cases.add(
        new Case(
            "febrl4",
            Files.isRegularFile(clkhash.resolve("febrl_schema_v3.json")),
            () -> febrl4(work, shared)));
    for (int parties : new int[] {2, 3}) {
      cases.add(
          new Case("ncvr" + parties, Files.isDirectory(ncvr), () -> ncvr(work, ncvr, parties)));
    }
    cases.add(
        new Case(
            "febrl2",
            Files.isRegularFile(febrl2) && Files.isRegularFile(clkhash.resolve("secret.txt")),
            () -> febrl2(work, shared, febrl2)));
    cases.add(new Case("fake_1000", Files.isRegularFile(fake), () -> fake1000(work, fake)));
    List<Row> rows = new ArrayList<>();
    for (Case c : cases) {
      if (c.present() && c.name().contains(only)) {
        rows.add(c.run().call());
      }
    }
    return rows;
  }

  /**
   * One file's rows, values stripped (FEBRL's delimiter is ", "), shuffled with a fixed seed (the
   * files are partly ordered by entity, which ties would otherwise exploit), written to {@code
   * out}; returns each row's entity as {@code entity} reads it from the fields.
   */
  private static List<String[]> shuffledCopy(
      Path csv, Path out, java.util.function.Function<String[], String> entity) throws IOException {
    List<String[]> rows = new ArrayList<>();
    String[] header;
    try (InputStream in = Files.newInputStream(csv);
        CsvRows r = CsvRows.utf8(in)) {
      header = r.next();
      for (String[] f = r.next(); f != null; f = r.next()) {
        rows.add(f);
      }
    }
    java.util.Collections.shuffle(rows, new java.util.Random(11));
    StringBuilder text = new StringBuilder(csvLine(header));
    List<String[]> ids = new ArrayList<>();
    for (String[] f : rows) {
      text.append(csvLine(f));
      ids.add(new String[] {f[0].strip(), entity.apply(f)});
    }
    Files.writeString(out, text);
    return ids;
  }

  private static String csvLine(String[] fields) {
    StringBuilder line = new StringBuilder();
    for (int i = 0; i < fields.length; i++) {
      line.append(i == 0 ? "" : ",").append(fields[i].strip());
    }
    return line.append('\n').toString();
  }

  /** A truth file of one extract's records and their entities. */
  private static Truth truthOf(Path work, String extract, List<String[]> ids) throws IOException {
    StringBuilder text = new StringBuilder("extract,id,entity\n");
    for (String[] id : ids) {
      text.append(extract).append(',').append(id[0]).append(',').append(id[1]).append('\n');
    }
    Path file = work.resolve(extract + "-truth.csv");
    Files.writeString(file, text);
    return Truth.read(file);
  }

  /** FEBRL2: one file of 5,000 records to de-duplicate, with clkhash's FEBRL schema. */
  static Row febrl2(Path work, Path shared, Path csv) throws Exception {
    Path dir = shared.resolve("interop/clkhash");
    EngineSchema schema =
        EngineSchema.parse(Files.readAllBytes(dir.resolve("febrl_schema_v3.json")));
    Path copy = work.resolve("febrl2.csv");
    List<String[]> ids =
        shuffledCopy(csv, copy, f -> f[0].strip().replaceAll("^rec-(\\d+)-.*$", "$1"));
    Path extract = work.resolve("febrl2.pprl");
    encodeWith(
        schema, Files.readAllBytes(dir.resolve("secret.txt")), copy, extract, "febrl2", "rec_id");
    return score(
        "FEBRL2 de-duplication, 5,000 records",
        List.of(Party.load(extract, "febrl2")),
        truthOf(work, "febrl2", ids));
  }

  /** The fake_1000 columns, encoded with bigrams. */
  static final String FAKE_1000_SCHEMA =
      "{\"version\": 3, \"clkConfig\": {\"l\": 1024, \"kdf\": {\"type\": \"HKDF\", \"hash\":"
          + " \"SHA256\", \"keySize\": 64}}, \"features\": [{\"identifier\": \"unique_id\","
          + " \"ignored\": true},"
          + feature("first_name", 200, 2, false)
          + ","
          + feature("surname", 200, 2, false)
          + ","
          + feature("dob", 150, 2, false)
          + ","
          + feature("city", 100, 2, false)
          + ","
          + feature("email", 150, 2, false)
          + ", {\"identifier\": \"cluster\", \"ignored\": true}]}";

  /** Splink's fake_1000: 1,000 records of 251 persons to de-duplicate. */
  static Row fake1000(Path work, Path csv) throws Exception {
    EngineSchema schema = EngineSchema.parse(FAKE_1000_SCHEMA.getBytes(StandardCharsets.UTF_8));
    Path copy = work.resolve("fake_1000.csv");
    List<String[]> ids = shuffledCopy(csv, copy, f -> f[6].strip());
    Path extract = work.resolve("fake_1000.pprl");
    encodeWith(schema, SECRET, copy, extract, "fake_1000", "unique_id");
    return score(
        "Splink fake_1000 de-duplication, 1,000 records",
        List.of(Party.load(extract, "fake_1000")),
        truthOf(work, "fake_1000", ids));
  }

  static void print(PrintStream out, List<Row> rows) {
    out.printf(
        Locale.ROOT,
        "%-58s %9s %9s %9s %9s %8s  %-15s %-15s %-15s %-15s%n",
        "data",
        "links",
        "precision",
        "recall",
        "F1",
        "seconds",
        "across est/true",
        "inside est/true",
        "false est/true",
        "missed est/true");
    for (Row r : rows) {
      Estimates e = r.estimates();
      out.printf(
          Locale.ROOT,
          "%-58s %9d %9.4f %9.4f %9.4f %8.1f  %-15s %-15s %-15s %-15s%n",
          r.data(),
          r.links(),
          r.precision(),
          r.recall(),
          r.f1(),
          r.seconds(),
          e == null ? "" : String.format(Locale.ROOT, "%.0f/%d", e.across(), e.trueAcross()),
          e == null ? "" : String.format(Locale.ROOT, "%.0f/%d", e.inside(), e.trueInside()),
          e == null ? "" : String.format(Locale.ROOT, "%.0f/%d", e.falseLinks(), e.actualFalse()),
          e == null ? "" : String.format(Locale.ROOT, "%.0f/%d", e.missed(), e.actualMissed()));
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

  /**
   * Links with default settings and scores the links (every pair inside an entity) against the
   * truth's pairs, across extracts and inside each.
   */
  static Row score(String data, List<Party> parties, Truth truth) throws IOException {
    long start = System.nanoTime();
    Linker.Result result =
        new Linker(
                Linker.Options.defaults().withOneToOne(Boolean.getBoolean("pprl.harness.oneToOne")),
                step -> {})
            .link(parties);
    if (Boolean.getBoolean("pprl.harness.report")) {
      result.report().forEach(System.err::println);
    }
    writeLinks(data, parties, truth, result.links());
    double seconds = (System.nanoTime() - start) / 1e9;
    long right = 0;
    long[] linksBy = new long[2]; // across, inside
    long[] rightBy = new long[2];
    for (Linker.Link link : result.links()) {
      Party a = parties.get(link.a());
      Party b = parties.get(link.b());
      int where = link.a() == link.b() ? 1 : 0;
      linksBy[where]++;
      if (truth.sameEntity(a.name(), a.id(link.i()), b.name(), b.id(link.j()))) {
        right++;
        rightBy[where]++;
      }
    }
    long actual = 0;
    if (truth.shape() == Truth.Shape.ID_PAIRS) {
      actual = truth.truePairs(null, null); // every listed pair, whichever extracts
    } else {
      for (int p = 0; p < parties.size(); p++) {
        for (int q = p; q < parties.size(); q++) {
          actual += truth.truePairs(parties.get(p).name(), parties.get(q).name());
        }
      }
    }
    if (Boolean.getBoolean("pprl.harness.report") && truth.shape() != Truth.Shape.ID_PAIRS) {
      long[] trueBy = new long[2];
      for (int p = 0; p < parties.size(); p++) {
        for (int q = p; q < parties.size(); q++) {
          trueBy[p == q ? 1 : 0] += truth.truePairs(parties.get(p).name(), parties.get(q).name());
        }
      }
      for (int w = 0; w < 2; w++) {
        System.err.printf(
            Locale.ROOT,
            "%s: %,d links, %,d right, %,d true pairs%n",
            w == 0 ? "across extracts" : "inside extracts",
            linksBy[w],
            rightBy[w],
            trueBy[w]);
      }
    }
    long links = result.links().size();
    double[] matches = new double[2]; // across, inside
    double falseLinks = 0;
    double missed = 0;
    for (Linker.Cut cut : result.cuts()) {
      matches[cut.a() == cut.b() ? 1 : 0] += cut.estimatedMatches();
      falseLinks += cut.expectedFalse();
      missed += cut.expectedMissed();
    }
    long shared = sharedPersons(parties, truth);
    long inside = truePairsInside(parties, truth);
    // Where the truth lists pairs, a right link across is one listed pair found.
    long sharedLinked =
        truth.shape() == Truth.Shape.ENTITIES
            ? sharedLinked(parties, truth, result.links())
            : rightBy[0];
    return new Row(
        data,
        links,
        links == 0 ? 1 : (double) right / links,
        actual == 0 ? 1 : (double) right / actual,
        seconds,
        new Estimates(
            matches[0],
            shared,
            matches[1],
            inside,
            falseLinks,
            links - right,
            missed,
            shared - sharedLinked + inside - rightBy[1]));
  }

  /**
   * With {@code -Dpprl.harness.links=DIR}, each run's links as {@code DIR/<data>.csv}: extract and
   * id of both records, the score, and whether the truth has them as one person; for looking at the
   * wrong and the missing ones beside the data.
   */
  private static void writeLinks(
      String data, List<Party> parties, Truth truth, List<Linker.Link> links) throws IOException {
    String dir = System.getProperty("pprl.harness.links");
    if (dir == null) {
      return;
    }
    StringBuilder out = new StringBuilder("extract_a,id_a,extract_b,id_b,score,right\n");
    for (Linker.Link link : links) {
      Party a = parties.get(link.a());
      Party b = parties.get(link.b());
      out.append(a.name()).append(',').append(a.id(link.i())).append(',');
      out.append(b.name()).append(',').append(b.id(link.j())).append(',');
      out.append(
          Double.isNaN(link.score()) ? "" : String.format(Locale.ROOT, "%.4f", link.score()));
      out.append(',').append(truth.sameEntity(a.name(), a.id(link.i()), b.name(), b.id(link.j())));
      out.append('\n');
    }
    Path file = Paths.get(dir).resolve(data.replaceAll("[^A-Za-z0-9]+", "_") + ".csv");
    Files.createDirectories(file.getParent());
    Files.writeString(file, out);
  }

  /**
   * Of the persons each pair of extracts shares ({@link #sharedPersons}), how many the output
   * links, in the unit the model across counts in: for each person and pair of extracts, the fewer
   * of its records on either side that the output links to one of its records on the other (a
   * person with 2 records in one extract and 3 in the other, all linked, counts 2; one of the 2
   * linked to none of the 3, counts 1). For a truth of entities.
   */
  static long sharedLinked(List<Party> parties, Truth truth, List<Linker.Link> links) {
    // For each pair of extracts, the records of each entity linked to a record of the same
    // entity on the other side.
    record Shared(int a, int b, int entity) {}
    Map<Shared, List<Set<Integer>>> linked = new HashMap<>();
    for (Linker.Link link : links) {
      if (link.a() == link.b()) {
        continue;
      }
      Party a = parties.get(link.a());
      Party b = parties.get(link.b());
      int entity = truth.entity(a.name(), a.id(link.i()));
      if (entity < 0 || entity != truth.entity(b.name(), b.id(link.j()))) {
        continue;
      }
      boolean swap = link.a() > link.b();
      List<Set<Integer>> sides =
          linked.computeIfAbsent(
              new Shared(Math.min(link.a(), link.b()), Math.max(link.a(), link.b()), entity),
              k -> List.of(new HashSet<>(), new HashSet<>()));
      sides.get(swap ? 1 : 0).add(link.i());
      sides.get(swap ? 0 : 1).add(link.j());
    }
    long count = 0;
    for (List<Set<Integer>> sides : linked.values()) {
      count += Math.min(sides.get(0).size(), sides.get(1).size());
    }
    return count;
  }

  /**
   * The persons each pair of extracts shares, summed over the pairs of extracts: for a person with
   * a records in one and b in the other, min(a, b), the true pairs a one-to-one assignment can
   * hold. Where the truth lists pairs rather than entities, the listed pairs across (the same where
   * each record is in one pair at most, as in FEBRL4).
   */
  static long sharedPersons(List<Party> parties, Truth truth) {
    long shared = 0;
    for (int p = 0; p < parties.size(); p++) {
      for (int q = p + 1; q < parties.size(); q++) {
        if (truth.shape() != Truth.Shape.ENTITIES) {
          shared += truth.truePairs(parties.get(p).name(), parties.get(q).name());
          continue;
        }
        Map<Integer, int[]> counts = new HashMap<>();
        for (int side = 0; side < 2; side++) {
          Party party = parties.get(side == 0 ? p : q);
          for (int r = 0; r < party.size(); r++) {
            int entity = truth.entity(party.name(), party.id(r));
            if (entity >= 0) {
              counts.computeIfAbsent(entity, e -> new int[2])[side]++;
            }
          }
        }
        for (int[] c : counts.values()) {
          shared += Math.min(c[0], c[1]);
        }
      }
    }
    return shared;
  }

  /** The true pairs inside each extract, summed (every listed pair for a truth of id pairs). */
  static long truePairsInside(List<Party> parties, Truth truth) {
    if (truth.shape() == Truth.Shape.ID_PAIRS) {
      return parties.size() == 1 ? truth.truePairs(null, null) : 0;
    }
    long pairs = 0;
    for (Party party : parties) {
      pairs += truth.truePairs(party.name(), party.name());
    }
    return pairs;
  }
}
