package org.pprl.core.link;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class NullThresholdTest {
  /**
   * Most records without a partner: 30 matches near weight 30 among 1,000 assigned pairs whose
   * forced partners (near 9.5) weigh more than the runner-ups (near 8), as a best non-match weighs
   * more than a second best.
   */
  private static double[][] mostlyForced() {
    SplittableRandom random = new SplittableRandom(7);
    double[] assigned = new double[1000];
    double[] runnersUp = new double[1000];
    for (int k = 0; k < 1000; k++) {
      assigned[k] = k < 30 ? 30 + 2 * gaussian(random) : 9.5 + 3 * gaussian(random);
      runnersUp[k] = 8 + 3 * gaussian(random);
    }
    return new double[][] {assigned, runnersUp};
  }

  @Test
  void choose_mostlyForcedWithModelShare_keepsAboutTheMatches() {
    double[][] x = mostlyForced();
    NullThreshold.Choice alone = NullThreshold.choose(x[0], x[1]);
    NullThreshold.Choice counted = NullThreshold.choose(x[0], x[1], 0.97);

    // The runner-ups alone see fewer forced partners than there are and keep hundreds.
    assertTrue(alone.nullShare() >= NullThreshold.MOSTLY_FORCED, "pi0 " + alone.nullShare());
    assertTrue(alone.kept() > 100, "kept " + alone.kept());
    assertTrue(counted.modelShare());
    assertEquals(0.97, counted.nullShare(), 1e-12);
    assertEquals(30, counted.kept(), 10);
  }

  @Test
  void choose_modelShareBelowRunnerUpEstimate_changesNothing() {
    double[][] x = mostlyForced();
    NullThreshold.Choice alone = NullThreshold.choose(x[0], x[1]);
    NullThreshold.Choice counted = NullThreshold.choose(x[0], x[1], alone.nullShare() / 2);

    assertFalse(counted.modelShare());
    assertEquals(alone, counted);
  }

  @Test
  void choose_mostRecordsPartnered_ignoresModelShare() {
    SplittableRandom random = new SplittableRandom(3);
    double[] assigned = new double[1000];
    double[] runnersUp = new double[1000];
    for (int k = 0; k < 1000; k++) {
      assigned[k] = k < 700 ? 25 + 3 * gaussian(random) : 10 + 3 * gaussian(random);
      runnersUp[k] = 10 + 3 * gaussian(random);
    }
    NullThreshold.Choice alone = NullThreshold.choose(assigned, runnersUp);
    NullThreshold.Choice counted = NullThreshold.choose(assigned, runnersUp, 0.6);

    assertTrue(alone.nullShare() < NullThreshold.MOSTLY_FORCED, "pi0 " + alone.nullShare());
    assertEquals(alone, counted);
  }

  private static double gaussian(SplittableRandom random) {
    double u = random.nextDouble();
    double v = random.nextDouble();
    return Math.sqrt(-2 * Math.log(1 - u)) * Math.cos(2 * Math.PI * v);
  }
}
