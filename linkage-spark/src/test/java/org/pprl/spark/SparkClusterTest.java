package org.pprl.spark;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.pprl.core.link.Linker;
import org.pprl.core.link.Party;

/**
 * The Spark engine on a cluster: Spark's {@code local-cluster} master runs a standalone master and
 * two workers, and each worker starts its executor in a JVM of its own, as on machines of their
 * own. What a task needs must travel between processes (closures, records, best lists, the sorted
 * pairs), and nothing can be shared through the driver's memory.
 */
class SparkClusterTest {
  @TempDir static Path dir;
  static List<Party> parties;

  /** Two workers of one core and 1,024 MB each. */
  static final String MASTER = "local-cluster[2,1,1024]";

  @BeforeAll
  static void encodeCityAndSparkHome() throws Exception {
    parties = SparkEngineTest.city(dir);
    // The workers' launcher wants SPARK_HOME/jars (set by the build); the executors' class path
    // is this JVM's instead.
    Files.createDirectories(Path.of(System.getenv("SPARK_HOME"), "jars"));
    System.setProperty("spark.executor.extraClassPath", System.getProperty("java.class.path"));
  }

  @AfterAll
  static void forgetClassPath() {
    System.clearProperty("spark.executor.extraClassPath");
  }

  private static Linker.Result onCluster(String read, List<String> progress) {
    return onCluster(parties, read, progress);
  }

  private static Linker.Result onCluster(List<Party> linked, String read, List<String> progress) {
    return SparkEngineTest.onMaster(MASTER, linked, SparkEngineTest.options(), progress, read);
  }

  /** The tally's line, which names where the tasks ran. */
  private static String tally(List<String> progress) {
    return progress.stream().filter(l -> l.contains(" shuffled ")).findFirst().orElseThrow();
  }

  @Test
  void link_executorsReadTheExtracts_equalsTheLinker() {
    Linker.Result expected = new Linker(SparkEngineTest.options(), s -> {}).link(parties);

    List<String> progress = new ArrayList<>();
    Linker.Result found = onCluster("executors", progress);

    assertFalse(expected.links().isEmpty());
    SparkEngineTest.assertSame(expected, found);
    assertTrue(
        tally(progress).startsWith("Spark: ")
            && tally(progress).contains(" tasks on 2 executors shuffled "),
        tally(progress));
  }

  @Test
  void link_driverSendsTheRecords_equalsTheLinker() {
    Linker.Result expected = new Linker(SparkEngineTest.options(), s -> {}).link(parties);

    List<String> progress = new ArrayList<>();
    Linker.Result found = onCluster("driver", progress);

    SparkEngineTest.assertSame(expected, found);
    assertTrue(tally(progress).contains(" tasks on 2 executors shuffled "), tally(progress));
  }

  @Test
  void link_executorsThatCannotStart_failNamingTheClusterAndWhatToCheck() {
    // Each executor's JVM refuses to start (a stack too small), as one on a JDK it cannot run on.
    System.setProperty("spark.executor.extraJavaOptions", "-Xss1k");
    System.setProperty(SparkEngine.EXECUTOR_WAIT, "10");
    try {
      IllegalArgumentException e =
          assertThrows(
              IllegalArgumentException.class, () -> onCluster("executors", new ArrayList<>()));

      String m = e.getMessage();
      assertTrue(
          m.startsWith("the cluster at " + MASTER + " ended this run before any executor started")
              || m.startsWith("no executor of the cluster at " + MASTER + " started within 10 s"),
          m);
      assertTrue(m.contains("see the workers' logs"), m);
    } finally {
      System.clearProperty("spark.executor.extraJavaOptions");
      System.clearProperty(SparkEngine.EXECUTOR_WAIT);
    }
  }

  @Test
  void link_extractReplacedAfterTheDriverReadIt_failsNamingItAcrossJvms(@TempDir Path other)
      throws Exception {
    Party read = SparkEngineTest.readThenReplaced(dir, other);

    UncheckedIOException e =
        assertThrows(
            UncheckedIOException.class,
            () -> onCluster(List.of(read), "executors", new ArrayList<>()));

    assertEquals(
        "extract pa.pprl changed since the driver read it (its records); run the link again",
        e.getMessage());
  }

  @Test
  void link_extractTheExecutorsCannotSee_failsNamingItAndTheSetting(@TempDir Path other)
      throws Exception {
    Path copy = Files.copy(parties.get(0).source().orElseThrow(), other.resolve("pa.pprl"));
    Party read = Party.load(copy, parties.get(0).name());
    Files.delete(copy); // as on an executor whose machine does not have the file

    UncheckedIOException e =
        assertThrows(
            UncheckedIOException.class,
            () -> onCluster(List.of(read), "executors", new ArrayList<>()));

    assertTrue(
        e.getMessage().startsWith("extract pa.pprl could not be read on an executor (")
            && e.getMessage()
                .endsWith(
                    "); with spark.pprl.read=executors every executor must see the extracts at"
                        + " the driver's paths"),
        e.getMessage());
  }
}
