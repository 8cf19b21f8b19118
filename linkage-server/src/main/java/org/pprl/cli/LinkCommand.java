package org.pprl.cli;

import java.io.BufferedWriter;
import java.io.IOException;
import java.io.OutputStreamWriter;
import java.io.PrintWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.function.Consumer;
import org.pprl.core.evaluate.Truth;
import org.pprl.core.extract.ExtractReader;
import org.pprl.core.io.AtomicOutput;
import org.pprl.core.link.Entities;
import org.pprl.core.link.LinkEngine;
import org.pprl.core.link.Linker;
import org.pprl.core.link.Party;
import org.pprl.core.match.Parallel;
import org.pprl.core.match.ProgressLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code pprl link}: finds the records of two or more extracts that belong to the same person. */
@Command(
    name = "link",
    mixinStandardHelpOptions = true,
    sortOptions = false,
    description = {
      "Links two or more extracts and finds the duplicates inside each (one extract: its"
          + " duplicates), without labels.",
      "",
      "Candidates are each record's nearest records by CLK similarity, among all pairs or among"
          + " records sharing a keyed blocking key, across extracts and inside each; field-level"
          + " filters are compared, a Fellegi-Sunter model is estimated by EM (one across"
          + " extracts, one inside them), and pairs at or above a cut chosen from the data"
          + " (each record's best non-duplicate inside its own extract shows what a false link"
          + " weighs), or at --min-posterior, are"
          + " links. Links are grouped into entities of any size: two groups join only when the"
          + " mean margin over all their record pairs is at least 0, so a chain of links does not"
          + " make an entity of records that disagree.",
      "With --one-to-one (extracts known to be free of duplicates) no link is made inside an"
          + " extract (records inside one are still compared, for the cut's null), pairs are"
          + " assigned one-to-one across each pair of extracts, and an entity holds at most one"
          + " record per extract.",
      "With --method dice, pairs whose CLK Dice reaches --threshold are links instead"
          + " (clkhash and anonlink's method): no model and no field-level filters, but the"
          + " threshold is yours to choose.",
      "The pairs file has the header extract_a,id_a,extract_b,id_b,score and lists every pair of"
          + " records inside one entity, so pairs and entities tell the same story (score: the"
          + " pair's own match probability, or its CLK Dice with --method dice; a pair that"
          + " joined through its entity may score below the cut); the clusters file"
          + " entity,extract,id. Extracts are named by their agency, or by file name when two"
          + " share an agency.",
      "With --json, a summary with the same facts as the text report is printed as JSON on"
          + " standard output and the text goes to standard error (docs/cli.md).",
      "Exit status: 0 on success, 2 on bad input (one line on stderr); no output is left behind"
          + " on failure."
    })
final class LinkCommand implements Callable<Integer> {
  @Parameters(
      arity = "1..*",
      paramLabel = "EXTRACT",
      description = "Extract files from `pprl encode`.")
  List<Path> extracts;

  @Option(
      names = "--pairs",
      required = true,
      paramLabel = "P.csv",
      description = "Where to write the linked pairs.")
  Path pairs;

  @Option(
      names = "--clusters",
      paramLabel = "C.csv",
      description = "Also write the entities: one row per linked record.")
  Path clusters;

  @Option(
      names = "--blocking",
      paramLabel = "MODE",
      defaultValue = "auto",
      description =
          "auto (all pairs when that is cheap, else keyed blocking keys, else Hamming LSH), none"
              + " (compare all pairs), keys, lsh or keys+lsh (default: ${DEFAULT-VALUE}).")
  String blocking;

  @Option(
      names = "--nearest",
      paramLabel = "K",
      description =
          "Candidates kept per record: its K nearest by CLK Dice among the pairs blocking finds,"
              + " both ways (default: 10). More keep true pairs that large blocks crowd out, at"
              + " more candidates to model: extracts of a million records with the keys of"
              + " pprl encode --derive-blocking-keys reach pairs completeness 0.99 with 20, not 10"
              + " (docs/performance.md).")
  Integer nearest;

  @Option(
      names = "--method",
      paramLabel = "METHOD",
      defaultValue = "fellegi-sunter",
      description =
          "fellegi-sunter (field-level comparison, EM, a cut chosen from the data) or dice (CLK"
              + " Dice at --threshold) (default: ${DEFAULT-VALUE}).")
  String method;

