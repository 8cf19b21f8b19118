package org.pprl.spark;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.pprl.core.encode.CsvEncoding;
import org.pprl.core.encode.RecordEncoder;
import org.pprl.core.link.Linker;
import org.pprl.core.link.Party;
import org.pprl.core.schema.EngineSchema;
import org.pprl.fixtures.Agency;
import org.pprl.fixtures.CityGenerator;
import org.pprl.fixtures.Corruption;
import org.pprl.fixtures.ProgressListener;

/** The Spark engine in local mode against the single-machine linker on one generated city. */
class SparkEngineTest {
  @TempDir static Path dir;
  static List<Party> parties;

  static final List<Agency> AGENCIES =
      List.of(Agency.PUBLIC_ASSISTANCE, Agency.HOMELESS_SERVICES, Agency.HOUSING);

  /** Spark's local folders under java.io.tmpdir before these tests. */
  static Set<String> localFolders;

  private static Set<String> localFolders() throws IOException {
    try (Stream<Path> files = Files.list(Paths.get(System.getProperty("java.io.tmpdir")))) {
      return files
          .map(p -> p.getFileName().toString())
          .filter(n -> n.startsWith("pprl-spark-"))
          .collect(Collectors.toSet());
    }
  }

  @AfterAll
  static void link_severalRunsInOneJvm_leaveNoLocalFolderBehind() throws IOException {
    assertEquals(localFolders, localFolders());
  }

  @BeforeAll
  static void encodeCity() throws Exception {
    localFolders = localFolders();
    parties = city(dir);
  }

  /** The generated city's three agencies encoded into {@code dir}, loaded as parties. */
  static List<Party> city(Path dir) throws Exception {
    Path csv = dir.resolve("city");
    CityGenerator.builder()
        .seed(23)
        .population(4000)
        .corruption(Corruption.DEFAULT)
        .agencies(AGENCIES)
        .build()
        .writeTo(csv, ProgressListener.NONE);
    Path schema =
        Paths.get(System.getProperty("pprl.examples", "../examples"), "agency-schema.json");
    byte[] secret = "spark test secret".getBytes(StandardCharsets.UTF_8);
    List<Party> out = new ArrayList<>();
    for (Agency agency : AGENCIES) {
      EngineSchema s = EngineSchema.parse(Files.readAllBytes(schema), agency.datePattern());
      Path extract = dir.resolve(agency.id() + ".pprl");
      CsvEncoding.encode(
          new RecordEncoder(s, secret), csv.resolve(agency.fileName()), extract, agency.id(), null);
      out.add(Party.load(extract, agency.id()));
    }
    return out;
  }

  static Linker.Options options() {
    return Linker.Options.defaults().withThreads(2).withBlocking(Linker.Blocking.KEYS);
  }

  private static Linker.Result onSpark(List<Party> linked, Linker.Options options) {
    return onSpark(linked, options, new ArrayList<>());
  }

  private static Linker.Result onSpark(
      List<Party> linked, Linker.Options options, List<String> progress) {
    return onSpark(linked, options, progress, "executors");
  }

  /** {@code read}: who reads the records, the executors (from the files) or the driver. */
  private static Linker.Result onSpark(
      List<Party> linked, Linker.Options options, List<String> progress, String read) {
    return onMaster("local[2]", linked, options, progress, read);
  }

  /** The engine on {@code master}, with three partitions a shuffle. */
  static Linker.Result onMaster(
      String master,
      List<Party> linked,
      Linker.Options options,
      List<String> progress,
      String read) {
    return new SparkEngine()
        .link(
            linked,
            List.of(),
            options,
            Map.of("master", master, "partitions", "3", "read", read),
            progress::add);
  }

  static void assertSame(Linker.Result expected, Linker.Result found) {
    assertEquals(expected.candidates().size(), found.candidates().size());
    for (int c = 0; c < expected.candidates().size(); c++) {
      assertArrayEquals(
          expected.candidates().get(c).pairs(),
          found.candidates().get(c).pairs(),
          "candidates of set " + c);
    }
    assertEquals(expected.comparisons(), found.comparisons());
    assertEquals(expected.cuts(), found.cuts());
    assertEquals(expected.links(), found.links());
    assertArrayEquals(expected.clusters().clusterOf(), found.clusters().clusterOf());
    // The model's lines (fields, patterns, weights, counts); the last gives the run's time.
    assertEquals(
        expected.report().subList(0, expected.report().size() - 1),
        found.report().subList(0, found.report().size() - 1));
  }

