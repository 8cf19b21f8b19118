package org.pprl.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.InputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Consumer;
import java.util.stream.Stream;
import org.pprl.core.assess.FilterGroups;
import org.pprl.core.assess.FrequencyAlignment;
import org.pprl.core.assess.PublicFrequencies;
import org.pprl.core.encode.CsvEncoding;
import org.pprl.core.encode.RecordEncoder;
import org.pprl.core.evaluate.Truth;
import org.pprl.core.extract.ExtractHeader;
import org.pprl.core.extract.ExtractReader;
import org.pprl.core.extract.ExtractRecord;
import org.pprl.core.io.CsvRows;
import org.pprl.core.link.Party;
import org.pprl.core.schema.EngineSchema;
import org.pprl.fixtures.Agency;
import org.pprl.fixtures.CityGenerator;
import org.pprl.fixtures.Corruption;
import org.pprl.fixtures.Person;
import org.pprl.fixtures.ProgressListener;

/**
 * Attacks on the generated city's extracts under each hardening choice, beside that choice's
 * linkage quality: the table the encoding defaults are picked from.
 *
 * <p>The attacker holds every extract of the five agencies (as the linkage unit does) and a public
 * name list counted from an independently generated population (another seed), broken down by
 * gender and race/ethnicity. It never uses the secret. Success is counted against the true
 * (normalised) values, which only this harness knows.
 *
 * <p>Run: {@code java -cp benchmarks/target/benchmarks.jar org.pprl.bench.AttackHarness
 * [--population 100000]}.
 */
public final class AttackHarness {
  static final byte[] SECRET =
      "attack harness secret".getBytes(java.nio.charset.StandardCharsets.UTF_8);
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final List<String> ATTACKED = List.of("given_name", "family_name");

  /** The example schema as shipped (with its default hardening), not reduced to {@link #before}. */
  static final String AS_SHIPPED = "default (as shipped)";

  /** One hardening choice: a change to the example schema. */
  record Variant(String name, Consumer<ObjectNode> change) {}

  /**
   * What a dataset's schema holds that hardening refers to: its name features and its birth date
   * column (null where it has none) with the prefix that is the year.
   */
  record Shape(List<String> names, String birthDate, int yearPrefix, String nameHashBefore) {
    static final Shape AGENCY =
        new Shape(
            List.of("given_name", "middle_name", "family_name"), "date_of_birth", 4, "doubleHash");
    static final Shape FEBRL =
        new Shape(List.of("given_name", "surname"), "date_of_birth", 4, "doubleHash");
    static final Shape NCVR = new Shape(List.of("givenname", "surname"), null, 0, null);
  }

  /**
   * The schema as it was before hardening became the default: no {@code hardening} block, and the
   * names hashed as they were (doubleHash in the example and in clkhash's FEBRL schema). Every
   * choice is applied to this.
   */
  static void before(ObjectNode schema, Shape shape) {
    if (schema.has("pprl")) {
      ((ObjectNode) schema.get("pprl")).remove("hardening");
    }
    if (shape.nameHashBefore() == null) {
      return;
    }
    for (var f : schema.get("features")) {
      if (shape.names().contains(f.get("identifier").asText()) && f.has("hashing")) {
        ((ObjectNode) f.get("hashing")).putObject("hash").put("type", shape.nameHashBefore());
      }
    }
  }

  /**
   * The choices measured on the shared datasets as well, by how they apply to any schema: names
   * salted by birth year where there is a birth date, and BLIP on the CLK.
   */
  static List<Map.Entry<String, java.util.function.BiConsumer<ObjectNode, Shape>>> general() {
    return List.of(
        Map.entry("none (before)", (s, shape) -> {}),
        Map.entry("blip clk 0.05", (s, shape) -> saltNames(s, shape, -1, 0.05)),
        Map.entry(
            "salt names year,clk", (s, shape) -> saltNames(s, shape, shape.yearPrefix(), 0.05)),
        Map.entry("salt names dob,clk", (s, shape) -> saltNames(s, shape, 0, 0.05)),
        Map.entry("salt names dob,clk .02", (s, shape) -> saltNames(s, shape, 0, 0.02)),
        Map.entry("salt all dob,clk", (s, shape) -> saltAll(s, shape, 0.05)));
  }

  private AttackHarness() {}