  @Option(
      names = "--threshold",
      paramLabel = "T",
      description =
          "With --method dice: link pairs whose CLK Dice is at least T, in (0, 1] (default: "
              + DEFAULT_DICE_THRESHOLD
              + ").")
  Double threshold;

  static final double DEFAULT_DICE_THRESHOLD = 0.8;

  /**
   * Most candidates kept per record: each kept one costs 8 bytes a record and side while the
   * candidates are searched (800 MB for a million records at 100).
   */
  static final int MAX_NEAREST = 100;

  @Option(
      names = "--min-posterior",
      paramLabel = "P",
      description =
          "Keep links whose match probability is at least P, in (0, 1). Default: the engine"
              + " chooses the cut that maximises the estimated F1, and says why.")
  Double minPosterior;

  @Option(
      names = "--one-to-one",
      description =
          "The extracts are free of duplicates: pair records one-to-one across extracts, at most"
              + " one record per extract in an entity, no comparisons inside an extract.")
  boolean oneToOne;

  @Option(
      names = "--known-links",
      paramLabel = "K.csv",
      description =
          "Pairs known to be the same person (extract_a,id_a,extract_b,id_b[,...], with a header),"
              + " used to estimate the model better; the decision stays label-free.")
  Path knownLinks;

  @Option(
      names = "--truth",
      paramLabel = "T.csv",
      description =
          "Ground truth (as for `pprl evaluate`), used only to report how good the blocking was:"
              + " pairs completeness (true pairs among the candidates) and reduction ratio.")
  Path truth;

  @Option(
      names = "--report",
      paramLabel = "R.html",
      description =
          "Also write the run's report as one self-contained HTML file (charts of the candidates'"
              + " weights with the cut, m and u per field and level, matches per pair of extracts,"
              + " entity sizes; its data as JSON inside), which opens without a network.")
  Path report;

  @Option(
      names = "--threads",
      paramLabel = "N",
      description = "Threads for the comparisons (default: all cores).")
  Integer threads;

  @Option(
      names = "--engine",
      paramLabel = "ENGINE",
      defaultValue = "local",
      description =
          "local (this process) or spark (the keyed-blocking candidate search, the"
              + " candidates' field comparison and pattern counts, the records the model samples"
              + " and the entities on Apache Spark, the model's fit and the cut here; needs the"
              + " linkage-spark jar, which ./pprl adds; Spark's settings as spark.* system"
              + " properties, e.g. PPRL_JAVA_OPTS=-Dspark.executor.memory=5g; docs/spark.md)"
              + " (default: ${DEFAULT-VALUE}).")
  String engine;

  @Option(
      names = "--master",
      paramLabel = "URL",
      description =
          "With --engine spark: Spark's master, e.g. local[*] or spark://host:7077 (default:"
              + " spark-submit's, else local[*]).")
  String master;

  @Option(
      names = "--json",
      description =
          "Print a summary as JSON on standard output (docs/cli.md), the text report on standard"
              + " error.")
  boolean json;

  @Spec CommandSpec spec;

