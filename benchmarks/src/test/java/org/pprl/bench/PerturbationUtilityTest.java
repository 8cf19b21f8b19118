package org.pprl.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Runs the perturbation utility measurement on a tiny city and checks that its figures are sane.
 */
class PerturbationUtilityTest {
  @TempDir static Path work;
  static PerturbationUtility.Report report;

  @BeforeAll
  static void measureTinyCity() throws Exception {
    PerturbationUtility.Options options =
        PerturbationUtility.parse(
            new String[] {"--population", "2000", "--secrets", "5", "--secret-seed", "7"});
    report =
        PerturbationUtility.run(
            work, 2000, options, new PrintStream(OutputStream.nullOutputStream(), true, "UTF-8"));
  }

  @Test
  void run_tinyCity_answersEveryQuestionInEveryDraw() {
    assertEquals(DemoQuestions.ALL.size(), report.measured().size());
    for (DemoQuestions.Named q : DemoQuestions.ALL) {
      PositionStats s = report.measured().get(q.name());
      assertEquals(5, s.draws, q.name());
      assertTrue(s.answered() >= 1, q.name());
      assertTrue(s.positions > 0, q.name());
    }
  }

  @Test
  void run_countsOfTenOrMore_haveTheTablesSpreadAndNoBias() {
    PositionStats all = report.measuredOverall();
    assertTrue(all.clear >= 30, "too few positions of 10 or more for a check: " + all.clear);
    assertTrue(all.clearRmse() > 0.8 && all.clearRmse() < 1.6, "RMSE " + all.clearRmse());
    assertTrue(Math.abs(all.clearMeanError()) < 0.5, "mean error " + all.clearMeanError());
    assertTrue(all.mae() > 0.4 && all.mae() < 1.3, "MAE " + all.mae());
    double exact = all.largeExactShare();
    assertTrue(exact > 0.2 && exact < 0.65, "exact share " + exact);
  }

  @Test
  void run_smallCounts_areShownOnlyWhereTheTableAllows() {
    PositionStats all = report.measuredOverall();
    assertEquals(0, all.zeroShown, "a true 0 shown as a number");
    assertEquals(0, all.smallShownBelowFour, "a true 1..3 shown as a number");
    assertEquals(0, all.beyondMain, "a number further than 4 from its count");
    assertTrue(all.smallAsNumber() < 0.5, "small shown " + all.smallAsNumber());
  }

  @Test
  void run_expectedFigures_matchTheTable() {
    PositionStats expected = report.expectedOverall();
    assertEquals(Math.sqrt(1.39), expected.clearRmse(), 1e-9);
    assertEquals(0.0, expected.clearMeanError(), 1e-9);
    assertEquals(0.0, expected.zeroShown, 1e-12);
    assertEquals(report.measuredOverall().positions, expected.positions, 1e-6);
  }

  @Test
  void print_tinyCity_writesOneRowPerQuestionAndTheTotals() {
    ByteArrayOutputStream text = new ByteArrayOutputStream();
    PerturbationUtility.print(new PrintStream(text, true, StandardCharsets.UTF_8), List.of(report));
    String markdown = text.toString(StandardCharsets.UTF_8);
    for (DemoQuestions.Named q : DemoQuestions.ALL) {
      assertTrue(markdown.contains("| " + q.name() + " | measured |"), q.name());
    }
    assertTrue(markdown.contains("| **all questions** | measured |"), markdown);
    assertTrue(markdown.contains("variance 1.39"), markdown);
    assertTrue(markdown.contains("P(exact) 0.405"), markdown);
  }

  @Test
  void parse_help_returnsNull() {
    assertNull(PerturbationUtility.parse(new String[] {"--help"}));
  }

  @Test
  void parse_unknownOrIncompleteOption_isRefused() {
    assertThrows(
        IllegalArgumentException.class,
        () -> PerturbationUtility.parse(new String[] {"--populaton", "5"}));
    assertThrows(
        IllegalArgumentException.class,
        () -> PerturbationUtility.parse(new String[] {"--secrets"}));
    assertThrows(
        IllegalArgumentException.class,
        () -> PerturbationUtility.parse(new String[] {"--secrets", "0"}));
  }
}
