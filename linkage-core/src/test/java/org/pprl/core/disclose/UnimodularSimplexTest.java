package org.pprl.core.disclose;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class UnimodularSimplexTest {

  @Test
  void maximize_oneOfFourSummingToOne_isOne() {
    // Commons Math 3.6.1's SimplexSolver answers 0 here.
    long[] x = new long[4];
    long max =
        UnimodularSimplex.maximize(
            new int[][] {{1, 1, 1, 1}}, new long[] {1}, new long[] {0, 1, 0, 0}, x);
    assertEquals(1, max);
    assertArrayEquals(new long[] {0, 1, 0, 0}, x);
  }

  @Test
  void maximize_rowAndColumnSums_findsTheTransportOptimum() {
    // x00 + x01 = 5, x10 + x11 = 7, x00 + x10 = 4, x01 + x11 = 8: max x00 is 4, min is 0.
    int[][] a = {{1, 1, 0, 0}, {0, 0, 1, 1}, {1, 0, 1, 0}, {0, 1, 0, 1}};
    long[] b = {5, 7, 4, 8};
    assertEquals(4, UnimodularSimplex.maximize(a, b, new long[] {1, 0, 0, 0}, null));
    assertEquals(0, -UnimodularSimplex.maximize(a, b, new long[] {-1, 0, 0, 0}, null));
  }

  @Test
  void maximize_variableInNoBindingRow_isUnbounded() {
    long max =
        UnimodularSimplex.maximize(new int[][] {{1, 0}}, new long[] {3}, new long[] {0, 1}, null);
    assertEquals(UnimodularSimplex.UNBOUNDED, max);
  }

  @Test
  void maximize_infeasibleSystem_throws() {
    int[][] a = {{1, 1}, {1, 1}};
    assertThrows(
        IllegalStateException.class,
        () -> UnimodularSimplex.maximize(a, new long[] {1, 2}, new long[] {1, 0}, null));
  }

  @Test
  void maximize_matrixNotTotallyUnimodular_throws() {
    // The odd cycle x0+x1, x1+x2, x0+x2 has determinant 2: a half-integral vertex.
    int[][] a = {{1, 1, 0}, {0, 1, 1}, {1, 0, 1}};
    IllegalStateException e =
        assertThrows(
            IllegalStateException.class,
            () -> UnimodularSimplex.maximize(a, new long[] {1, 1, 1}, new long[] {1, 0, 0}, null));
    assertTrue(e.getMessage().contains("not totally unimodular"), e.getMessage());
  }
}