  @Test
  void link_threeExtractsFellegiSunter_equalsTheLinker() {
    Linker.Result expected = new Linker(options(), s -> {}).link(parties);

    List<String> progress = new ArrayList<>();
    Linker.Result found = onSpark(parties, options(), progress);

    assertFalse(expected.links().isEmpty());
    assertSame(expected, found);
    String tally = progress.get(progress.size() - 2);
    assertTrue(
        tally.matches(
            "Spark: [0-9,]+ tasks in the driver's JVM shuffled [0-9,]+\\.\\d MB in [1-9].*"),
        tally);
    String last = progress.get(progress.size() - 1);
    assertTrue(
        last.matches(
            "Spark: the largest partition of blocks gathered [1-9][0-9,]* records under their"
                + " blocks \\([0-9,]+\\.\\d MB of filters\\), outside Spark's execution memory"),
        last);
  }

  @Test
  void link_recordsSentByTheDriver_equalsTheLinker() {
    Linker.Result expected = new Linker(options(), s -> {}).link(parties);

    Linker.Result found = onSpark(parties, options(), new ArrayList<>(), "driver");

    assertSame(expected, found);
  }

  @Test
  void link_filtersReleased_equalsTheLinkerWithNoFilterLeftOnTheDriver() throws IOException {
    Linker.Result expected = new Linker(options(), s -> {}).link(parties);
    List<Party> fresh = new ArrayList<>();
    for (Party p : parties) {
      fresh.add(Party.load(p.source().orElseThrow(), p.name()));
    }
    // Records the driver sends: it needs its filters, and keeps them.
    Map<String, String> driver =
        Map.of("master", "local[2]", "partitions", "3", "read", "driver", "release", "filters");
    assertSame(expected, new SparkEngine().link(fresh, List.of(), options(), driver, s -> {}));
    assertFalse(fresh.get(0).filtersReleased());

    List<String> progress = new ArrayList<>();
    Map<String, String> executors =
        Map.of("master", "local[2]", "partitions", "3", "release", "filters");
    Linker.Result found =
        new SparkEngine().link(fresh, List.of(), options(), executors, progress::add);

    assertSame(expected, found);
    assertTrue(
        progress.contains("the executors read the CLKs and field filters: the driver holds none"),
        progress.toString());
    for (Party p : fresh) {
      IllegalStateException e = assertThrows(IllegalStateException.class, p::clks);
      assertEquals(
          "extract "
              + p.name()
              + "'s CLKs and field filters were let go after its records went to the executors;"
              + " load it again to link it here",
          e.getMessage());
    }
  }

