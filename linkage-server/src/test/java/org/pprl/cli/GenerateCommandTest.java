package org.pprl.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

class GenerateCommandTest {

  /** Exit code, stdout and stderr of one in-process run. */
  record Run(int exit, String out, String err) {}

  private static Run run(String... args) {
    CommandLine cmd = Pprl.commandLine();
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    cmd.setOut(new PrintWriter(out));
    cmd.setErr(new PrintWriter(err));
    int exit = cmd.execute(args);
    return new Run(exit, out.toString(), err.toString());
  }

  private static Set<String> files(Path dir) throws IOException {
    try (Stream<Path> s = Files.list(dir)) {
      return s.map(p -> p.getFileName().toString()).collect(Collectors.toSet());
    }
  }

  @Test
  void generate_defaults_writesAllFilesAndOneParagraphSummary(@TempDir Path tmp)
      throws IOException {
    Path dir = tmp.resolve("city");
    Run r = run("generate", "--out", dir.toString(), "--population", "2000");
    assertEquals(0, r.exit(), r.err());
    assertEquals(
        Set.of(
            "public_assistance.csv",
            "homeless_services.csv",
            "childrens_services.csv",
            "education.csv",
            "housing.csv",
            "truth.csv",
            "city.json"),
        files(dir));
    assertEquals(1, r.out().strip().lines().count(), "one paragraph: " + r.out());
    assertTrue(r.out().startsWith("Wrote a city of 2,000 persons (seed 1, corruption default)"));
    assertTrue(r.out().contains("public_assistance & homeless_services"), r.out());
    assertEquals("", r.err(), "no progress for small populations");
    String json = Files.readString(dir.resolve("city.json"));
    assertTrue(json.contains("\"seed\": 1,") && json.contains("\"population\": 2000,"), json);
  }

  @Test
  void generate_sameOptionsTwice_writesTheSameBytes(@TempDir Path tmp) throws IOException {
    String[] opts = {"--seed", "5", "--population", "800", "--corruption", "heavy"};
    assertEquals(0, run(concat("generate", "--out", tmp.resolve("a").toString(), opts)).exit());
    assertEquals(0, run(concat("generate", "--out", tmp.resolve("b").toString(), opts)).exit());
    for (String f : files(tmp.resolve("a"))) {
      assertArrayEquals(
          Files.readAllBytes(tmp.resolve("a").resolve(f)),
          Files.readAllBytes(tmp.resolve("b").resolve(f)),
          f);
    }
    assertTrue(Files.readString(tmp.resolve("a/city.json")).contains("\"name\": \"heavy\""));
  }

  private static String[] concat(String a, String b, String c, String[] rest) {
    return Stream.concat(Stream.of(a, b, c), Stream.of(rest)).toArray(String[]::new);
  }

  @Test
  void generate_agencySubset_writesOnlyThoseExtracts(@TempDir Path tmp) throws IOException {
    Run r =
        run(
            "generate",
            "--out",
            tmp.toString(),
            "--population",
            "1000",
            "--agencies",
            "education,housing");
    assertEquals(0, r.exit(), r.err());
    assertEquals(Set.of("education.csv", "housing.csv", "truth.csv", "city.json"), files(tmp));
    List<String> truth = Files.readAllLines(tmp.resolve("truth.csv"));
    assertTrue(
        truth.stream()
            .skip(1)
            .allMatch(l -> l.startsWith("education,") || l.startsWith("housing,")));
  }

  @Test
  void generate_badCorruption_exits2WithOneLine(@TempDir Path tmp) throws IOException {
    Run r = run("generate", "--out", tmp.toString(), "--corruption", "extreme");
    assertEquals(2, r.exit());
    assertEquals(
        "pprl generate: unknown corruption 'extreme', expected one of: none, default, heavy, severe",
        r.err().strip());
    assertEquals(Set.of(), files(tmp));
  }

  @Test
  void generate_unknownAgency_exits2NamingTheValidOnes(@TempDir Path tmp) {
    Run r = run("generate", "--out", tmp.toString(), "--agencies", "education,police");
    assertEquals(2, r.exit());
    assertEquals(1, r.err().strip().lines().count(), r.err());
    assertTrue(r.err().contains("unknown agency 'police', expected one of: public_assistance"));
  }

  @Test
  void generate_populationNotPositive_exits2(@TempDir Path tmp) {
    for (String p : List.of("0", "-5")) {
      Run r = run("generate", "--out", tmp.toString(), "--population", p);
      assertEquals(2, r.exit(), p);
      assertEquals(
          "pprl generate: population must be in [1, 500000000], was " + p, r.err().strip());
    }
  }

  @Test
  void generate_outIsAFile_exits2AndLeavesItAlone(@TempDir Path tmp) throws IOException {
    Path file = Files.writeString(tmp.resolve("taken"), "keep me");
    Run r = run("generate", "--out", file.toString());
    assertEquals(2, r.exit());
    assertEquals("pprl generate: --out is a file, expected a directory: " + file, r.err().strip());
    assertEquals("keep me", Files.readString(file));
  }

  @Test
  void generate_missingOut_isAUsageError() {
    Run r = run("generate");
    assertEquals(2, r.exit());
    assertTrue(r.err().contains("--out"), r.err());
  }

  @Test
  void generate_help_describesTheOptions() {
    Run r = run("generate", "--help");
    assertEquals(0, r.exit());
    for (String opt : List.of("--out", "--seed", "--population", "--corruption", "--agencies")) {
      assertTrue(r.out().contains(opt), opt);
    }
    // Every '%' of a description is written '%%'; one left single made picocli print the text
    // raw, with "41%%", and warn three times.
    String text = r.out().replaceAll("\\s+", " ");
    assertTrue(text.contains("(about 41% of records"), r.out());
    assertTrue(text.contains("\"40% corrupted\""), r.out());
    assertFalse(text.contains("%%"), r.out());
  }
}
