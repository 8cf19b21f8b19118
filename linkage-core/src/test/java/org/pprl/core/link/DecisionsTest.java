package org.pprl.core.link;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

class DecisionsTest {
  @Test
  void bestF1Cut_keepsDownToTheWeightWhereThePredictedF1IsBest() {
    // 10 pairs at weight 10 (0.9 each), 10 at 5 (0.5), 100 at 0 (0.01): 15 expected in all.
    // Keeping down to 10: F1 18/25; to 5: 28/35; to 0: 30/135.
    double cut =
        Decisions.bestF1Cut(
                new double[] {0, 10, 5}, new double[] {0.01, 0.9, 0.5}, new long[] {100, 10, 10})
            .cut();

    assertEquals(5, cut);
  }

  @Test
  void bestF1Cut_nothingLikely_keepsNone() {
    assertEquals(
        Double.POSITIVE_INFINITY,
        Decisions.bestF1Cut(new double[] {3, 1}, new double[] {0, 0}, new long[] {5, 5}).cut());
    assertEquals(
        Double.POSITIVE_INFINITY,
        Decisions.bestF1Cut(new double[0], new double[0], new long[0]).cut());
  }

  @Test
  void bestF1Cut_itemsWithoutPairs_changeNothing() {
    double with =
        Decisions.bestF1Cut(
                new double[] {10, 7, 5}, new double[] {0.9, 0.99, 0.5}, new long[] {10, 0, 10})
            .cut();
    double without =
        Decisions.bestF1Cut(new double[] {10, 5}, new double[] {0.9, 0.5}, new long[] {10, 10})
            .cut();

    assertEquals(without, with);
  }
}
