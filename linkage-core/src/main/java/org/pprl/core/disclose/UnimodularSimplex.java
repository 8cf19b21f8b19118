package org.pprl.core.disclose;

import java.util.Arrays;

/**
 * An exact two-phase simplex method in {@code long} arithmetic for {@code max c.x subject to A x =
 * b, x >= 0} where {@code A} is a totally unimodular 0/1 matrix and {@code b >= 0}, {@code c} are
 * integers.
 *
 * <p>Why integers suffice: pivoting keeps a totally unimodular tableau totally unimodular, so every
 * pivot element is +1 or -1 and every tableau entry stays in {-1, 0, 1}; the right-hand sides and
 * reduced costs stay integers. Each pivot checks that its element is a unit and that the entries it
 * produces stay in {-1, 0, 1}, and throws otherwise, so a matrix that is not totally unimodular is
 * caught rather than solved wrongly. Bland's rule (smallest index enters, smallest basic index
 * leaves among ties) prevents cycling on these very degenerate problems.
 *
 * <p>Written here rather than taken from Apache Commons Math 3.6.1, whose {@code SimplexSolver}
 * returns 0 for {@code max x2 s.t. x1 + x2 + x3 + x4 = 1, x >= 0} (the optimum is 1).
 */
final class UnimodularSimplex {
  /** The value {@link #maximize} returns for an unbounded objective. */
  static final long UNBOUNDED = Long.MAX_VALUE;

  private UnimodularSimplex() {}

  /**
   * The maximum of {@code c.x} over {@code A x = b, x >= 0}, or {@link #UNBOUNDED}.
   *
   * @param a {@code m} rows of {@code n} entries in {0, 1}
   * @param b {@code m} right-hand sides, each at least zero
   * @param c {@code n} objective coefficients
   * @param solution when not null and the maximum is finite, receives an optimal vertex, {@code n}
   *     integers
   * @throws IllegalStateException if the system is infeasible or {@code a} is not totally
   *     unimodular
   */
  static long maximize(int[][] a, long[] b, long[] c, long[] solution) {
    int m = a.length;
    int n = c.length;
    int width = n + m + 1; // structural columns, artificial columns, right-hand side
    int rhs = n + m;
    long[][] t = new long[m][width];
    int[] basis = new int[m];
    for (int i = 0; i < m; i++) {
      assert a[i].length == n && b[i] >= 0;
      for (int j = 0; j < n; j++) {
        t[i][j] = a[i][j];
      }
      t[i][n + i] = 1;
      t[i][rhs] = b[i];
      basis[i] = n + i;
    }
    boolean[] live = new boolean[m];
    Arrays.fill(live, true);

    // Phase 1: maximise -(sum of artificials); reduced cost of column j is -(sum of its column).
    long[] z = new long[width];
    for (int i = 0; i < m; i++) {
      for (int j = 0; j < n; j++) {
        z[j] -= t[i][j];
      }
      z[rhs] -= t[i][rhs];
    }
    if (!run(t, basis, live, z, n + m)) {
      throw new IllegalStateException("phase 1 unbounded: impossible");
    }
    if (z[rhs] != 0) {
      throw new IllegalStateException("the system is infeasible: the true table should satisfy it");
    }
    // Drive artificials out of the basis; a row with no structural entry left is redundant.
    for (int i = 0; i < m; i++) {
      if (basis[i] >= n) {
        int j = 0;
        while (j < n && t[i][j] == 0) {
          j++;
        }
        if (j < n) {
          pivot(t, basis, z, i, j);
        } else {
          live[i] = false;
        }
      }
    }
    // Phase 2: reduced costs of c over the structural columns.
    z = new long[width];
    for (int j = 0; j < n; j++) {
      z[j] = -c[j];
    }
    for (int i = 0; i < m; i++) {
      if (live[i]) {
        long cb = c[basis[i]];
        if (cb != 0) {
          for (int j = 0; j < width; j++) {
            z[j] += cb * t[i][j];
          }
        }
      }
    }
    if (!run(t, basis, live, z, n)) {
      return UNBOUNDED;
    }
    if (solution != null) {
      Arrays.fill(solution, 0);
      for (int i = 0; i < m; i++) {
        if (live[i] && basis[i] < n) {
          solution[basis[i]] = t[i][rhs];
        }
      }
    }
    return z[rhs];
  }

  /**
   * Pivots until no column below {@code enterable} has a negative reduced cost; false when a column
   * can grow without bound.
   */
  private static boolean run(long[][] t, int[] basis, boolean[] live, long[] z, int enterable) {
    int rhs = z.length - 1;
    while (true) {
      int enter = -1;
      for (int j = 0; j < enterable; j++) {
        if (z[j] < 0) {
          enter = j;
          break;
        }
      }
      if (enter < 0) {
        return true;
      }
      int leave = -1;
      for (int i = 0; i < t.length; i++) {
        if (live[i] && t[i][enter] > 0) {
          // Entries are units, so the ratio is the right-hand side itself.
          if (leave < 0
              || t[i][rhs] < t[leave][rhs]
              || (t[i][rhs] == t[leave][rhs] && basis[i] < basis[leave])) {
            leave = i;
          }
        }
      }
      if (leave < 0) {
        return false;
      }
      pivot(t, basis, z, leave, enter);
    }
  }

  private static void pivot(long[][] t, int[] basis, long[] z, int row, int col) {
    long p = t[row][col];
    if (p != 1 && p != -1) {
      throw new IllegalStateException("pivot " + p + ": the matrix is not totally unimodular");
    }
    long[] pr = t[row];
    if (p == -1) {
      for (int j = 0; j < pr.length; j++) {
        pr[j] = -pr[j];
      }
    }
    for (int i = 0; i < t.length; i++) {
      long f = t[i][col];
      if (i != row && f != 0) {
        long[] ti = t[i];
        int rhs = ti.length - 1;
        for (int j = 0; j < rhs; j++) {
          ti[j] -= f * pr[j];
          if (ti[j] > 1 || ti[j] < -1) {
            throw new IllegalStateException(
                "tableau entry " + ti[j] + ": the matrix is not totally unimodular");
          }
        }
        ti[rhs] -= f * pr[rhs];
      }
    }
    long f = z[col];
    if (f != 0) {
      for (int j = 0; j < z.length; j++) {
        z[j] -= f * pr[j];
      }
    }
    basis[row] = col;
  }
}
