package org.pprl.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
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

  /** Links the two extracts into this pairs file, with the options {@code more}. */
  private static CliRun linkBoth(Path pairs, String... more) {
    List<String> args = new ArrayList<>(List.of("link", pa.toString(), hs.toString()));
    args.addAll(List.of("--pairs", pairs.toString()));
    args.addAll(List.of(more));
    return CliRun.of(args.toArray(String[]::new));
  }

  /** Links the two extracts into these files, judging the blocking against the city's truth. */
  private static CliRun linkWithTruth(Path pairs, Path clusters, String... more) {
    List<String> args = new ArrayList<>();
    args.addAll(
        List.of(
            "link",
            pa.toString(),
            hs.toString(),
            "--pairs",
            pairs.toString(),
            "--clusters",
            clusters.toString(),
            "--truth",
            dir.resolve("city/truth.csv").toString()));
    args.addAll(List.of(more));
    return CliRun.of(args.toArray(String[]::new));
  }

  @Test
  void link_twoExtracts_writesPairsAndClustersAndReportsBlocking() throws Exception {
    Path pairs = dir.resolve("pairs.csv");
    Path clusters = dir.resolve("clusters.csv");

    CliRun run = linkWithTruth(pairs, clusters);

    assertEquals(0, run.exit(), run.err());
    List<String> lines = Files.readAllLines(pairs);
    assertEquals("extract_a,id_a,extract_b,id_b,score", lines.get(0));
    assertTrue(lines.size() > 10, "only " + lines.size() + " lines");
    assertTrue(lines.get(1).startsWith("public_assistance,PA-"), lines.get(1));
    assertEquals("entity,extract,id", Files.readAllLines(clusters).get(0));
    assertTrue(run.out().contains("pairs completeness"), run.out());
  }

  @Test
  void link_json_carriesTheRunsFactsAndAgreesWithItsFiles() throws Exception {
    Path pairs = dir.resolve("json-pairs.csv");
    Path clusters = dir.resolve("json-clusters.csv");

    CliRun run = linkWithTruth(pairs, clusters, "--json");

    assertEquals(0, run.exit(), run.err());
    JsonNode j = new ObjectMapper().readTree(run.out());
    assertEquals("pprl.link.v1", j.get("format").asText());
    assertEquals("fellegi-sunter", j.get("method").asText());
    assertEquals("auto", j.get("blocking").asText());
    assertTrue(j.get("diceThreshold").isNull() && j.get("minPosterior").isNull(), j.toString());
    assertEquals("public_assistance", j.get("extracts").get(0).get("name").asText());
    assertEquals(pa.toString(), j.get("extracts").get(0).get("file").asText());
    assertEquals("homeless_services", j.get("extracts").get(1).get("agency").asText());

    List<String[]> rows = new ArrayList<>();
    for (String line : Files.readAllLines(pairs).subList(1, Files.readAllLines(pairs).size())) {
      rows.add(line.split(","));
    }
    assertEquals(rows.size(), j.get("pairs").asInt());
    Map<String, Integer> linksOf = new HashMap<>();
    for (String[] row : rows) {
      linksOf.merge(row[0] + "|" + row[2], 1, Integer::sum);
    }
    Map<String, Integer> reported = new HashMap<>();
    for (JsonNode p : j.get("pairsOfExtracts")) {
      int links = p.get("links").asInt();
      if (links > 0) {
        reported.put(p.get("a").asText() + "|" + p.get("b").asText(), links);
      }
      assertTrue(p.get("candidates").asLong() > 0, p.toString());
      assertTrue(p.get("cut").get("matchWeight").isNumber(), p.toString());
      assertTrue(
          run.err()
              .contains(
                  String.format(
                      java.util.Locale.ROOT, "%,d candidate pairs", p.get("candidates").asLong())),
          run.err());
      JsonNode q = p.get("blockingQuality");
      assertTrue(q.get("truePairsFound").asLong() <= q.get("truePairs").asLong(), q.toString());
    }
    assertEquals(linksOf, reported);

    List<String> members =
        Files.readAllLines(clusters).subList(1, Files.readAllLines(clusters).size());
    assertEquals(members.size(), j.get("entities").get("linkedRecords").asInt());
    assertEquals(
        members.stream().map(m -> m.split(",")[0]).distinct().count(),
        j.get("entities").get("count").asLong());
    assertEquals(pairs.toString(), j.get("output").get("pairs").asText());
    assertEquals(clusters.toString(), j.get("output").get("clusters").asText());
    assertTrue(j.get("comparisons").asLong() > 0 && j.get("seconds").asDouble() > 0, j.toString());
    // The text report goes to standard error, and says the same.
    assertTrue(
        run.err()
            .contains(
                String.format(java.util.Locale.ROOT, "wrote %,d pairs to %s", rows.size(), pairs)),
        run.err());
    assertTrue(run.err().contains("pairs completeness"), run.err());
    for (JsonNode line : j.get("report")) {
      assertTrue(run.err().contains(line.asText() + "\n"), line.asText());
    }
  }

  @Test
  void link_oneToOne_pairsNothingInsideAnExtractAndEachRecordOnce() throws Exception {
    Path byDefault = dir.resolve("default.csv");
    Path oneToOne = dir.resolve("one-to-one.csv");
    assertEquals(0, linkBoth(byDefault).exit());

    CliRun run = linkBoth(oneToOne, "--one-to-one");

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
    assertEquals(0, linkBoth(pairs).exit());
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

    CliRun run = linkBoth(pairs, "--known-links", known.toString());

    assertEquals(2, run.exit());
    assertTrue(run.err().contains("line 2 names an extract or record id"), run.err());
    assertFalse(run.err().contains("PA-NOPE"), run.err());
    assertFalse(Files.exists(pairs));
  }

  @Test
  void link_engineSparkWithoutItsJar_saysWhereToGetIt() {
    Path pairs = dir.resolve("spark.csv");

    CliRun run = linkBoth(pairs, "--engine", "spark", "--master", "local[2]");

    assertEquals(2, run.exit());
    assertTrue(
        run.err()
            .contains("--engine spark needs the linkage-spark jar and Spark on the class path"),
        run.err());
    assertEquals(1, run.err().strip().lines().count(), run.err());
    assertFalse(Files.exists(pairs));
  }

  @Test
  void link_masterWithoutSpark_isRefused() {
    CliRun run = linkBoth(dir.resolve("m.csv"), "--master", "local[2]");

    assertEquals(2, run.exit());
    assertTrue(run.err().contains("--master is for --engine spark"), run.err());
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
        run.err()
            .contains("--blocking must be one of auto, none, keys, lsh, keys+lsh, got 'magic'"),
        run.err());
  }

  @Test
  void link_nearest_keepsThatManyCandidatesPerRecord() throws Exception {
    CliRun one = linkBoth(dir.resolve("n1.csv"), "--nearest", "1", "--blocking", "none");
    CliRun twenty = linkBoth(dir.resolve("n20.csv"), "--nearest", "20", "--blocking", "none");

    assertEquals(0, one.exit(), one.err());
    assertEquals(0, twenty.exit(), twenty.err());
    long fewer = candidates(one.out());
    long more = candidates(twenty.out());
    assertTrue(fewer > 0 && more > 5 * fewer, fewer + " vs " + more);
  }

  /** The number of candidate pairs across the two extracts, from the run's summary. */
  private static long candidates(String out) {
    java.util.regex.Matcher m =
        java.util.regex.Pattern.compile("x homeless_services: ([0-9,]+) candidate pairs")
            .matcher(out);
    assertTrue(m.find(), out);
    return Long.parseLong(m.group(1).replace(",", ""));
  }

  @Test
  void link_methodDice_linksPairsAtTheThresholdScoredByDice() throws Exception {
    Path pairs = dir.resolve("dice.csv");

    CliRun run = linkBoth(pairs, "--method", "dice", "--threshold", "0.9", "--blocking", "none");

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
      {"--method", "magic"},
      {"--nearest", "0"}
    };
    String[] reasons = {
      "--threshold is for --method dice",
      "--min-posterior and --known-links are for --method fellegi-sunter",
      "--threshold must be in (0, 1], got 1.5",
      "--method must be fellegi-sunter or dice, got 'magic'",
      "--nearest must be from 1 to 100, got 0"
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

  @Test
  void link_twoCorruptExtracts_namesTheFirstGiven() throws Exception {
    // The extracts are read side by side; the failure reported is the first one's in the order
    // given, whichever thread failed first.
    byte[] bytes = Files.readAllBytes(hs);
    Path half =
        Files.write(dir.resolve("half.pprl"), java.util.Arrays.copyOf(bytes, bytes.length / 2));
    Path stub = Files.write(dir.resolve("stub.pprl"), java.util.Arrays.copyOf(bytes, 40));
    Path pairs = dir.resolve("none.csv");

    for (List<Path> order : List.of(List.of(half, stub), List.of(stub, half))) {
      CliRun run =
          CliRun.of(
              "link",
              order.get(0).toString(),
              order.get(1).toString(),
              "--pairs",
              pairs.toString(),
              "--threads",
              "2");

      assertEquals(2, run.exit(), run.err());
      String reason =
          run.err().strip().lines().filter(l -> !l.startsWith("pprl link: [")).findFirst().get();
      assertTrue(reason.startsWith("pprl link: " + order.get(0) + ": "), run.err());
      assertFalse(Files.exists(pairs));
    }
  }

  @Test
  void link_report_embedsTheRunsSummaryAndFetchesNothing() throws Exception {
    Path pairs = dir.resolve("report-pairs.csv");
    Path report = dir.resolve("report.html");

    CliRun run =
        linkWithTruth(
            pairs, dir.resolve("report-clusters.csv"), "--json", "--report", report.toString());

    assertEquals(0, run.exit(), run.err());
    JsonNode summary = new ObjectMapper().readTree(run.out());
    String html = Files.readString(report);
    JsonNode data = reportData(html);
    assertEquals("pprl.report.v1", data.get("format").asText());
    Map<String, JsonNode> byPair = new HashMap<>();
    for (JsonNode p : data.get("pairsOfExtracts")) {
      byPair.put(p.get("a").asText() + "|" + p.get("b").asText(), p);
    }
    assertEquals(summary.get("pairsOfExtracts").size(), byPair.size());
    for (JsonNode s : summary.get("pairsOfExtracts")) {
      JsonNode p = byPair.get(s.get("a").asText() + "|" + s.get("b").asText());
      assertEquals(s.get("candidates").asLong(), p.get("candidates").asLong(), p.toString());
      assertEquals(s.get("links").asLong(), p.get("links").asLong(), p.toString());
      assertEquals(
          s.get("cut").get("estimatedMatches").asDouble(),
          p.get("estimatedMatches").asDouble(),
          1e-9);
      assertEquals(s.get("blockingQuality").get("truePairs").asLong(), p.get("truePairs").asLong());
      JsonNode w = p.get("weights");
      assertEquals(s.get("cut").get("matchWeight").asDouble(), w.get("cut").asDouble(), 1e-9);
      long counted = 0;
      for (JsonNode c : w.get("counts")) {
        counted += c.asLong();
      }
      assertEquals(s.get("candidates").asLong(), counted, "every candidate in one bar");
    }
    assertEquals(summary.get("entities"), data.get("entities"));
    long linkedRecords = 0;
    for (JsonNode e : data.get("entitySizes")) {
      int size = e.get("size").asInt();
      linkedRecords += size > 1 ? size * e.get("entities").asLong() : 0;
    }
    assertEquals(summary.get("entities").get("linkedRecords").asLong(), linkedRecords);
    List<String> scopes = new ArrayList<>();
    data.get("models").forEach(m -> scopes.add(m.get("scope").asText()));
    assertEquals(List.of("across", "inside"), scopes);
    // Charts and their tables are in the page, one weight chart per pair of extracts.
    int charts = html.split("<svg class=\"chart\"", -1).length - 1;
    assertTrue(charts >= byPair.size() + 2, charts + " charts");
    assertTrue(html.contains("<th scope=\"col\">estimated matches</th>"), "matches table");
    assertTrue(html.contains("<th scope=\"col\">true pairs</th>"), "true pairs with --truth");
    assertFalse(html.contains("No ground truth was given"), "a truth was given");
    // Nothing fetched when it is opened: no script or stylesheet from elsewhere, no URL in CSS.
    for (String outside : List.of(" src=", "<link", "@import", "url(", "<iframe", "<img")) {
      assertFalse(html.contains(outside), "the report holds " + outside);
    }
    assertFalse(html.matches("(?s).*<script(?![^>]*type=\"application/json\").*"), "a script");
    // The engine sees encodings only; the report holds no record id either.
    for (String line : Files.readAllLines(pairs).subList(1, 20)) {
      String[] f = line.split(",");
      assertFalse(html.contains(f[1]) || html.contains(f[3]), "a record id is in the report");
    }
  }

  @Test
  void link_reportInMissingDirectory_exits2AndWritesNothing() {
    Path pairs = dir.resolve("unwritten-pairs.csv");
    Path report = dir.resolve("no-such-dir").resolve("report.html");

    CliRun run = linkBoth(pairs, "--report", report.toString());

    assertEquals(2, run.exit(), run.err());
    assertTrue(run.err().contains("no such directory"), run.err());
    assertFalse(Files.exists(pairs));
    assertFalse(Files.exists(report));
  }

  /** The JSON of the report's {@code report-data} element. */
  static JsonNode reportData(String html) throws Exception {
    String open = "<script type=\"application/json\" id=\"report-data\">";
    int from = html.indexOf(open);
    assertTrue(from >= 0, "no report-data element");
    int to = html.indexOf("</script>", from);
    return new ObjectMapper().readTree(html.substring(from + open.length(), to));
  }
}
