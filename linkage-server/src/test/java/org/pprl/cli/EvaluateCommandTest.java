package org.pprl.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

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
