package org.pprl.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.OptionalLong;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.stream.Stream;
import org.pprl.core.disclose.CellKeyPerturbation;
import org.pprl.core.disclose.CountTable;
import org.pprl.core.disclose.PerturbedTable;
import org.pprl.core.encode.CsvEncoding;
import org.pprl.core.encode.RecordEncoder;
import org.pprl.core.encode.RecordException;
import org.pprl.core.query.AgencyRecords;
import org.pprl.core.query.LinkedPopulation;
import org.pprl.core.query.OverlapQuestion;
import org.pprl.core.query.PopulationKeys;
import org.pprl.core.query.QuestionEvaluator;
import org.pprl.core.query.QuestionPolicy;
import org.pprl.core.schema.EngineSchema;
import org.pprl.core.schema.SchemaException;
import org.pprl.fixtures.Agency;
import org.pprl.fixtures.CityGenerator;
import org.pprl.fixtures.Corruption;
import org.pprl.fixtures.ProgressListener;

/**
 * The utility cost of the cell-key method: how far the numbers an analyst receives for the demo's
 * questions and two everyday ones ({@link DemoQuestions}) are from their true counts, over many
 * random cell-key secrets.
 *
 * <p>Usage: {@code java -cp benchmarks/target/benchmarks.jar org.pprl.bench.PerturbationUtility
 * [--population 20000,100000] [--seed 1] [--secrets 200] [--secret-seed 1] [--examples examples]},
 * after {@code ./mvnw -B -q -pl benchmarks -am package -DskipTests}. Writes a markdown report to
 * stdout and progress to stderr. Results are in {@code docs/measurements/perturbation-utility.md}.
 */
public final class PerturbationUtility {
  /*
   * The city is the demo's (CityGenerator with every agency and default corruption), encoded as
   * the agencies would encode it, and linked exactly by the generator's truth (as
   * GeneratedCityQueryTest does): the errors measured are the perturbation's alone, not the
   * linkage's. Each secret gives new person keys (PopulationKeys.of, the service's path), so each
   * draw is one independent realisation of every position's noise.
   *
   * A position is one number of the released JSON: every cell, the row totals and grand total
   * (disjoint columns only; with cumulative columns they repeat the last column), the column totals
   * and the base. In an overlap question the grand total and the base count the same persons and so
   * publish the same value; both are counted, as both are published.
   *
   * The errors (MAE, RMSE, mean error, relative error, exactness) are over the positions shown as
   * numbers: a symbol has no value to be wrong by. What the symbol costs is in the two shares: true
   * counts of 6 or more shown as the symbol, and true counts of 1 to 5 shown as a number. Each
   * figure is also computed from the main table's probabilities for the same true counts
   * (CellKeyPerturbation.probability, the tail left out), which is what the measured figure should
   * approach.
   *
   * A question the service would refuse in a draw (its perturbed cohort, or a filter's perturbed
   * excluded group, below the policy's minimum cohort; Disclosures.requireLargeEnough) publishes
   * nothing in that draw and is counted under "refused".
   */

  static final String USAGE =
      "usage: PerturbationUtility [--population N[,N...]] [--seed S] [--secrets K]"
          + " [--secret-seed R] [--examples DIR]\n"
          + "  --population  persons in the generated city, one run per value (default"
          + " 20000,100000)\n"
          + "  --seed        the city's seed (default 1, the demo's)\n"
          + "  --secrets     random cell-key secrets per city (default 200)\n"
          + "  --secret-seed seed of the secrets (default 1)\n"
          + "  --examples    directory with agency-schema.json and agency-questions.json (default"
          + " examples, or the system property pprl.examples)";

  /** The minimum cell size the service enforces (docs/disclosure.md, "Floors"). */
  static final int MIN_CELL_SIZE = 6;

  /** True counts from here on are never shown as the symbol by the main table (6 + 4). */
  static final int CLEAR_OF_SYMBOL = 10;

  private static final CellKeyPerturbation PERTURBATION = CellKeyPerturbation.DEFAULT;
  private static final List<Agency> LINKED =
      List.of(Agency.PUBLIC_ASSISTANCE, Agency.HOMELESS_SERVICES, Agency.CHILDRENS_SERVICES);
  private static final byte[] ENCODING_SECRET =
      "perturbation utility secret".getBytes(StandardCharsets.UTF_8);

  private PerturbationUtility() {}

  /** The settings of one invocation. */
  record Options(List<Long> populations, long seed, int secrets, long secretSeed, Path examples) {}

  /** The measurement of one city: per question, then all questions pooled. */
  record Report(
      long population,
      long seed,
      int secrets,
      Map<String, PositionStats> measured,
      Map<String, PositionStats> expected,
      double seconds) {

    /** Every question's measured figures pooled. */
    PositionStats measuredOverall() {
      return PositionStats.pool(measured.values());
    }

    /** Every question's expected figures pooled. */
    PositionStats expectedOverall() {
      return PositionStats.pool(expected.values());
    }
  }