  public static void main(String[] args) throws Exception {
    long population = 100_000;
    List<String> only = new ArrayList<>();
    boolean sharedOnly = false;
    boolean speed = false;
    for (int i = 0; i < args.length; i++) {
      if (args[i].equals("--population")) {
        population = Long.parseLong(args[++i]);
      } else if (args[i].equals("--variant")) {
        only.add(args[++i]);
      } else if (args[i].equals("--shared-only")) {
        sharedOnly = true;
      } else if (args[i].equals("--speed")) {
        speed = true;
      }
    }
    Path work = Files.createTempDirectory("pprl-attack");
    try {
      if (speed) {
        SharedDataAttacks.speed(work, population, only, System.out);
        return;
      }
      if (!sharedOnly) {
        run(work, population, only, System.out);
      }
      SharedDataAttacks.shared(
          work, Paths.get(System.getProperty("pprl.shared", "../shared")), System.out);
    } finally {
      try (Stream<Path> files = Files.walk(work)) {
        files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
      }
    }
  }

  static List<Variant> variants() {
    return List.of(
        new Variant(AS_SHIPPED, s -> {}),
        new Variant("none (before)", s -> {}),
        new Variant("blakeHash", s -> hash(s, "blakeHash")),
        new Variant("blip 0.1", s -> hardening(s).put("blip", 0.1)),
        new Variant("blip 0.2", s -> hardening(s).put("blip", 0.2)),
        new Variant("combined", AttackHarness::combined),
        new Variant(
            "combined+blip 0.05",
            s -> {
              combined(s);
              hardening(s).put("blip", 0.05);
            }),
        new Variant(
            "names1024+blip 0.05",
            s -> {
              combined(s, 1024, false);
              hardening(s).put("blip", 0.05);
            }),
        new Variant(
            "gf1024,mid+birth+blip",
            s -> {
              combined(s, 1024, true);
              hardening(s).put("blip", 0.05);
            }),
        new Variant("salt names by year", s -> saltNames(s, Shape.AGENCY, 4, 0)),
        new Variant("salt names dob", s -> saltNames(s, Shape.AGENCY, 0, 0)),
        new Variant("salt names year,clk", s -> saltNames(s, Shape.AGENCY, 4, 0.05)),
        new Variant("salt names dob,clk", s -> saltNames(s, Shape.AGENCY, 0, 0.05)),
        new Variant("salt names dob,clk .02", s -> saltNames(s, Shape.AGENCY, 0, 0.02)),
        new Variant("salt all dob,clk", s -> saltAll(s, Shape.AGENCY, 0.05)),
        new Variant(
            "salt birth year",
            s -> hardening(s).putObject("salt").put("column", "date_of_birth").put("prefix", 4)));
  }

  /** Names in one filter, birth date with sex, the address in one; blakeHash throughout. */
  static void combined(ObjectNode schema) {
    combined(schema, 512, false);
  }

  static void combined(ObjectNode schema, int nameBits, boolean middleWithBirth) {
    hash(schema, "blakeHash");
    var filters = ((ObjectNode) schema.get("pprl")).putArray("fieldFilters");
    var names = filters.addObject().put("name", "names").put("bits", nameBits).putArray("features");
    names.add("given_name");
    if (!middleWithBirth) {
      names.add("middle_name");
    }
    names.add("family_name");
    var birth =
        filters
            .addObject()
            .put("name", "birth")
            .put("bits", middleWithBirth ? 512 : 256)
            .putArray("features")
            .add("date_of_birth")
            .add("sex");
    if (middleWithBirth) {
      birth.add("middle_name");
    }
    filters
        .addObject()
        .put("name", "address")
        .put("bits", 512)
        .putArray("features")
        .add("street_number")
        .add("street")
        .add("borough")
        .add("postcode");
  }

  /**
   * Names salted by the birth date's first {@code prefix} characters (none when negative or the
   * data have no birth date), blakeHash for every feature, BLIP on the CLK alone.
   */
  static void saltNames(ObjectNode schema, Shape shape, int prefix, double clkBlip) {
    hash(schema, "blakeHash");
    ObjectNode h = hardening(schema);
    if (prefix >= 0 && shape.birthDate() != null) {
      var features =
          h.putObject("salt")
              .put("column", shape.birthDate())
              .put("prefix", prefix)
              .putArray("features");
      shape.names().forEach(features::add);
    }
    if (clkBlip > 0) {
      h.putObject("blip").put("f", clkBlip).putArray("filters").add("clk");
    }
  }

