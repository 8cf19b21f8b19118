package org.pprl.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class QualityHarnessTest {
  @TempDir Path work;

  @Test
  void run_withoutSharedData_scoresTheGeneratedCasesOnly() throws Exception {
    List<QualityHarness.Row> rows = QualityHarness.run(work, work.resolve("absent"), 4000, "");

    assertEquals(3, rows.size()); // default, heavy and severe corruption
    QualityHarness.Row normal = rows.get(0);
    assertTrue(normal.links() > 0);
    // A regression guard for this seed, not a benchmark.
    assertTrue(normal.precision() > 0.95, normal.toString());
    assertTrue(normal.recall() > 0.6, normal.toString());
    // The model's estimates sit beside the truth's counts.
    assertTrue(normal.estimates().trueAcross() > 0, normal.toString());
    assertTrue(normal.estimates().across() > 0, normal.toString());
    assertTrue(normal.estimates().trueInside() > 0, normal.toString());
    assertTrue(normal.estimates().inside() > 0, normal.toString());
    ByteArrayOutputStream text = new ByteArrayOutputStream();
    QualityHarness.print(new PrintStream(text, true, StandardCharsets.UTF_8), rows);
    assertTrue(
        text.toString(StandardCharsets.UTF_8).contains("default corruption"),
        text.toString(StandardCharsets.UTF_8));
  }
}
