package org.pprl.spark;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.pprl.cli.Pprl;
import picocli.CommandLine;

/** {@code pprl link --engine spark} with this module on the class path, against the local run. */
class LinkCommandSparkTest {
  @TempDir static Path dir;
  static List<String> extracts = new ArrayList<>();

  /** Runs the command line; returns its exit status, with standard error in {@code err}. */
  private static int pprl(StringWriter err, String... args) {
    return pprl(new StringWriter(), err, args);
  }

  /** As {@link #pprl(StringWriter, String...)}, with standard output in {@code out}. */
  private static int pprl(StringWriter out, StringWriter err, String... args) {
    CommandLine cli = Pprl.commandLine();
    cli.setOut(new PrintWriter(out, true));
    cli.setErr(new PrintWriter(err, true));
    return cli.execute(args);
  }

  @BeforeAll
  static void encodeTwoAgencies() throws Exception {
    StringWriter err = new StringWriter();
    Path city = dir.resolve("city");
    assertEquals(
        0,
        pprl(err, "generate", "--out", city.toString(), "--population", "3000", "--seed", "9"),
        err.toString());
    Path secret = Files.writeString(dir.resolve("secret"), "spark cli test secret");
    String schema =
        Paths.get(System.getProperty("pprl.examples", "../examples"), "agency-schema.json")
            .toString();
    for (String[] a :
        new String[][] {{"public_assistance", "MM/dd/yyyy"}, {"homeless_services", "yyyy-MM-dd"}}) {
      Path out = dir.resolve(a[0] + ".pprl");
      int exit =
          pprl(
              err,
              "encode",
              "--schema",
              schema,
              "--secret-file",
              secret.toString(),
              "--input",
              city.resolve(a[0] + ".csv").toString(),
              "--output",
              out.toString(),
              "--date-format",
              a[1]);
      assertEquals(0, exit, err.toString());
      extracts.add(out.toString());
    }
  }

  private static List<String> link(String name, String... more) {
    List<String> args = new ArrayList<>(List.of("link"));
    args.addAll(extracts);
    args.addAll(
        List.of(
            "--pairs",
            dir.resolve(name + "-pairs.csv").toString(),
            "--clusters",
            dir.resolve(name + "-clusters.csv").toString(),
            "--blocking",
            "keys"));
    args.addAll(List.of(more));
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    assertEquals(0, pprl(out, err, args.toArray(String[]::new)), err.toString());
    return List.of(err.toString(), out.toString());
  }

  /** The report's lines counting each pair of extracts' candidates. */
  private static List<String> candidateCounts(String report) {
    return report.lines().filter(l -> l.contains(" candidate pairs from ")).toList();
  }

  @Test
  void linkEngineSpark_writesThePairsAndClustersOfTheLocalRun() throws Exception {
    link("local");
    String progress = link("spark", "--engine", "spark", "--master", "local[2]").get(0);

    assertTrue(progress.contains("starting Spark (local[2])"), progress);
    List<String> pairs = Files.readAllLines(dir.resolve("local-pairs.csv"));
    assertTrue(pairs.size() > 100, "pairs: " + pairs.size());
    assertEquals(pairs, Files.readAllLines(dir.resolve("spark-pairs.csv")));
    assertEquals(
        Files.readAllLines(dir.resolve("local-clusters.csv")),
        Files.readAllLines(dir.resolve("spark-clusters.csv")));
  }

  @Test
  void linkEngineSpark_nearest_keepsTheCandidatesAndPairsOfTheLocalRun() throws Exception {
    List<String> byDefault = candidateCounts(link("nearest-default").get(1));
    List<String> local = candidateCounts(link("nearest-local", "--nearest", "1").get(1));
    List<String> spark =
        candidateCounts(
            link("nearest-spark", "--nearest", "1", "--engine", "spark", "--master", "local[2]")
                .get(1));

    // One nearest a record keeps fewer candidates than the default ten: the option reached both.
    assertEquals(3, local.size(), local.toString());
    assertEquals(local, spark);
    assertNotEquals(byDefault, local);
    assertEquals(
        Files.readAllLines(dir.resolve("nearest-local-pairs.csv")),
        Files.readAllLines(dir.resolve("nearest-spark-pairs.csv")));
    assertEquals(
        Files.readAllLines(dir.resolve("nearest-local-clusters.csv")),
        Files.readAllLines(dir.resolve("nearest-spark-clusters.csv")));
  }
}
