package org.pprl.core.link;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class NullThresholdTest {
  @Test
  void choose_everyPairForced_keepsNone() {
    // Two extracts that share nobody: the assigned pairs weigh as the best non-matches do.
    SplittableRandom random = new SplittableRandom(7);
    double[] assigned = new double[2000];
    double[] nulls = new double[4000];
    for (int k = 0; k < assigned.length; k++) {
      assigned[k] = -10 + 4 * random.nextGaussian();
    }
    for (int k = 0; k < nulls.length; k++) {
      nulls[k] = -8 + 4 * random.nextGaussian(); // a best non-match weighs a little more
    }

    NullThreshold.Choice c = NullThreshold.choose(assigned, nulls, Double.NaN);

    assertEquals(1.0, c.nullShare(), 1e-9);
    assertEquals(0, c.kept(), c.toString());
  }

  /**
   * At scale (see NullThreshold, "At scale"): 20,000 assigned pairs, 63 % forced partners (weight
   * near 16) and links near 34, a tenth of them persons who moved (near 22, above the null's median
   * but within its upper tail); 40,000 best non-matches, 1.6 % of them second records of persons
   * listed twice, which weigh like links. The labels are known here, so the estimates are checked
   * against the truth.
   */
  @Test
  void choose_linkLikeNullsAndWeakLinks_estimatesMatchTheTruth() {
    SplittableRandom random = new SplittableRandom(11);
    int n = 20_000;
    int forced = 12_600;
    double[] assigned = new double[n];
    for (int k = 0; k < n; k++) {
      assigned[k] = k < forced ? 16 + 4 * gaussian(random) : link(random);
    }
    int m = 40_000;
    int linkLike = 640;
    double[] nulls = new double[m];
    for (int k = 0; k < m; k++) {
      nulls[k] = k < linkLike ? link(random) : 16 + 4 * gaussian(random);
    }

    NullThreshold.Choice choice = NullThreshold.choose(assigned, nulls, Double.NaN);

    int falseKept = 0;
    int trueKept = 0;
    for (int k = 0; k < n; k++) {
      if (assigned[k] >= choice.threshold()) {
        if (k < forced) {
          falseKept++;
        } else {
          trueKept++;
        }
      }
    }
    assertFalse(choice.modelShare());
    assertEquals(forced / (double) n, choice.nullShare(), 0.02);
    assertEquals(linkLike, choice.linkLikeNulls(), 0.25 * linkLike);
    assertEquals(falseKept, choice.expectedFalse(), 0.25 * falseKept + 5);
    assertEquals(
        n - forced - trueKept, choice.expectedMissed(), 0.25 * (n - forced - trueKept) + 5);
    // The links above the forced partners are all kept, and few forced partners with them.
    assertTrue(trueKept >= 0.88 * (n - forced), "kept " + trueKept + " links");
    assertTrue(falseKept <= 0.05 * trueKept, "kept " + falseKept + " forced partners");
  }

  @Test
  void choose_noLinkLikeNulls_correctsNothing() {
    SplittableRandom random = new SplittableRandom(5);
    double[] assigned = new double[5000];
    double[] nulls = new double[5000];
    for (int k = 0; k < 5000; k++) {
      assigned[k] = k < 2000 ? 12 + 3 * gaussian(random) : 30 + 3 * gaussian(random);
      nulls[k] = 12 + 3 * gaussian(random);
    }

    NullThreshold.Choice choice = NullThreshold.choose(assigned, nulls, Double.NaN);

    assertEquals(0, choice.linkLikeNulls(), 1e-9);
    assertEquals(0.4, choice.nullShare(), 0.02);
  }

  /** A link's weight: mostly high, a tenth of them persons who moved. */
  private static double link(SplittableRandom random) {
    return random.nextDouble() < 0.1 ? 22 + 3 * gaussian(random) : 34 + 4 * gaussian(random);
  }

  private static double gaussian(SplittableRandom random) {
    double u = random.nextDouble();
    double v = random.nextDouble();
    return Math.sqrt(-2 * Math.log(1 - u)) * Math.cos(2 * Math.PI * v);
  }

  /**
   * With each record's best non-match as the null (drawn like the forced partners), 3,000 matches
   * near weight 25 among 20,000 assigned pairs: the share of forced partners and the cut come out
   * right without any model.
   */
  @Test
  void choose_bestNonMatchNull_estimatesTheShareOfMatches() {
    SplittableRandom random = new SplittableRandom(3);
    double[] assigned = new double[20_000];
    double[] best = new double[40_000];
    for (int k = 0; k < assigned.length; k++) {
      assigned[k] = k < 3000 ? 25 + 3 * random.nextGaussian() : 2 + 4 * random.nextGaussian();
    }
    for (int k = 0; k < best.length; k++) {
      best[k] = 2 + 4 * random.nextGaussian();
    }

    NullThreshold.Choice c = NullThreshold.choose(assigned, best, Double.NaN);

    assertEquals(0.85, c.nullShare(), 0.02);
    assertTrue(c.threshold() > 10 && c.threshold() < 17, "cut " + c.threshold());
    assertFalse(c.modelShare());
  }

  @Test
  void choose_nobodyShared_keepsNone_evenWhereTheNullIsALittleLow() {
    // Forced partners of extracts that share nobody, a little above the null (a larger extract's
    // best non-match weighs more): 0.97 forced by the null alone, and thousands of false links
    // were kept at a negative cut before the model's share and the floors.
    SplittableRandom random = new SplittableRandom(5);
    double[] assigned = new double[5000];
    double[] best = new double[10000];
    for (int k = 0; k < assigned.length; k++) {
      assigned[k] = -9.8 + 4.1 * random.nextGaussian();
    }
    for (int k = 0; k < best.length; k++) {
      best[k] = -10 + 4 * random.nextGaussian();
    }

    NullThreshold.Choice alone = NullThreshold.choose(assigned, best, Double.NaN);
    NullThreshold.Choice withModel = NullThreshold.choose(assigned, best, 1.0);
    NullThreshold.Choice nearly = NullThreshold.choose(assigned, best, 0.999);

    assertTrue(alone.nullShare() >= 0.8, "nearly all forced by the null: " + alone.nullShare());
    assertTrue(alone.threshold() >= 0, "never a cut below 0: " + alone.threshold());
    assertTrue(
        alone.expectedFalse() <= alone.kept() - alone.expectedFalse(),
        "links kept are more likely true than false by the estimates");
    assertEquals(Double.POSITIVE_INFINITY, withModel.threshold());
    assertTrue(withModel.modelShare());
    assertTrue(nearly.kept() <= 10, "about 5 matches said, " + nearly.kept() + " kept");
  }
}
