package org.pprl.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class EvaluateCommandTest {
  @TempDir Path dir;

  @Test
  void evaluate_pairsAgainstEntityTruth_printsPrecisionRecallF1() throws IOException {
    Path truth =
        Files.writeString(
            dir.resolve("truth.csv"), "extract,id,entity\na,1,x\nb,1,x\na,2,y\nb,2,y\nb,3,z\n");
    Path pairs =
        Files.writeString(
            dir.resolve("pairs.csv"),
            "extract_a,id_a,extract_b,id_b,score\na,1,b,1,0.91\na,2,b,3,0.82\n");

    CliRun run = CliRun.of("evaluate", "--pairs", pairs.toString(), "--truth", truth.toString());

    assertEquals(0, run.exit(), run.err());
    assertTrue(run.out().contains("pairs: a, b (pairs across extracts)"), run.out());
    assertTrue(run.out().contains("predicted 2, true 2, correct 1"), run.out());
    assertTrue(run.out().contains("precision  0.5000"), run.out());
    assertTrue(run.out().contains("F1         0.5000"), run.out());
  }

  @Test
  void evaluate_emptyPairsFile_hasRecallZeroAndPrecisionNotApplicable() throws IOException {
    Path truth =
        Files.writeString(
            dir.resolve("truth.csv"), "agency,record_id,person_id\na,1,x\nb,1,x\na,2,y\nb,2,y\n");
    Path pairs =
        Files.writeString(dir.resolve("pairs.csv"), "extract_a,id_a,extract_b,id_b,score\n");

    CliRun text = CliRun.of("evaluate", "--pairs", pairs.toString(), "--truth", truth.toString());
    CliRun json =
        CliRun.of("evaluate", "--pairs", pairs.toString(), "--truth", truth.toString(), "--json");

    assertEquals(0, text.exit(), text.err());
    assertTrue(text.out().contains("predicted 0, true 2, correct 0"), text.out());
    assertTrue(text.out().contains("precision  n/a (nothing was linked)"), text.out());
    assertTrue(text.out().contains("recall     0.0000"), text.out());
    assertTrue(text.out().contains("F1         0.0000"), text.out());
    assertFalse(text.out().contains("1.0000"), text.out());
    assertEquals(0, json.exit(), json.err());
    JsonNode pairsNode = new ObjectMapper().readTree(json.out()).get("pairs");
    assertTrue(pairsNode.get("precision").isNull(), pairsNode.toString());
    assertEquals(0.0, pairsNode.get("recall").asDouble(-1), 0);
    assertEquals(2, pairsNode.get("true").asInt());
    assertEquals(text.out(), json.err());
  }

  @Test
  void evaluate_json_carriesTheScoresFieldByField() throws IOException {
    Path truth =
        Files.writeString(
            dir.resolve("truth.csv"),
            "extract,id,entity\na,1,x\nb,1,x\na,2,y\nb,2,y\nb,3,z\nc,1,x\n");
    Path pairs =
        Files.writeString(
            dir.resolve("pairs.csv"),
            "extract_a,id_a,extract_b,id_b,score\na,1,b,1,0.91\na,2,b,3,0.82\nb,1,b,2,0.7\n");
    Path clusters =
        Files.writeString(dir.resolve("clusters.csv"), "entity,extract,id\nE0,a,1\nE0,b,1\n");

    CliRun run =
        CliRun.of(
            "evaluate",
            "--pairs",
            pairs.toString(),
            "--clusters",
            clusters.toString(),
            "--truth",
            truth.toString(),
            "--extracts",
            "a,b",
            "--json");

    assertEquals(0, run.exit(), run.err());
    JsonNode j = new ObjectMapper().readTree(run.out());
    assertEquals("pprl.evaluate.v1", j.get("format").asText());
    assertEquals(truth.toString(), j.get("truth").asText());
    JsonNode p = j.get("pairs");
    assertEquals(pairs.toString(), p.get("file").asText());
    assertEquals("[\"a\",\"b\"]", p.get("extracts").toString());
    assertEquals("[\"a\",\"b\"]", p.get("named").toString());
    assertFalse(p.get("withinExtract").asBoolean());
    assertEquals(2, p.get("predicted").asInt());
    assertEquals(2, p.get("true").asInt());
    assertEquals(1, p.get("correct").asInt());
    assertEquals(0.5, p.get("precision").asDouble(), 1e-12);
    assertEquals(0.5, p.get("recall").asDouble(), 1e-12);
    assertEquals(0.5, p.get("f1").asDouble(), 1e-12);
    assertEquals(1, p.get("outOfScope").asInt());
    JsonNode e = j.get("clusters").get("entities");
    assertEquals(1, e.get("predicted").asInt());
    assertEquals(2, e.get("true").asInt());
    assertEquals(1, e.get("exact").asInt());
    assertEquals(1.0, e.get("precision").asDouble(), 1e-12);
    assertEquals(0.5, e.get("recall").asDouble(), 1e-12);
    assertTrue(run.err().contains("  left out   1 pairs outside the scope"), run.err());
  }

  @Test
  void evaluate_extractTheTruthLacks_isOneLineAndExit2() throws IOException {
    Path truth = Files.writeString(dir.resolve("truth.csv"), "extract,id,entity\na,1,x\n");
    Path pairs =
        Files.writeString(dir.resolve("pairs.csv"), "extract_a,id_a,extract_b,id_b,score\n");

    CliRun run =
        CliRun.of(
            "evaluate",
            "--pairs",
            pairs.toString(),
            "--truth",
            truth.toString(),
            "--extracts",
            "a,zz");

    assertEquals(2, run.exit());
    assertEquals(
        "pprl evaluate: --extracts: extract 'zz' is not in the truth, which names a",
        run.err().strip());
  }

  @Test
  void evaluate_help_namesTheColumnsGenerateWrites() {
    CliRun run = CliRun.of("evaluate", "--help");

    assertEquals(0, run.exit());
    String help = run.out().replaceAll("\\s+", " ");
    assertTrue(help.contains("agency,record_id,person_id"), help);
    // What generate's help says it writes.
    assertTrue(
        CliRun.of("generate", "--help")
            .out()
            .replaceAll("\\s+", " ")
            .contains("truth.csv: agency,record_id,person_id"));
  }

  @Test
  void evaluate_missingTruthFile_isOneLineAndExit2() {
    CliRun run =
        CliRun.of(
            "evaluate",
            "--pairs",
            dir.resolve("p.csv").toString(),
            "--truth",
            dir.resolve("none.csv").toString());

    assertEquals(2, run.exit());
    assertEquals(1, run.err().strip().lines().count(), run.err());
    assertTrue(run.err().startsWith("pprl evaluate: --truth "), run.err());
  }

  @Test
  void evaluate_malformedPairsRow_namesTheRow() throws IOException {
    Path truth = Files.writeString(dir.resolve("truth.csv"), "extract,id,entity\na,1,x\n");
    Path pairs =
        Files.writeString(dir.resolve("pairs.csv"), "extract_a,id_a,extract_b,id_b,score\na,1,b\n");

    CliRun run = CliRun.of("evaluate", "--pairs", pairs.toString(), "--truth", truth.toString());

    assertEquals(2, run.exit());
    assertTrue(run.err().contains("line 2 has 3 columns, expected 5"), run.err());
  }

  @Test
  void evaluate_unknownOption_isRefusedWithUsageHint() {
    CliRun run = CliRun.of("evaluate", "--truht", "x");

    assertEquals(2, run.exit());
    assertTrue(run.err().contains("Try 'pprl evaluate --help' for usage."), run.err());
  }
}