  public static void main(String[] args) throws Exception {
    Options options;
    try {
      options = parse(args);
    } catch (IllegalArgumentException e) {
      System.err.println("PerturbationUtility: " + e.getMessage());
      System.err.println(USAGE);
      System.exit(2);
      return;
    }
    if (options == null) {
      System.out.println(USAGE);
      return;
    }
    List<Report> reports = new ArrayList<>();
    for (long population : options.populations()) {
      Path work = Files.createTempDirectory("pprl-perturbation");
      try {
        reports.add(run(work, population, options, System.err));
      } finally {
        try (Stream<Path> files = Files.walk(work)) {
          files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        }
      }
    }
    print(System.out, reports);
  }

  /**
   * Reads the command line.
   *
   * @return the options, or null when usage was asked for
   * @throws IllegalArgumentException naming the argument at fault
   */
  static Options parse(String[] args) {
    List<Long> populations = List.of(20_000L, 100_000L);
    long seed = 1;
    int secrets = 200;
    long secretSeed = 1;
    Path examples = Paths.get(System.getProperty("pprl.examples", "examples"));
    for (int i = 0; i < args.length; i++) {
      String a = args[i];
      if (a.equals("--help") || a.equals("-h")) {
        return null;
      }
      if (i + 1 >= args.length) {
        throw new IllegalArgumentException(a + ": expected an option with a value");
      }
      String v = args[++i];
      try {
        switch (a) {
          case "--population" -> {
            List<Long> list = new ArrayList<>();
            for (String p : v.split(",", -1)) {
              long n = Long.parseLong(p.strip());
              if (n < 100 || n > 2_000_000) {
                throw new IllegalArgumentException(
                    "--population " + n + " is outside 100 to 2,000,000");
              }
              list.add(n);
            }
            populations = List.copyOf(list);
          }
          case "--seed" -> seed = Long.parseLong(v);
          case "--secrets" -> {
            secrets = Integer.parseInt(v);
            if (secrets < 1) {
              throw new IllegalArgumentException("--secrets is " + secrets + ", expected >= 1");
            }
          }
          case "--secret-seed" -> secretSeed = Long.parseLong(v);
          case "--examples" -> examples = Paths.get(v);
          default -> throw new IllegalArgumentException("unknown option " + a);
        }
      } catch (NumberFormatException e) {
        throw new IllegalArgumentException(a + " expects a whole number", e);
      }
    }
    return new Options(populations, seed, secrets, secretSeed, examples);
  }

  /** Generates, encodes and links one city, then measures it. */
  static Report run(Path work, long population, Options options, PrintStream progress)
      throws IOException {
    long start = System.nanoTime();
    LinkedPopulation linked = city(work, population, options.seed(), options.examples());
    progress.printf(
        Locale.ROOT,
        "city of %,d persons linked in %.1f s%n",
        population,
        (System.nanoTime() - start) / 1e9);
    QuestionPolicy policy =
        QuestionPolicy.parse(
            new ObjectMapper()
                .readTree(Files.readAllBytes(options.examples().resolve("agency-questions.json"))),
            QuestionPolicy.DEFAULT_MIN_COHORT);
    return measure(
        linked,
        policy,
        population,
        options.seed(),
        options.secrets(),
        options.secretSeed(),
        progress);
  }

  /**
   * The demo's city: every agency generated, public assistance, homeless services and children's
   * services encoded with the example schema and linked by the generator's truth.
   */
  static LinkedPopulation city(Path work, long population, long seed, Path examples)
      throws IOException {
    Path csv = work.resolve("city");
    CityGenerator.builder()
        .seed(seed)
        .population(population)
        .corruption(Corruption.DEFAULT)
        .build()
        .writeTo(csv, ProgressListener.NONE);
    byte[] schemaJson = Files.readAllBytes(examples.resolve("agency-schema.json"));
    List<AgencyRecords> records = new ArrayList<>();
    for (Agency agency : LINKED) {
      Path extract = work.resolve(agency.id() + ".pprl");
      try {
        EngineSchema schema = EngineSchema.parse(schemaJson, agency.datePattern());
        CsvEncoding.encode(
            new RecordEncoder(schema, ENCODING_SECRET),
            csv.resolve(agency.fileName()),
            extract,
            agency.id(),
            null);
      } catch (RecordException | SchemaException e) {
        throw new IOException("cannot encode the generated " + agency.id() + " extract", e);
      }
      records.add(AgencyRecords.load(extract));
    }
    Set<String> ids = new HashSet<>();
    LINKED.forEach(a -> ids.add(a.id()));
    List<LinkedPopulation.Link> links = new ArrayList<>();
    List<String> truth = Files.readAllLines(csv.resolve("truth.csv"));
    for (String line : truth.subList(1, truth.size())) {
      String[] f = line.split(",", -1);
      if (ids.contains(f[0])) {
        links.add(new LinkedPopulation.Link(f[0], f[1], "P" + f[2]));
      }
    }
    return LinkedPopulation.of(records, links);
  }

