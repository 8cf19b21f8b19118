package org.pprl.spark;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.CodeSource;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;
import java.util.stream.Stream;
import org.apache.spark.SparkConf;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.util.Utils$;
import org.pprl.core.extract.ExtractHeader;
import org.pprl.core.extract.ExtractReader;
import org.pprl.core.link.EntityPlan;
import org.pprl.core.link.FieldRows;
import org.pprl.core.link.LinkEngine;
import org.pprl.core.link.Linker;
import org.pprl.core.link.Party;

/**
 * The linker with its keyed-blocking candidate search on Apache Spark: {@code pprl link --engine
 * spark [--master URL]}, or {@code spark-submit} (docs/spark.md). The candidates' field comparison,
 * the counting of their patterns, the estimation's passes over every record and the entities (each
 * component of the links clustered on its own) run there too; EM on the counts and the decisions
 * run on the driver with the core's code, so the result equals {@link Linker}'s on the same
 * extracts.
 */
public final class SparkEngine implements LinkEngine {
  /** The settings this engine reads; any other is refused. */
  static final Set<String> SETTINGS = Set.of("master", "partitions", "read", "release");

  private static final String KRYO = "org.apache.spark.serializer.KryoSerializer";

  /** The Spark property that sets {@code partitions} under spark-submit ({@code --conf}). */
  static final String PARTITIONS = "spark.pprl.partitions";

  /**
   * The Spark property that sets {@code read} under spark-submit: {@code executors} (the executors
   * read the extract files; they must see them at the driver's paths) or {@code driver} (the driver
   * sends its records in the tasks). Default: executors with a local master, else driver.
   */
  static final String READ = "spark.pprl.read";

  /**
   * The Spark property that sets how long, in seconds, a run waits for the first executor of a
   * cluster before it gives up (default 120).
   */
  static final String EXECUTOR_WAIT = "spark.pprl.executorWait";

  @Override
  public String name() {
    return "spark";
  }

