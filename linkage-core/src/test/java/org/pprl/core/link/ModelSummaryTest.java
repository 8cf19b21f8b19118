package org.pprl.core.link;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.pprl.fixtures.Agency;

class ModelSummaryTest {
  @TempDir static Path dir;
  static List<Party> parties;
  static Linker.Result result;

  @BeforeAll
  static void link() throws Exception {
    EncodedCity city =
        EncodedCity.generate(
            dir,
            5,
            3000,
            "model summary test secret",
            List.of(Agency.PUBLIC_ASSISTANCE, Agency.HOMELESS_SERVICES));
    parties = List.of(city.party(Agency.PUBLIC_ASSISTANCE), city.party(Agency.HOMELESS_SERVICES));
    result = EncodedCity.linker().link(parties);
  }

  @Test
  void histograms_countEveryCandidateOnce_withTheDecisionsCut() {
    List<ModelSummary.Histogram> weights = result.model().weights();
    assertEquals(result.candidates().size(), weights.size());
    for (int c = 0; c < weights.size(); c++) {
      ModelSummary.Histogram h = weights.get(c);
      Linker.Candidates found = result.candidates().get(c);
      assertEquals(found.a(), h.a());
      assertEquals(found.b(), h.b());
      assertEquals(found.pairs().length, h.total(), "candidates of set " + c);
      assertEquals("matchWeight", h.measure());
      assertEquals(result.cuts().get(c).matchWeight(), h.cut(), 1e-9);
      assertTrue(h.counts().length == 0 || h.counts()[0] > 0, "the first bin holds the lowest");
      double edges = (h.cut() - h.from()) / h.width();
      assertEquals(Math.rint(edges), edges, 1e-6, "the cut is a bin's edge");
    }
  }

  @Test
  void models_acrossAndInside_haveProbabilitiesPerLevelThatSumToOne() {
    List<ModelSummary.Model> models = result.model().models();
    assertEquals(
        List.of("across", "inside"), models.stream().map(ModelSummary.Model::scope).toList());
    for (ModelSummary.Model model : models) {
      assertTrue(model.fields().size() >= 3, model.scope() + " has too few fields");
      for (ModelSummary.Field f : model.fields()) {
        assertEquals(1.0, sum(f.m()), 1e-6, model.scope() + " m of " + f.name());
        assertEquals(1.0, sum(f.u()), 1e-6, model.scope() + " u of " + f.name());
        if (model.scope().equals("inside")) {
          assertEquals(1.0, sum(f.r()), 1e-6, "r of " + f.name());
        } else {
          assertNull(f.r());
        }
        if (!f.name().contains("+")) {
          assertEquals(Estimation.LEVEL_CUTS.length + 1, f.levels().size());
          assertEquals("identical", f.levels().get(f.levels().size() - 1));
        }
      }
    }
  }

  @Test
  void diceMatching_hasNoModel_andHistogramsOfDice() {
    Linker.Result dice =
        new Linker(Linker.Options.defaults().withThreads(2).withDiceThreshold(0.8), step -> {})
            .link(parties);
    assertTrue(dice.model().models().isEmpty());
    for (ModelSummary.Histogram h : dice.model().weights()) {
      assertEquals("dice", h.measure());
      assertEquals(0.8, h.cut(), 1e-12);
      assertTrue(h.from() >= 0.8 - 1e-9, "every kept pair reaches the threshold: " + h.from());
    }
  }

  private static double sum(double[] xs) {
    double s = 0;
    for (double x : xs) {
      s += x;
    }
    return s;
  }
}