  @Test
  void load_withReleaseOnExecutors_readsNoFilterAndLinksAsTheLinker() throws IOException {
    Linker.Result expected = new Linker(options(), s -> {}).link(parties);
    Map<String, String> executors =
        Map.of("master", "local[2]", "partitions", "3", "release", "filters");
    Map<String, String> driver =
        Map.of("master", "local[2]", "partitions", "3", "read", "driver", "release", "filters");
    SparkEngine engine = new SparkEngine();
    List<Party> light = new ArrayList<>();
    for (Party p : parties) {
      Party kept = engine.load(p.source().orElseThrow(), p.name(), options(), driver, s -> {});
      assertFalse(kept.filtersReleased(), "the driver sends the records: it keeps them");
      Party read = engine.load(p.source().orElseThrow(), p.name(), options(), executors, s -> {});
      assertTrue(read.filtersReleased());
      light.add(read);
    }
    Party dice =
        engine.load(
            parties.get(0).source().orElseThrow(),
            "pa",
            options().withDiceThreshold(0.8),
            executors,
            s -> {});
    assertFalse(dice.filtersReleased(), "Dice reads the CLKs on the driver");

    assertSame(expected, engine.link(light, List.of(), options(), executors, s -> {}));

    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class,
            () -> engine.link(light, List.of(), options(), driver, s -> {}));
    assertEquals(
        "extract "
            + light.get(0).name()
            + " was read without its CLKs and field filters, and this run reads them on the"
            + " driver (read=driver); read it whole (Party.load)",
        e.getMessage());
  }

  /**
   * Public assistance's extract of the city {@link #city} wrote into {@code cityDir}, encoded into
   * {@code other} as pa.pprl and read, then replaced by the same records encoded with another
   * secret: the same count and header shape, other CLKs.
   */
  static Party readThenReplaced(Path cityDir, Path other) throws Exception {
    Path csv = cityDir.resolve("city").resolve(Agency.PUBLIC_ASSISTANCE.fileName());
    Path schema =
        Paths.get(System.getProperty("pprl.examples", "../examples"), "agency-schema.json");
    EngineSchema s =
        EngineSchema.parse(Files.readAllBytes(schema), Agency.PUBLIC_ASSISTANCE.datePattern());
    Path first = other.resolve("pa.pprl");
    Path second = other.resolve("pa-other-secret.pprl");
    String id = Agency.PUBLIC_ASSISTANCE.id();
    CsvEncoding.encode(
        new RecordEncoder(s, "one".getBytes(StandardCharsets.UTF_8)), csv, first, id, null);
    CsvEncoding.encode(
        new RecordEncoder(s, "two".getBytes(StandardCharsets.UTF_8)), csv, second, id, null);
    Party read = Party.load(first, id);
    Files.copy(second, first, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
    return read;
  }

  @Test
  void link_extractReplacedAfterTheDriverReadIt_failsNamingIt(@TempDir Path other)
      throws Exception {
    Party read = readThenReplaced(dir, other);

    UncheckedIOException e =
        assertThrows(
            UncheckedIOException.class, () -> onSpark(List.of(read), options(), new ArrayList<>()));

    assertEquals(
        "extract pa.pprl changed since the driver read it (its records); run the link again",
        e.getMessage());
  }

  @Test
  void link_whileStagesRun_writesTheirTasksCountedAndNothingElse() {
    // Lines come from the timer's thread as well as the linker's.
    List<String> progress = Collections.synchronizedList(new ArrayList<>());
    onSpark(parties, options().withProgressMillis(10), progress);

    List<String> stageLines =
        progress.stream().filter(line -> line.startsWith("Spark: stage")).toList();
    assertFalse(stageLines.isEmpty(), String.join("\n", progress));
    String stage = "stage \\d+ [0-9,]+ of [0-9,]+ tasks done, [0-9,]+ running";
    for (String line : stageLines) {
      assertTrue(
          line.matches("Spark: " + stage + "(; " + stage + ")*; \\d+\\.\\d s since Spark started"),
          line);
    }
    // None after the engine stopped Spark: its last lines are the tally and the largest partition.
    assertTrue(progress.get(progress.size() - 2).contains(" shuffled "));
    assertTrue(progress.get(progress.size() - 1).contains("largest partition of blocks"));
  }

  @Test
  void link_diceOneToOne_equalsTheLinker() {
    Linker.Options options = options().withDiceThreshold(0.8).withOneToOne(true);
    List<Party> two = parties.subList(0, 2);
    Linker.Result expected = new Linker(options, s -> {}).link(two);

    Linker.Result found = onSpark(two, options);

    assertFalse(expected.links().isEmpty());
    assertSame(expected, found);
  }

  @Test
  void link_lshBlocking_isRefusedNamingIt() {
    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class,
            () -> onSpark(parties, options().withBlocking(Linker.Blocking.LSH)));
    assertTrue(e.getMessage().contains("keyed blocking only"), e.getMessage());
  }

  @Test
  void link_unknownSetting_isRefused() {
    assertThrows(
        IllegalArgumentException.class,
        () ->
            new SparkEngine()
                .link(parties, List.of(), options(), Map.of("executors", "2"), s -> {}));
  }
}