  /**
   * Asks every question under {@code secrets} random cell-key secrets.
   *
   * @param size the city's population, for the report
   * @param seed the city's seed, for the report
   */
  static Report measure(
      LinkedPopulation population,
      QuestionPolicy policy,
      long size,
      long seed,
      int secrets,
      long secretSeed,
      PrintStream progress) {
    ObjectMapper json = new ObjectMapper();
    Map<String, OverlapQuestion> questions = new LinkedHashMap<>();
    Map<String, PositionStats> measured = new LinkedHashMap<>();
    Map<String, PositionStats> expected = new LinkedHashMap<>();
    for (DemoQuestions.Named q : DemoQuestions.ALL) {
      OverlapQuestion question;
      try {
        question = OverlapQuestion.parse(json.readTree(q.json()));
      } catch (IOException e) {
        throw new IllegalStateException("a demo question is not JSON: " + q.name(), e);
      }
      policy.check(question); // the service refuses anything else
      questions.put(q.name(), question);
      measured.put(q.name(), new PositionStats());
      expected.put(q.name(), new PositionStats());
    }
    SplittableRandom random = new SplittableRandom(secretSeed);
    long start = System.nanoTime();
    for (int draw = 0; draw < secrets; draw++) {
      byte[] secret = new byte[32];
      random.nextBytes(secret);
      PopulationKeys keys = PopulationKeys.of(population, secret);
      for (Map.Entry<String, OverlapQuestion> q : questions.entrySet()) {
        QuestionEvaluator.Keyed keyed =
            QuestionEvaluator.evaluate(q.getValue(), population, policy, keys);
        PositionStats m = measured.get(q.getKey());
        PositionStats e = expected.get(q.getKey());
        m.draws++;
        e.draws++;
        if (refused(keyed, policy.minCohort())) {
          m.refused++;
          e.refused++;
          continue;
        }
        PerturbedTable published =
            PerturbedTable.of(
                keyed.table(), keyed.cellKeys(), keyed.baseKey(), PERTURBATION, MIN_CELL_SIZE);
        compare(keyed.table(), published, m, e);
      }
      if ((draw + 1) % 50 == 0) {
        progress.printf(
            Locale.ROOT,
            "  %d of %d secrets, %.1f s%n",
            draw + 1,
            secrets,
            (System.nanoTime() - start) / 1e9);
      }
    }
    return new Report(size, seed, secrets, measured, expected, (System.nanoTime() - start) / 1e9);
  }

  /** Whether the service would refuse the question (Disclosures.requireLargeEnough). */
  private static boolean refused(QuestionEvaluator.Keyed keyed, int minCohort) {
    QuestionEvaluator.Group cohort = keyed.cohort();
    if (PERTURBATION.perturb(cohort.count(), cohort.key()) < minCohort) {
      return true;
    }
    for (QuestionEvaluator.Group g : keyed.excluded().values()) {
      if (PERTURBATION.perturb(g.count(), g.key()) < minCohort) {
        return true;
      }
    }
    return false;
  }

  /** Adds every published position of one answer to the measured and the expected figures. */
  private static void compare(
      CountTable table, PerturbedTable published, PositionStats measured, PositionStats expected) {
    int nr = table.rows().size();
    int nc = table.columns().size();
    boolean disjoint = !table.cumulativeColumns();
    long[] columnTrue = new long[nc];
    long grandTrue = 0;
    for (int r = 0; r < nr; r++) {
      long rowTrue = 0;
      for (int c = 0; c < nc; c++) {
        long t = table.count(r, c);
        position(t, published.cell(r, c), measured, expected);
        columnTrue[c] += t;
        rowTrue += t;
      }
      if (disjoint) {
        position(rowTrue, published.rowTotal(r), measured, expected);
        grandTrue += rowTrue;
      }
    }
    for (int c = 0; c < nc; c++) {
      position(columnTrue[c], published.columnTotal(c), measured, expected);
    }
    if (disjoint) {
      position(grandTrue, published.grandTotal(), measured, expected);
    }
    position(table.base(), published.base(), measured, expected);
  }