  /** Every hashed feature but the birth date salted by the birth date; BLIP on the CLK. */
  static void saltAll(ObjectNode schema, Shape shape, double clkBlip) {
    saltNames(schema, shape, -1, clkBlip);
    if (shape.birthDate() == null) {
      return;
    }
    var features =
        hardening(schema)
            .putObject("salt")
            .put("column", shape.birthDate())
            .put("prefix", 0)
            .putArray("features");
    for (var f : schema.get("features")) {
      String id = f.get("identifier").asText();
      if (f.has("hashing") && !id.equals(shape.birthDate())) {
        features.add(id);
      }
    }
  }

  static ObjectNode hardening(ObjectNode schema) {
    if (!schema.has("pprl")) {
      schema.putObject("pprl").put("version", 1);
    }
    ObjectNode pprl = (ObjectNode) schema.get("pprl");
    return pprl.has("hardening") ? (ObjectNode) pprl.get("hardening") : pprl.putObject("hardening");
  }

  static void hash(ObjectNode schema, String type) {
    for (var f : schema.get("features")) {
      if (f.has("hashing")) {
        ((ObjectNode) f.get("hashing")).putObject("hash").put("type", type);
      }
    }
  }

  static java.util.function.UnaryOperator<byte[]> change(
      java.util.function.BiConsumer<ObjectNode, Shape> choice, Shape shape) {
    return json -> {
      try {
        ObjectNode tree = (ObjectNode) JSON.readTree(json);
        before(tree, shape);
        choice.accept(tree, shape);
        return JSON.writeValueAsBytes(tree);
      } catch (java.io.IOException e) {
        throw new java.io.UncheckedIOException(e);
      }
    };
  }

  static List<Outcome> run(Path work, long population, List<String> only, PrintStream out)
      throws Exception {
    List<Outcome> outcomes = new ArrayList<>();
    Path city = work.resolve("city");
    List<Agency> agencies = List.of(Agency.values());
    CityGenerator.builder()
        .seed(1)
        .population(population)
        .corruption(Corruption.DEFAULT)
        .agencies(agencies)
        .build()
        .writeTo(city, ProgressListener.NONE);
    Truth truth = Truth.read(city.resolve("truth.csv"));
    byte[] example =
        Files.readAllBytes(
            Paths.get(System.getProperty("pprl.examples", "examples"), "agency-schema.json"));
    out.printf(
        Locale.ROOT,
        "%-22s %-24s %-11s %7s %7s %7s %7s %7s %7s %7s %8s %7s %7s %7s%n",
        "variant",
        "filter",
        "truth",
        "chance",
        "chanceS",
        "exact",
        "exactS",
        "near",
        "nearS",
        "nearSY",
        "xClkSame",
        "P",
        "R",
        "F1");
    for (Variant v : variants()) {
      if (!only.isEmpty() && !only.contains(v.name())) {
        continue;
      }
      ObjectNode tree = (ObjectNode) JSON.readTree(example);
      if (!v.name().equals(AS_SHIPPED)) {
        before(tree, Shape.AGENCY);
      }
      v.change().accept(tree);
      byte[] schemaJson = JSON.writeValueAsBytes(tree);
      Map<String, Observed> observed = new LinkedHashMap<>();
      List<Party> linked = new ArrayList<>();
      Map<String, Long> clkOwners = new HashMap<>();
      long[] crossSame = new long[1];
      PublicFrequencies list = null;
      for (Agency agency : agencies) {
        EngineSchema schema = EngineSchema.parse(schemaJson, agency.datePattern());
        if (list == null) {
          list = publicList(schema, population);
        }
        Path extract = work.resolve(agency.id() + ".pprl");
        CsvEncoding.encode(
            new RecordEncoder(schema, SECRET),
            city.resolve(agency.fileName()),
            extract,
            agency.id(),
            null);
        read(
            schema,
            city.resolve(agency.fileName()),
            extract,
            agency.ordinal(),
            observed,
            clkOwners,
            crossSame);
        if (agency == Agency.PUBLIC_ASSISTANCE || agency == Agency.HOMELESS_SERVICES) {
          linked.add(Party.load(extract, agency.id()));
        }
      }
      QualityHarness.Row quality = QualityHarness.score(v.name(), linked, truth);
      for (Observed o : observed.values()) {
        for (String part : ATTACKED) {
          int place = o.features.indexOf(part);
          if (place < 0) {
            continue;
          }
          outcomes.add(report(out, v, o, part, place, list, crossSame[0], quality));
        }
      }
    }
    return outcomes;
  }

