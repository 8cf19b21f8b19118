package org.pprl.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LinkCommandTest {
  @TempDir static Path dir;
  static Path pa;
  static Path hs;

  @BeforeAll
  static void encodeTwoAgencies() throws Exception {
    Path city = dir.resolve("city");
    assertEquals(
        0,
        CliRun.of("generate", "--out", city.toString(), "--population", "3000", "--seed", "3")
            .exit());
    Path secret = Files.writeString(dir.resolve("secret"), "link test secret");
    String schema =
        Paths.get(System.getProperty("pprl.examples", "../examples"), "agency-schema.json")
            .toString();
    pa = dir.resolve("pa.pprl");
    hs = dir.resolve("hs.pprl");
    for (String[] a :
        new String[][] {
          {"public_assistance", "MM/dd/yyyy", pa.toString()},
          {"homeless_services", "yyyy-MM-dd", hs.toString()}
        }) {
      CliRun run =
          CliRun.of(
              "encode",
              "--schema",
              schema,
              "--secret-file",
              secret.toString(),
              "--input",
              city.resolve(a[0] + ".csv").toString(),
              "--output",
              a[2],
              "--date-format",
              a[1]);
      assertEquals(0, run.exit(), run.err());
    }
  }

  @Test
  void link_twoExtracts_writesPairsAndClustersAndReportsBlocking() throws Exception {
    Path pairs = dir.resolve("pairs.csv");
    Path clusters = dir.resolve("clusters.csv");

    CliRun run =
        CliRun.of(
            "link",
            pa.toString(),
            hs.toString(),
            "--pairs",
            pairs.toString(),
            "--clusters",
            clusters.toString(),
            "--truth",
            dir.resolve("city/truth.csv").toString());

    assertEquals(0, run.exit(), run.err());
    List<String> lines = Files.readAllLines(pairs);
    assertEquals("extract_a,id_a,extract_b,id_b,score", lines.get(0));
    assertTrue(lines.size() > 10, "only " + lines.size() + " lines");
    assertTrue(lines.get(1).startsWith("public_assistance,PA-"), lines.get(1));
    assertEquals("entity,extract,id", Files.readAllLines(clusters).get(0));
    assertTrue(run.out().contains("pairs completeness"), run.out());
  }

  @Test
  void link_oneToOne_pairsNothingInsideAnExtractAndEachRecordOnce() throws Exception {
    Path byDefault = dir.resolve("default.csv");
    Path oneToOne = dir.resolve("one-to-one.csv");
    assertEquals(
        0, CliRun.of("link", pa.toString(), hs.toString(), "--pairs", byDefault.toString()).exit());

    CliRun run =
        CliRun.of(
            "link", pa.toString(), hs.toString(), "--pairs", oneToOne.toString(), "--one-to-one");

    assertEquals(0, run.exit(), run.err());
    // By default the duplicates inside an extract are pairs of the file too.
    assertTrue(
        Files.readAllLines(byDefault).stream()
            .skip(1)
            .map(l -> l.split(","))
            .anyMatch(f -> f[0].equals(f[2])),
        "no pair inside an extract by default");
    java.util.Set<String> seen = new java.util.HashSet<>();
    for (String line :
        Files.readAllLines(oneToOne).subList(1, Files.readAllLines(oneToOne).size())) {
      String[] f = line.split(",");
      assertFalse(f[0].equals(f[2]), "a pair inside an extract: " + line);
      assertTrue(seen.add(f[0] + "/" + f[1]) && seen.add(f[2] + "/" + f[3]), "twice: " + line);
    }
    assertTrue(seen.size() > 10, "only " + seen.size() + " records linked");
  }

  @Test
  void link_knownLinks_areCountedInTheModel() throws Exception {
    Path pairs = dir.resolve("first.csv");
    assertEquals(
        0, CliRun.of("link", pa.toString(), hs.toString(), "--pairs", pairs.toString()).exit());
    List<String> lines = Files.readAllLines(pairs);
    List<String> across = new ArrayList<>(List.of(lines.get(0)));
    for (String line : lines.subList(1, lines.size())) {
      String[] f = line.split(",");
      if (!f[0].equals(f[2]) && across.size() < 6) {
        across.add(line);
      }
    }
    Path known = Files.write(dir.resolve("known.csv"), across);

    CliRun run =
        CliRun.of(
            "link",
            pa.toString(),
            hs.toString(),
            "--pairs",
            dir.resolve("second.csv").toString(),
            "--known-links",
            known.toString());

    assertEquals(0, run.exit(), run.err());
    assertTrue(run.out().contains("5 known links across extracts inform m"), run.out());
  }

  @Test
  void link_knownLinkWithUnknownId_isRefusedWithoutTheId() throws Exception {
    Path known =
        Files.writeString(
            dir.resolve("bad-known.csv"),
            "extract_a,id_a,extract_b,id_b\npublic_assistance,PA-NOPE,homeless_services,HS-X\n");
    Path pairs = dir.resolve("never.csv");

    CliRun run =
        CliRun.of(
            "link",
            pa.toString(),
            hs.toString(),
            "--pairs",
            pairs.toString(),
            "--known-links",
            known.toString());

    assertEquals(2, run.exit());
    assertTrue(run.err().contains("line 2 names an extract or record id"), run.err());
    assertFalse(run.err().contains("PA-NOPE"), run.err());
    assertFalse(Files.exists(pairs));
  }

  @Test
  void link_badBlockingMode_isRefused() {
    CliRun run =
        CliRun.of(
            "link",
            pa.toString(),
            hs.toString(),
            "--pairs",
            dir.resolve("x.csv").toString(),
            "--blocking",
            "magic");
    assertEquals(2, run.exit());
    assertTrue(
        run.err().contains("--blocking must be auto, none, keys, lsh or keys+lsh"), run.err());
  }

  @Test
  void link_methodDice_linksPairsAtTheThresholdScoredByDice() throws Exception {
    Path pairs = dir.resolve("dice.csv");

    CliRun run =
        CliRun.of(
            "link",
            pa.toString(),
            hs.toString(),
            "--pairs",
            pairs.toString(),
            "--method",
            "dice",
            "--threshold",
            "0.9",
            "--blocking",
            "none");

    assertEquals(0, run.exit(), run.err());
    List<String> lines = Files.readAllLines(pairs);
    assertTrue(lines.size() > 10, "only " + lines.size() + " lines");
    for (String line : lines.subList(1, lines.size())) {
      double score = Double.parseDouble(line.substring(line.lastIndexOf(',') + 1));
      assertTrue(score >= 0.9 && score <= 1, line);
    }
    assertTrue(run.out().contains("pairs reach Dice 0.9 among all pairs"), run.out());
    assertFalse(run.out().contains("Fellegi-Sunter"), run.out());
  }

  @Test
  void link_methodOptions_thatDoNotGoTogether_areRefused() {
    String out = dir.resolve("y.csv").toString();
    String[][] cases = {
      {"--threshold", "0.8"},
      {"--method", "dice", "--min-posterior", "0.5"},
      {"--method", "dice", "--threshold", "1.5"},
      {"--method", "magic"}
    };
    String[] reasons = {
      "--threshold is for --method dice",
      "--min-posterior and --known-links are for --method fellegi-sunter",
      "--threshold must be in (0, 1], got 1.5",
      "--method must be fellegi-sunter or dice, got 'magic'"
    };
    for (int c = 0; c < cases.length; c++) {
      List<String> args = new java.util.ArrayList<>(List.of("link", pa.toString(), "--pairs", out));
      args.addAll(List.of(cases[c]));
      CliRun run = CliRun.of(args.toArray(new String[0]));
      assertEquals(2, run.exit(), String.join(" ", cases[c]));
      assertTrue(run.err().contains(reasons[c]), run.err());
    }
    assertFalse(Files.exists(dir.resolve("y.csv")));
  }

  @Test
  void link_corruptExtract_isOneLineAndNoOutput() throws Exception {
    byte[] bytes = Files.readAllBytes(hs);
    Path broken =
        Files.write(dir.resolve("broken.pprl"), java.util.Arrays.copyOf(bytes, bytes.length / 2));
    Path pairs = dir.resolve("none.csv");

    CliRun run = CliRun.of("link", pa.toString(), broken.toString(), "--pairs", pairs.toString());

    assertEquals(2, run.exit());
    assertEquals(
        1, run.err().strip().lines().filter(l -> !l.startsWith("pprl link: [")).count(), run.err());
    assertTrue(run.err().contains("TRUNCATED"), run.err());
    assertFalse(Files.exists(pairs));
  }
}