  @Override
  public Integer call() throws IOException {
    PrintWriter out = spec.commandLine().getOut();
    PrintWriter err = spec.commandLine().getErr();
    Linker.Options options = Linker.Options.defaults();
    switch (method.toLowerCase(Locale.ROOT)) {
      case "fellegi-sunter":
        if (threshold != null) {
          throw new CommandFailure("--threshold is for --method dice");
        }
        break;
      case "dice":
        double t = threshold == null ? DEFAULT_DICE_THRESHOLD : threshold;
        if (!(t > 0 && t <= 1)) {
          throw new CommandFailure("--threshold must be in (0, 1], got " + t);
        }
        if (minPosterior != null || knownLinks != null) {
          throw new CommandFailure(
              "--min-posterior and --known-links are for --method fellegi-sunter");
        }
        options = options.withDiceThreshold(t);
        break;
      default:
        throw new CommandFailure("--method must be fellegi-sunter or dice, got '" + method + "'");
    }
    if (minPosterior != null) {
      if (!(minPosterior > 0 && minPosterior < 1)) {
        throw new CommandFailure("--min-posterior must be in (0, 1), got " + minPosterior);
      }
      options = options.withMinPosterior(minPosterior);
    }
    options = options.withBlocking(parseBlocking()).withOneToOne(oneToOne);
    if (nearest != null) {
      if (nearest < 1 || nearest > MAX_NEAREST) {
        throw new CommandFailure("--nearest must be from 1 to " + MAX_NEAREST + ", got " + nearest);
      }
      options = options.withNearest(nearest);
    }
    if (threads != null) {
      if (threads < 1) {
        throw new CommandFailure("--threads must be at least 1, got " + threads);
      }
      options = options.withThreads(threads);
    }
    if (report != null) {
      Path folder = report.toAbsolutePath().getParent();
      if (folder == null || !Files.isDirectory(folder)) {
        throw new CommandFailure("--report " + report + ": no such directory");
      }
    }
    LinkEngine elsewhere = engine();
    // The command reads no CLK nor field filter after the link: the engine may let them go (or
    // never keep them) where its executors read them.
    Map<String, String> engineSettings =
        master == null
            ? Map.of("release", "filters")
            : Map.of("master", master, "release", "filters");
    long start = System.nanoTime();
    Consumer<String> steps = step -> progress(err, step, start);
    List<Party> parties = load(steps, options, elsewhere, engineSettings);
    List<Linker.KnownLink> known = readKnownLinks(parties);
    List<BlockingQuality> quality = List.of();
    Linker.Result result;
    try {
      result =
          elsewhere == null
              ? new Linker(options, steps).link(parties, known)
              : elsewhere.link(parties, known, options, engineSettings, steps);
    } catch (IllegalArgumentException e) {
      throw new CommandFailure(e.getMessage());
    }
    if (truth != null) {
      quality = blockingQuality(parties, result, steps);
    }
    // Rendered before any file is written, so that a failure leaves none of them behind.
    String html = report == null ? null : LinkReportFile.render(parties, result, quality);
    steps.accept("writing the pairs");
    writePairs(parties, result);
    if (clusters != null) {
      steps.accept("writing the entities");
      writeClusters(parties, result);
    }
    if (html != null) {
      LinkReportFile.write(report, html);
    }
    double seconds = (System.nanoTime() - start) / 1e9;
    List<BlockingQuality> blocks = quality;
    Linker.Options settings = options;
    JsonReport.print(
        json,
        () -> LinkSummary.of(this, settings, parties, known.size(), result, blocks, seconds),
        out,
        err,
        text -> {
          result.report().forEach(text::println);
          blocks.forEach(b -> text.println(b.line()));
          text.printf(
              Locale.ROOT,
              "wrote %,d pairs to %s%s%s in %.1f s%n",
              result.links().size(),
              pairs,
              clusters == null ? "" : " and entities to " + clusters,
              report == null ? "" : ", the report to " + report,
              seconds);
        });
    out.flush();
    return 0;
  }

  /**
   * The engine {@code --engine} names, null for this process; found on the class path, so that
   * Spark stays off this module's.
   */
  private LinkEngine engine() {
    switch (engine) {
      case "local":
        if (master != null) {
          throw new CommandFailure("--master is for --engine spark");
        }
        return null;
      case "spark":
        return LinkEngine.find("spark")
            .orElseThrow(
                () ->
                    new CommandFailure(
                        "--engine spark needs the linkage-spark jar and Spark on the class path:"
                            + " run ./pprl, which adds them for --engine spark (docs/spark.md)"));
      default:
        throw new CommandFailure("--engine must be local or spark, got '" + engine + "'");
    }
  }

  private Linker.Blocking parseBlocking() {
    try {
      return Linker.Blocking.byOption(blocking);
    } catch (IllegalArgumentException e) {
      throw new CommandFailure("--" + e.getMessage());
    }
  }

  private static void progress(PrintWriter err, String step, long start) {
    err.printf(Locale.ROOT, "pprl link: [%5.1f s] %s%n", (System.nanoTime() - start) / 1e9, step);
    err.flush();
  }