  /**
   * One attacked feature under one choice: shares named right by guessing (chance, and within
   * gender × race/ethnicity) and by the attacks (exact, exact within strata, near, near within
   * strata, near within strata and the true birth year), identical CLKs across agencies, F1.
   */
  record Outcome(
      String variant,
      String filter,
      String part,
      double chance,
      double chanceStrata,
      double[] attacks,
      long identicalClks,
      double f1) {
    /** The attacks' best margin over the chance of the same strata. */
    double worstMargin() {
      double m = Math.max(attacks[0], attacks[2]) - chance;
      return Math.max(m, Math.max(Math.max(attacks[1], attacks[3]), attacks[4]) - chanceStrata);
    }
  }

  /**
   * Attacks one filter for one of its features: aligned with that feature's public counts, and, for
   * a combined filter, with the counts of its whole combinations too; the better is reported.
   */
  private static Outcome report(
      PrintStream out,
      Variant v,
      Observed o,
      String part,
      int place,
      PublicFrequencies list,
      long crossSame,
      QualityHarness.Row quality) {
    long[][] filters = o.filters.toArray(new long[0][]);
    String[] truthValues = new String[o.truth.size()];
    for (int r = 0; r < truthValues.length; r++) {
      truthValues[r] = o.truth.get(r)[place];
    }
    String[][] strata = o.strata.toArray(new String[0][]);
    String[][] yearStrata = o.yearStrata.toArray(new String[0][]);
    FilterGroups exact = FilterGroups.exact(filters);
    FilterGroups near = FilterGroups.near(filters, o.bits, o.bits / 8, 7);
    FilterGroups wide = FilterGroups.near(filters, o.bits, o.bits / 4, 7);
    List<String> lists = o.features.size() == 1 ? List.of(part) : List.of(part, o.name);
    double[] best = new double[5];
    for (String field : lists) {
      int at = field.equals(part) ? -1 : place;
      best[0] = Math.max(best[0], success(exact, null, list, field, truthValues, at));
      best[1] = Math.max(best[1], success(exact, strata, list, field, truthValues, at));
      for (FilterGroups g : List.of(near, wide)) {
        best[2] = Math.max(best[2], success(g, null, list, field, truthValues, at));
        best[3] = Math.max(best[3], success(g, strata, list, field, truthValues, at));
        best[4] = Math.max(best[4], success(g, yearStrata, list, field, truthValues, at));
      }
    }
    double chance =
        FrequencyAlignment.success(
            FrequencyAlignment.commonestGuesses(exact.groupOf(), null, list, part), truthValues);
    double chanceStrata =
        FrequencyAlignment.success(
            FrequencyAlignment.commonestGuesses(exact.groupOf(), strata, list, part), truthValues);
    out.printf(
        Locale.ROOT,
        "%-22s %-24s %-11s %6.1f%% %6.1f%% %6.1f%% %6.1f%% %6.1f%% %6.1f%% %6.1f%% %8d %7.4f"
            + " %7.4f %7.4f%n",
        v.name(),
        o.name,
        part,
        100 * chance,
        100 * chanceStrata,
        100 * best[0],
        100 * best[1],
        100 * best[2],
        100 * best[3],
        100 * best[4],
        crossSame,
        quality.precision(),
        quality.recall(),
        quality.f1());
    return new Outcome(v.name(), o.name, part, chance, chanceStrata, best, crossSame, quality.f1());
  }

  static double success(
      FilterGroups groups,
      String[][] strata,
      PublicFrequencies list,
      String field,
      String[] truth,
      int place) {
    FrequencyAlignment.Result r =
        FrequencyAlignment.attack(groups.groupOf(), strata, list, field, 3);
    String[] guesses = r.guesses();
    if (place >= 0) {
      guesses = guesses.clone();
      for (int i = 0; i < guesses.length; i++) {
        if (guesses[i] != null) {
          guesses[i] = guesses[i].split("\\|", -1)[place];
        }
      }
    }
    return FrequencyAlignment.success(guesses, truth);
  }

  /** One field filter over every extract, with its features' true values and the attributes. */
  static final class Observed {
    String name;
    List<String> features;
    int bits;
    final List<long[]> filters = new ArrayList<>();
    final List<String[]> truth = new ArrayList<>();
    final List<String[]> strata = new ArrayList<>();
    // The clear attributes and the true birth year: an attacker who has learnt every record's year.
    final List<String[]> yearStrata = new ArrayList<>();
  }