  private static void position(
      long truth, OptionalLong shown, PositionStats measured, PositionStats expected) {
    measured.add(truth, shown.isPresent() ? shown.getAsLong() : PositionStats.SYMBOL, 1.0);
    int max = PERTURBATION.maxMain();
    for (int d = -max; d <= max; d++) {
      double p = PERTURBATION.probability(truth, d);
      if (p > 0) {
        long value = truth + d;
        expected.add(truth, value >= MIN_CELL_SIZE ? value : PositionStats.SYMBOL, p);
      }
    }
  }

  /** Writes the reports as markdown. */
  static void print(PrintStream out, List<Report> reports) {
    out.println("# Utility cost of the cell-key perturbation");
    out.println();
    double v = PERTURBATION.variance();
    out.printf(
        Locale.ROOT,
        "The main table's own figures (CellKeyPerturbation.DEFAULT, counts of 5 or more): variance"
            + " %.2f (RMSE %.3f), mean absolute error %.3f, P(exact) %.3f; true 6, 7, 8, 9 shown as"
            + " the symbol with probability %.4f, %.4f, %.4f, %.4f; true 4 and 5 shown as a number"
            + " with probability %.4f and %.4f; tail probability 2^-20 per position.%n",
        v,
        Math.sqrt(v),
        meanAbs(100),
        PERTURBATION.probability(100, 0),
        below(6),
        below(7),
        below(8),
        below(9),
        1 - below(4),
        1 - below(5));
    out.println();
    out.println(
        "Errors are over positions shown as numbers; a position is a cell, row total, column total,"
            + " grand total or base as released; \"expected\" is the main table's prediction for the"
            + " same true counts.");
    for (Report r : reports) {
      out.println();
      out.printf(
          Locale.ROOT,
          "## City of %,d persons (seed %d), %d cell-key secrets (%.1f s)%n%n",
          r.population(),
          r.seed(),
          r.secrets(),
          r.seconds());
      out.println(
          "| question | | answered | positions (0 / 1-5 / 6+) | MAE | RMSE | mean error"
              + " | RMSE, true 10+ | mean error, true 10+ | rel. error, true 6+"
              + " | true 6+ as * | true 1-5 as number | exact, true 6+ | exact, shown"
              + " | beyond ±4 |");
      out.println(
          "| --- | --- | ---: | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---:"
              + " | ---: | ---: |");
      for (String name : r.measured().keySet()) {
        row(out, name, "measured", r.measured().get(name));
        row(out, "", "expected", r.expected().get(name));
      }
      row(out, "**all questions**", "measured", r.measuredOverall());
      row(out, "", "expected", r.expectedOverall());
    }
  }

  private static void row(PrintStream out, String name, String kind, PositionStats s) {
    long answered = Math.max(1, s.answered());
    out.printf(
        Locale.ROOT,
        "| %s | %s | %d of %d | %.1f (%.1f / %.1f / %.1f) | %s | %s | %s | %s | %s | %s | %s | %s"
            + " | %s | %s | %s |%n",
        name,
        kind,
        s.answered(),
        s.draws,
        perDraw(s.positions, answered),
        perDraw(s.zero, answered),
        perDraw(s.small, answered),
        perDraw(s.large, answered),
        figure("%.3f", s.mae()),
        figure("%.3f", s.rmse()),
        figure("%+.3f", s.meanError()),
        figure("%.3f", s.clearRmse()),
        figure("%+.3f", s.clearMeanError()),
        figure("%.4f", s.relativeError()),
        figure("%.2f%%", 100 * s.largeAsSymbol()),
        figure("%.2f%%", 100 * s.smallAsNumber()),
        figure("%.1f%%", 100 * s.largeExactShare()),
        figure("%.1f%%", 100 * s.shownExactShare()),
        kind.equals("measured")
            ? String.format(Locale.ROOT, "%.0f", s.beyondMain)
            : "0 (tail left out)");
  }

  /**
   * A count per answered draw, rounded to 10^-6 first: expected counts are sums of probabilities,
   * which add up to a whole number only to within rounding.
   */
  private static double perDraw(double count, long answered) {
    return Math.round(count / answered * 1e6) / 1e6;
  }

  /** A figure, or a dash where it has no positions to be computed over. */
  private static String figure(String format, double value) {
    return Double.isNaN(value) ? "-" : String.format(Locale.ROOT, format, value);
  }

  /** The main table's probability that {@code count} is published below the minimum cell size. */
  private static double below(long count) {
    double p = 0;
    for (int d = -PERTURBATION.maxMain(); d <= PERTURBATION.maxMain(); d++) {
      if (count + d < MIN_CELL_SIZE) {
        p += PERTURBATION.probability(count, d);
      }
    }
    return p;
  }

  private static double meanAbs(long count) {
    double m = 0;
    for (int d = -PERTURBATION.maxMain(); d <= PERTURBATION.maxMain(); d++) {
      m += Math.abs(d) * PERTURBATION.probability(count, d);
    }
    return m;
  }
}