  /**
   * The extracts, each named by its agency (by its file name where two share an agency), read by
   * {@code engine} (null: here) with its {@code settings}, which may keep less of them.
   */
  private List<Party> load(
      Consumer<String> steps,
      Linker.Options options,
      LinkEngine engine,
      Map<String, String> settings)
      throws IOException {
    for (Path file : extracts) {
      if (!Files.isRegularFile(file)) {
        throw new CommandFailure(file + ": no such file");
      }
    }
    // The names come from the headers, read first, so that each extract is read once under its
    // name (a party read without its filters cannot be renamed).
    List<String> agencyOf = new ArrayList<>();
    Set<String> agencies = new HashSet<>();
    Set<String> duplicated = new HashSet<>();
    for (Path file : extracts) {
      String agency;
      try (ExtractReader reader = ExtractReader.open(file)) {
        agency = reader.header().agency();
      } catch (IOException e) {
        // The reading below fails on the same header: failures are reported in the order given.
        agency = null;
      }
      agencyOf.add(agency);
      if (agency != null && !agencies.add(agency)) {
        duplicated.add(agency);
      }
    }
    // The extracts are read side by side (each validated completely); a failure is reported for
    // the first extract, in the order given, that failed.
    List<Callable<Party>> reads = new ArrayList<>();
    for (int k = 0; k < extracts.size(); k++) {
      Path file = extracts.get(k);
      String agency = agencyOf.get(k);
      String name =
          agency == null || duplicated.contains(agency) ? file.getFileName().toString() : agency;
      steps.accept("reading " + file);
      reads.add(
          () -> {
            try {
              return engine == null
                  ? Party.load(file, name, steps, options.progressMillis())
                  : engine.load(file, name, options, settings, steps);
            } catch (IOException e) {
              throw new CommandFailure(file + ": " + e.getMessage(), e);
            } catch (IllegalArgumentException e) {
              throw new CommandFailure(e.getMessage());
            }
          });
    }
    return Parallel.run(reads, options.threads(), "reading the extracts");
  }

  /** The known links, by party and record number; unknown extracts or ids are refused. */
  private List<Linker.KnownLink> readKnownLinks(List<Party> parties) throws IOException {
    if (knownLinks == null) {
      return List.of();
    }
    if (!Files.isRegularFile(knownLinks)) {
      throw new CommandFailure("--known-links " + knownLinks + ": no such file");
    }
    java.util.Map<String, Integer> partyOf = new java.util.HashMap<>();
    List<java.util.Map<String, Integer>> recordOf = new ArrayList<>();
    for (int p = 0; p < parties.size(); p++) {
      partyOf.put(parties.get(p).name(), p);
      java.util.Map<String, Integer> ids = new java.util.HashMap<>();
      for (int i = 0; i < parties.get(p).size(); i++) {
        ids.put(parties.get(p).id(i), i);
      }
      recordOf.add(ids);
    }
    List<Linker.KnownLink> out = new ArrayList<>();
    try (java.io.InputStream in = Files.newInputStream(knownLinks);
        org.pprl.core.io.CsvRows csv = org.pprl.core.io.CsvRows.utf8(in)) {
      String[] header = csv.next();
      if (header == null || header.length < 4) {
        throw new CommandFailure(
            "--known-links " + knownLinks + ": expected a header extract_a,id_a,extract_b,id_b");
      }
      for (String[] row = csv.next(); row != null; row = csv.next()) {
        if (row.length == 0) {
          continue;
        }
        if (row.length < 4) {
          throw new CommandFailure(
              "--known-links " + knownLinks + ": line " + csv.line() + " has fewer than 4 columns");
        }
        Integer a = partyOf.get(row[0]);
        Integer b = partyOf.get(row[2]);
        Integer i = a == null ? null : recordOf.get(a).get(row[1]);
        Integer j = b == null ? null : recordOf.get(b).get(row[3]);
        if (i == null || j == null) {
          throw new CommandFailure(
              "--known-links "
                  + knownLinks
                  + ": line "
                  + csv.line()
                  + " names an extract or record id that is not among the extracts");
        }
        out.add(new Linker.KnownLink(a, i, b, j));
      }
    }
    return out;
  }

  /**
   * How well the candidates of one pair of extracts ({@code a} and {@code b}, the same for the
   * pairs inside one) cover the truth: {@code found} of its {@code truePairs} are candidates, and
   * the candidates are {@code 1 - reductionRatio} of all record pairs.
   */
  record BlockingQuality(String a, String b, long found, long truePairs, double reductionRatio) {
    /** The share of true pairs that are candidates; 1 when there are none to find. */
    double pairsCompleteness() {
      return truePairs == 0 ? 1.0 : (double) found / truePairs;
    }