  /**
   * {@inheritDoc}
   *
   * <p>Settings: {@code master} (default: spark.master as spark-submit sets it, else {@code
   * local[*]}), {@code partitions} of each shuffle (default: spark.pprl.partitions, else 4 × the
   * default parallelism), {@code read}: who reads the records, {@code executors} (from the extract
   * files, which they must see at the driver's paths) or {@code driver} (sent in the tasks;
   * default: spark.pprl.read, else executors with a local master and driver otherwise). Spark's
   * local files (shuffles, spills) go to a new folder under java.io.tmpdir, removed afterwards,
   * unless spark.local.dir is set. With a master whose executors run in JVMs of their own (any but
   * {@code local} and {@code local[N]}), the jars holding this engine and the core go to them as
   * spark.jars, unless that is set (as spark-submit does). {@code release}: {@code filters} lets
   * the parties' CLKs and field filters go ({@link Party#releaseFilters}) when every stage reads
   * them on the executors (they read the extracts, and the method is Fellegi–Sunter), so that the
   * driver holds ids and blocks only; the caller must not use them afterwards (default {@code
   * none}).
   */
  @Override
  public Linker.Result link(
      List<Party> parties,
      List<Linker.KnownLink> known,
      Linker.Options options,
      Map<String, String> settings,
      Consumer<String> progress) {
    checkSettings(settings);
    Linker.Options keyed = keyedOnly(parties, options);
    int fields = parties.isEmpty() ? 0 : parties.get(0).fieldCount();
    boolean compareFields = comparesFields(options, fields);
    SparkConf conf = conf(settings);
    String read = read(settings, conf);
    String release = settings.getOrDefault("release", "none");
    if (!release.equals("none") && !release.equals("filters")) {
      throw new IllegalArgumentException("release must be filters or none, got '" + release + "'");
    }
    boolean executorsRead = read.equals("executors");
    // The estimation's passes over every record's filters run where the records are read.
    boolean fieldsOnExecutors = executorsRead && compareFields && SparkFields.usable(parties);
    for (Party p : parties) {
      if (p.filtersReleased() && !fieldsOnExecutors) {
        throw new IllegalArgumentException(
            "extract "
                + p.name()
                + " was read without its CLKs and field filters, and this run reads them on the"
                + " driver (read="
                + read
                + (compareFields ? "" : ", or a method that compares no field")
                + "); read it whole (Party.load)");
      }
    }
    Path local = null;
    try {
      if (!conf.contains("spark.local.dir")) {
        local = Files.createTempDirectory("pprl-spark-");
        conf.set("spark.local.dir", local.toString());
      }
      // Spark keeps the first local folders it made for the life of the JVM, whatever a later
      // context's spark.local.dir says: without this a second run in one process (the service, a
      // test) would write into the first run's folder, made again after it was removed.
      // (Spark's own tests call the same; it is internal to Spark, checked by SparkEngineTest.)
      Utils$.MODULE$.clearLocalRootDirs();
      // Kryo for the shuffles, with the records, best lists and arrays it carries registered;
      // registering would switch any other serializer to Kryo, so a user's choice is left alone.
      conf.setIfMissing("spark.serializer", KRYO);
      if (conf.get("spark.serializer").equals(KRYO)) {
        // What is shuffled holds no object twice nor a cycle; tracking references cost a map
        // cleared after every record (3 % of a run's CPU).
        conf.setIfMissing("spark.kryo.referenceTracking", "false");
        conf.registerKryoClasses(
            new Class<?>[] {
              SparkCandidates.Member.class,
              SparkCandidates.Keyed.class,
              TopK.class,
              SparkEntities.Placed.class,
              SparkEntities.EdgesOf.class,
              SparkEntities.Adjusted.class,
              SparkEntities.Counted.class,
              SparkFields.Hashed.class,
              EntityPlan.Part.class,
              int[][].class,
              double[].class,
              long[].class,
              long[][].class,
              int[].class,
              float[].class
            });
      }
      String master = conf.get("spark.master");
      if (!inProcess(master) && !conf.contains("spark.jars")) {
        // Executors in JVMs of their own need this engine's classes and the core's: the jars they
        // came from (pprl's own jar holds the core and its libraries). spark-submit sets
        // spark.jars itself, with its application jar and --jars.
        List<String> jars = jarsOf(SparkEngine.class, Linker.class);
        if (!jars.isEmpty()) {
          conf.set("spark.jars", String.join(",", jars));
        }
      }
      conf.setIfMissing("spark.ui.enabled", "false");
      conf.setIfMissing("spark.ui.showConsoleProgress", "false");
      if (master.startsWith("local")) {
        // One machine: nothing listens beyond the loopback interface.
        conf.setIfMissing("spark.driver.host", "127.0.0.1");
        conf.setIfMissing("spark.driver.bindAddress", "127.0.0.1");
      }
      progress.accept("starting Spark (" + master + ")");
      ShuffleTally tally = new ShuffleTally();
      Linker.Result result;
      String gathered;
      try (JavaSparkContext spark = new JavaSparkContext(conf)) {
        spark.setLogLevel("WARN");
        spark.sc().addSparkListener(tally);
        String asked = settings.getOrDefault("partitions", conf.get(PARTITIONS, null));
        Integer partitionsAsked = asked != null ? partitions(asked) : null;
        // Before the default partitions are counted: a cluster's default parallelism is the cores
        // of the executors registered so far.
        if (!inProcess(master)) {
          awaitExecutor(spark, master, 1000 * conf.getLong(EXECUTOR_WAIT, 120), progress);
        }
        int partitions = partitionsAsked != null ? partitionsAsked : 4 * spark.defaultParallelism();
        SparkProgress lines =
            new SparkProgress(spark.statusTracker(), progress, options.progressMillis());
        SparkCandidates search =
            new SparkCandidates(spark, partitions, compareFields, executorsRead);
        SparkFields filters =
            fieldsOnExecutors ? new SparkFields(spark, parties, partitions) : null;
        SparkEntities entities = new SparkEntities(spark, partitions, executorsRead);
        if (release.equals("filters") && filters != null) {
          // Every stage that reads a record's filters reads them on the executors: the driver
          // keeps each run's checksum, and lets the filters themselves go.
          for (Party p : parties) {
            ExtractsOnExecutors.noteChecksums(p);
            p.releaseFilters();
          }
          progress.accept("the executors read the CLKs and field filters: the driver holds none");
        }
        try {
          result =
              new Linker(keyed, progress, new Linker.Elsewhere(search, filters, entities))
                  .link(parties, known);
        } catch (Exception e) { // Spark's own SparkException is checked, and thrown unchecked
          UncheckedIOException unreadable = readFailure(e);
          if (unreadable != null) {
            throw unreadable;
          }
          throw e;
        } finally {
          lines.close();
        }
        gathered = search.describeGathered();
      }
      // After stop, which delivers every event still queued to the listener.
      progress.accept(tally.describe());
      progress.accept(gathered);
      return result;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } finally {
      if (local != null) {
        delete(local);
      }
    }
  }