  private static void read(
      EngineSchema schema,
      Path csv,
      Path extract,
      int party,
      Map<String, Observed> observed,
      Map<String, Long> clkOwners,
      long[] crossSame)
      throws Exception {
    List<String[]> rows = new ArrayList<>();
    String[] header;
    try (InputStream in = Files.newInputStream(csv);
        CsvRows csvRows = CsvRows.utf8(in)) {
      header = csvRows.next();
      for (String[] r = csvRows.next(); r != null; r = csvRows.next()) {
        rows.add(r);
      }
    }
    List<String> columns = List.of(header);
    try (ExtractReader reader = ExtractReader.open(extract)) {
      ExtractHeader h = reader.header();
      List<String> fieldNames =
          h.fieldFilters().stream().map(ExtractHeader.FieldFilter::name).toList();
      int gender = h.attributes().indexOf("gender");
      int race = h.attributes().indexOf("race_ethnicity");
      ExtractRecord record = reader.newRecord();
      int row = 0;
      while (reader.next(record)) {
        String[] csvRow = rows.get(row++);
        String clk = java.util.Arrays.toString(record.clk());
        Long owners = clkOwners.get(clk);
        long mine = 1L << party;
        if (owners != null && (owners & ~mine) != 0) {
          crossSame[0]++;
        }
        clkOwners.merge(clk, mine, (a, b) -> a | b);
        String dob = csvRow[columns.indexOf("date_of_birth")];
        String year =
            dob.length() >= 4
                ? (dob.contains("/") ? dob.substring(dob.length() - 4) : dob.substring(0, 4))
                : "";
        for (int f = 0; f < schema.fieldFilters().size(); f++) {
          EngineSchema.FieldFilter spec = schema.fieldFilters().get(f);
          List<String> features = identifiers(schema, spec);
          if (features.stream().noneMatch(ATTACKED::contains)) {
            continue;
          }
          Observed o = observed.computeIfAbsent(spec.name(), x -> new Observed());
          o.name = spec.name();
          o.features = features;
          o.bits = h.fieldFilters().get(f).bits();
          o.filters.add(record.fieldFilter(f).clone());
          String[] values = new String[features.size()];
          for (int m = 0; m < values.length; m++) {
            int feature = spec.features().get(m);
            values[m] =
                schema.normalisers().get(feature).apply(csvRow[columns.indexOf(features.get(m))]);
          }
          o.truth.add(values);
          o.strata.add(new String[] {record.attribute(gender), record.attribute(race)});
          o.yearStrata.add(new String[] {record.attribute(gender), record.attribute(race), year});
        }
      }
    }
  }

  private static List<String> identifiers(EngineSchema schema, EngineSchema.FieldFilter spec) {
    return spec.features().stream()
        .map(f -> schema.clkhash().features().get(f).identifier())
        .toList();
  }

  /**
   * The attacker's public list: names counted in a population generated independently (another
   * seed, twice the size), by gender and race/ethnicity and overall, normalised as the schema does.
   */
  static PublicFrequencies publicList(EngineSchema schema, long population) {
    PublicFrequencies.Builder b = PublicFrequencies.builder(List.of("gender", "race_ethnicity"));
    CityGenerator independent =
        CityGenerator.builder().seed(990_001).population(2 * population).build();
    independent
        .persons()
        .forEach(
            (Person p) -> {
              for (String part : ATTACKED) {
                String value = PublicNameCounts.normalised(schema, part, p);
                b.add(part, value, 1);
                b.add(part, value, 1, p.gender(), p.raceEthnicity());
              }
              for (EngineSchema.FieldFilter spec : schema.fieldFilters()) {
                List<String> features = identifiers(schema, spec);
                if (features.size() < 2 || features.stream().noneMatch(ATTACKED::contains)) {
                  continue;
                }
                StringBuilder joint = new StringBuilder();
                for (String feature : features) {
                  joint
                      .append(joint.length() == 0 ? "" : "|")
                      .append(PublicNameCounts.normalised(schema, feature, p));
                }
                b.add(spec.name(), joint.toString(), 1);
                b.add(spec.name(), joint.toString(), 1, p.gender(), p.raceEthnicity());
              }
            });
    return b.build();
  }
}