    String line() {
      return String.format(
          Locale.ROOT,
          "blocking %s%s: pairs completeness %.4f (%,d of %,d true pairs are candidates),"
              + " reduction ratio %.6f",
          a,
          a.equals(b) ? "" : " x " + b,
          pairsCompleteness(),
          found,
          truePairs,
          reductionRatio);
    }
  }

  /** Pairs completeness and reduction ratio of each pair of extracts' candidates. */
  private List<BlockingQuality> blockingQuality(
      List<Party> parties, Linker.Result result, Consumer<String> steps) throws IOException {
    if (!Files.isRegularFile(truth)) {
      throw new CommandFailure("--truth " + truth + ": no such file");
    }
    steps.accept("reading the truth " + truth.getFileName());
    Truth known =
        Truth.read(
            truth,
            ProgressLine.counting(
                steps,
                ProgressLine.EVERY_MILLIS,
                "reading the truth " + truth.getFileName(),
                "rows"));
    steps.accept("counting the true pairs among the candidates");
    // Each record's entity, looked up once per record rather than twice per candidate.
    int[][] entityOf = new int[parties.size()][];
    for (int p = 0; p < parties.size(); p++) {
      Party party = parties.get(p);
      entityOf[p] = new int[party.size()];
      for (int i = 0; i < party.size(); i++) {
        entityOf[p][i] = known.entity(party.name(), party.id(i));
      }
    }
    List<BlockingQuality> quality = new ArrayList<>();
    for (Linker.Candidates c : result.candidates()) {
      Party a = parties.get(c.a());
      Party b = parties.get(c.b());
      int[] ea = entityOf[c.a()];
      int[] eb = entityOf[c.b()];
      long found = 0;
      for (int k = 0; k < c.pairs().length; k++) {
        int x = ea[c.first(k)];
        if (x >= 0 && x == eb[c.second(k)]) {
          found++;
        }
      }
      double space =
          c.a() == c.b() ? (double) a.size() * (a.size() - 1) / 2 : (double) a.size() * b.size();
      quality.add(
          new BlockingQuality(
              a.name(),
              b.name(),
              found,
              known.truePairs(a.name(), b.name()),
              1 - c.pairs().length / space));
    }
    return quality;
  }

  private void writePairs(List<Party> parties, Linker.Result result) throws IOException {
    try (AtomicOutput file = AtomicOutput.create(pairs);
        Writer w =
            new BufferedWriter(new OutputStreamWriter(file.stream(), StandardCharsets.UTF_8))) {
      w.write("extract_a,id_a,extract_b,id_b,score\n");
      for (Linker.Link link : result.links()) {
        Party a = parties.get(link.a());
        Party b = parties.get(link.b());
        w.write(Csv.field(a.name()));
        w.write(',');
        w.write(Csv.field(a.id(link.i())));
        w.write(',');
        w.write(Csv.field(b.name()));
        w.write(',');
        w.write(Csv.field(b.id(link.j())));
        w.write(',');
        w.write(String.format(Locale.ROOT, "%.6f", link.score()));
        w.write('\n');
      }
      w.flush();
      file.commit();
    }
  }

  private void writeClusters(List<Party> parties, Linker.Result result) throws IOException {
    Entities entities = Entities.of(result, parties);
    try (AtomicOutput file = AtomicOutput.create(clusters);
        Writer w =
            new BufferedWriter(new OutputStreamWriter(file.stream(), StandardCharsets.UTF_8))) {
      w.write("entity,extract,id\n");
      for (int e = 0; e < entities.count(); e++) {
        String name = "E" + e;
        for (int k = entities.start(e); k < entities.end(e); k++) {
          row(w, name, parties.get(entities.party(k)), entities.record(k));
        }
      }
      w.flush();
      file.commit();
    }
  }

  private static void row(Writer w, String entity, Party p, int i) throws IOException {
    w.write(entity);
    w.write(',');
    w.write(Csv.field(p.name()));
    w.write(',');
    w.write(Csv.field(p.id(i)));
    w.write('\n');
  }
}