  /**
   * {@inheritDoc}
   *
   * <p>Without the CLKs and field filters ({@link Party#loadWithoutFilters}) where the link with
   * these settings would let them go ({@code release} = {@code filters}, the executors read the
   * extracts, and the fields are compared there): the driver keeps ids, blocks and offsets, and a
   * checksum of each run of records taken as it reads, so its heap never holds the filters (at
   * 10.3M records the whole reading peaked at 13.6 GB).
   */
  @Override
  public Party load(
      Path file,
      String name,
      Linker.Options options,
      Map<String, String> settings,
      Consumer<String> progress)
      throws IOException {
    checkSettings(settings);
    ExtractHeader header;
    try (ExtractReader reader = ExtractReader.open(file)) {
      header = reader.header();
    }
    boolean light =
        "filters".equals(settings.get("release"))
            && comparesFields(options, header.fieldFilters().size())
            && read(settings, conf(settings)).equals("executors");
    if (!light) {
      return Party.load(file, name, progress, options.progressMillis());
    }
    ExtractsOnExecutors.RunChecksums sums = new ExtractsOnExecutors.RunChecksums(header);
    Party party =
        Party.loadWithoutFilters(file, name, progress, options.progressMillis(), sums::add);
    ExtractsOnExecutors.noteChecksums(party, sums.toArray());
    return party;
  }

  private static void checkSettings(Map<String, String> settings) {
    for (String name : settings.keySet()) {
      if (!SETTINGS.contains(name)) {
        throw new IllegalArgumentException(
            "the spark engine has no setting '" + name + "'; it has " + SETTINGS);
      }
    }
  }

  /**
   * Whether the candidates' fields are compared where the pairs are scored: unless the method does
   * not use them (Dice) or they are too many to pack (then the linker compares them on the driver).
   */
  private static boolean comparesFields(Linker.Options options, int fields) {
    return options.diceThreshold() == 0 && fields > 0 && fields <= FieldRows.MAX_FIELDS;
  }

  /** Spark's configuration with the run's master (spark-submit's, else local[*]). */
  private static SparkConf conf(Map<String, String> settings) {
    SparkConf conf = new SparkConf().setAppName("pprl link");
    if (settings.containsKey("master")) {
      conf.setMaster(settings.get("master"));
    } else {
      conf.setIfMissing("spark.master", "local[*]");
    }
    return conf;
  }

  /** Who reads the records: {@code executors} or {@code driver} (see {@link #READ}). */
  private static String read(Map<String, String> settings, SparkConf conf) {
    String read =
        settings.getOrDefault(
            "read",
            conf.get(READ, conf.get("spark.master").startsWith("local") ? "executors" : "driver"));
    if (!read.equals("executors") && !read.equals("driver")) {
      throw new IllegalArgumentException("read must be executors or driver, got '" + read + "'");
    }
    return read;
  }

