package org.pprl.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code pprl assess} on a generated city's extracts, encoded with the example schema as shipped
 * and with the same schema before hardening (no salting or noise, doubleHash names), against the
 * shipped public name list.
 */
class AssessCommandTest {
  @TempDir static Path dir;
  static Path examples = Paths.get(System.getProperty("pprl.examples", "../examples"));
  static String[] hardened;
  static String[] before;

  @BeforeAll
  static void encode() throws Exception {
    Path city = dir.resolve("city");
    assertEquals(
        0,
        CliRun.of("generate", "--out", city.toString(), "--population", "30000", "--seed", "4")
            .exit());
    Path secret = Files.writeString(dir.resolve("secret"), "assess test secret");
    ObjectMapper json = new ObjectMapper();
    ObjectNode tree = (ObjectNode) json.readTree(examples.resolve("agency-schema.json").toFile());
    ((ObjectNode) tree.get("pprl")).remove("hardening");
    for (JsonNode f : tree.get("features")) {
      if (f.get("identifier").asText().endsWith("_name")) {
        ((ObjectNode) f.get("hashing")).putObject("hash").put("type", "doubleHash");
      }
    }
    Path beforeSchema = dir.resolve("before.json");
    json.writeValue(beforeSchema.toFile(), tree);
    String[][] agencies = {
      {"public_assistance", "MM/dd/yyyy"}, {"homeless_services", "yyyy-MM-dd"}
    };
    hardened = new String[agencies.length];
    before = new String[agencies.length];
    for (int a = 0; a < agencies.length; a++) {
      hardened[a] = dir.resolve(agencies[a][0] + ".pprl").toString();
      before[a] = dir.resolve("before-" + agencies[a][0] + ".pprl").toString();
      for (String[] out :
          new String[][] {
            {examples.resolve("agency-schema.json").toString(), hardened[a]},
            {beforeSchema.toString(), before[a]}
          }) {
        CliRun run =
            CliRun.of(
                "encode",
                "--schema",
                out[0],
                "--secret-file",
                secret.toString(),
                "--input",
                city.resolve(agencies[a][0] + ".csv").toString(),
                "--output",
                out[1],
                "--date-format",
                agencies[a][1]);
        assertEquals(0, run.exit(), run.err());
      }
    }
  }

  private static JsonNode assess(String... extracts) throws Exception {
    String[] args = new String[extracts.length + 5];
    args[0] = "assess";
    System.arraycopy(extracts, 0, args, 1, extracts.length);
    args[extracts.length + 1] = "--public-frequencies";
    args[extracts.length + 2] = examples.resolve("public-name-frequencies.csv").toString();
    args[extracts.length + 3] = "--json";
    args[extracts.length + 4] = "-";
    CliRun run = CliRun.of(args);
    JsonNode report = new ObjectMapper().readTree(run.out());
    assertEquals(report.get("verdict").asText().equals("fail") ? 1 : 0, run.exit(), run.err());
    assertEquals("pprl.assess.v1", report.get("format").asText());
    // The table a person reads goes to standard error, with the same verdict.
    assertTrue(run.err().contains("verdict: " + report.get("verdict").asText()), run.err());
    return report;
  }

  private static JsonNode check(JsonNode report, String kind, String name) {
    for (JsonNode c : report.get("checks")) {
      if (c.get("kind").asText().equals(kind) && c.get("name").asText().equals(name)) {
        return c;
      }
    }
    throw new AssertionError("no check " + kind + " " + name);
  }

  @Test
  void assess_beforeHardening_failsOnNamesPatternsAndIdenticalClks() throws Exception {
    JsonNode report = assess(before);

    assertEquals("fail", report.get("verdict").asText());
    assertEquals("fail", check(report, "field filter", "given_name").get("verdict").asText());
    assertEquals("fail", check(report, "field filter", "family_name").get("verdict").asText());
    assertEquals(
        "fail", check(report, "field filter patterns", "given_name").get("verdict").asText());
    assertEquals("fail", check(report, "CLK", "clk").get("verdict").asText());
  }

  @Test
  void assess_defaults_passTheNamesPatternsAndClks_andLeaveUncountedFieldsOpen() throws Exception {
    JsonNode report = assess(hardened);

    assertEquals("open", report.get("verdict").asText());
    for (String name : new String[] {"given_name", "middle_name", "family_name"}) {
      assertEquals("pass", check(report, "field filter", name).get("verdict").asText(), name);
    }
    for (JsonNode c : report.get("checks")) {
      assertFalse(c.get("verdict").asText().equals("fail"), c.toString());
    }
    assertEquals("open", check(report, "field filter", "postcode").get("verdict").asText());
    assertEquals(
        0, check(report, "CLK", "clk").get("figures").get("identicalAcrossExtracts").asInt());
  }

  @Test
  void assess_badInput_oneLineAndExit2() throws Exception {
    Path list = Files.writeString(dir.resolve("bad.csv"), "field,value,count\ngiven_name,ann,x\n");
    CliRun badList = CliRun.of("assess", hardened[0], "--public-frequencies", list.toString());
    CliRun missing = CliRun.of("assess", dir.resolve("nope.pprl").toString());

    assertEquals(2, badList.exit());
    assertTrue(badList.err().contains("bad.csv row 2: count is not a whole number"), badList.err());
    assertEquals(2, missing.exit());
    assertTrue(missing.err().contains("nope.pprl: no such file"), missing.err());
  }
}