  /**
   * {@code options} with keyed blocking, which is what this engine distributes.
   *
   * @throws IllegalArgumentException for other blocking, or extracts without blocking keys
   */
  static Linker.Options keyedOnly(List<Party> parties, Linker.Options options) {
    if (options.blocking() != Linker.Blocking.AUTO && options.blocking() != Linker.Blocking.KEYS) {
      throw new IllegalArgumentException(
          "--engine spark distributes keyed blocking only: use --blocking keys (or auto), not "
              + options.blocking().name().toLowerCase(java.util.Locale.ROOT).replace('_', '+'));
    }
    for (Party p : parties) {
      if (p.header().blockingKeys().isEmpty()) {
        throw new IllegalArgumentException(
            "--engine spark blocks by keyed blocking keys, and extract "
                + p.name()
                + " has none; encode it with a schema that has blocking keys");
      }
    }
    return options.withBlocking(Linker.Blocking.KEYS);
  }

  /** Whether the master runs its executor inside the driver's JVM: local, local[N]. */
  static boolean inProcess(String master) {
    return master.equals("local") || master.startsWith("local[");
  }

  /**
   * When an executor could not read an extract somewhere inside {@code e} (a job Spark failed for
   * it), that failure as an I/O error with its own message: the file and what went wrong, where
   * Spark's message would bury it in a task's stack. Null otherwise.
   */
  static UncheckedIOException readFailure(Throwable e) {
    for (Throwable t = e; t != null; t = t.getCause()) {
      if (t instanceof ExtractsOnExecutors.ReadFailure) {
        return new UncheckedIOException(t.getMessage(), new IOException(t.getMessage(), t));
      }
    }
    return null;
  }

  /**
   * Returns once a cluster's first executor has registered with the driver. An executor that dies
   * as it starts leaves Spark's jobs waiting with a warning every 15 s (for 11 minutes, when
   * Hadoop's client of Spark 4.1.1 met JDK 25): the run says what to look at instead.
   *
   * @throws IllegalArgumentException when none registered within {@code waitMillis}, or the cluster
   *     ended the application first
   */
  static void awaitExecutor(
      JavaSparkContext spark, String master, long waitMillis, Consumer<String> progress) {
    progress.accept("waiting for the first executor of " + master);
    long until = System.nanoTime() + waitMillis * 1_000_000;
    String check =
        "see the workers' logs: an executor that dies as it starts (a JDK the cluster's Spark or"
            + " Hadoop client does not run on, a worker with less memory than"
            + " spark.executor.memory, the executors' class path)";
    while (spark.sc().getExecutorIds().isEmpty()) {
      if (spark.sc().isStopped()) {
        throw new IllegalArgumentException(
            "the cluster at " + master + " ended this run before any executor started; " + check);
      }
      if (System.nanoTime() > until) {
        throw new IllegalArgumentException(
            String.format(
                Locale.ROOT,
                "no executor of the cluster at %s started within %d s (%s sets the wait); %s",
                master,
                waitMillis / 1000,
                EXECUTOR_WAIT,
                check));
      }
      try {
        Thread.sleep(100);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException("interrupted while waiting for Spark's executors", e);
      }
    }
  }

  /**
   * The jar files the classes were loaded from, each once; a class loaded from a folder (a build's
   * classes) has none, and executors must then find it on their own class path
   * (spark.executor.extraClassPath).
   */
  static List<String> jarsOf(Class<?>... classes) {
    List<String> jars = new ArrayList<>();
    for (Class<?> c : classes) {
      CodeSource source = c.getProtectionDomain().getCodeSource();
      if (source == null) {
        continue;
      }
      try {
        Path p = Path.of(source.getLocation().toURI());
        if (Files.isRegularFile(p) && !jars.contains(p.toString())) {
          jars.add(p.toString());
        }
      } catch (URISyntaxException | IllegalArgumentException e) {
        // not a file: nothing to ship
      }
    }
    return jars;
  }

  private static int partitions(String value) {
    try {
      int n = Integer.parseInt(value);
      if (n >= 1) {
        return n;
      }
    } catch (NumberFormatException e) {
      // said below
    }
    throw new IllegalArgumentException("partitions must be a whole number of at least 1");
  }

  /** Removes Spark's local folder: it held shuffle files of encodings, never a raw value. */
  private static void delete(Path dir) {
    try (Stream<Path> files = Files.walk(dir)) {
      for (Path p : files.sorted(Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(p);
      }
    } catch (IOException e) {
      throw new UncheckedIOException("could not remove Spark's local folder " + dir, e);
    }
  }
}
