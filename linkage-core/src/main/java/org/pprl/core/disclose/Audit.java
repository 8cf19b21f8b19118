package org.pprl.core.disclose;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * An exact answer to "can a reader pin this item to one value?" for one choice of published
 * numbers: whether the non-negative integer tables consistent with every published number give the
 * item at least two different values.
 *
 * <p>Why linear programming is exact here. The published numbers are equations {@code sum over S_p
 * of u = v_p} over non-negative unknowns {@code u}. Their subsets {@code S_p} fall into two laminar
 * families (any two sets in a family are nested or disjoint): for disjoint columns, {cells, rows,
 * all cells, all cells plus the remainder} and {columns}; for cumulative columns, {each row's
 * prefixes} and {the column totals' prefixes, all bands plus the remainder}. The incidence matrix
 * of the union of two laminar families is totally unimodular (a classical result going back to
 * Edmonds), and dropping columns for unknowns already fixed keeps it so. So the polyhedron of
 * consistent tables has integral vertices and the minimum and maximum of any item over it are
 * attained at integer tables; the item takes two integer values exactly when its LP range is not a
 * single point. The answer does not rest on this argument alone: {@link UnimodularSimplex} throws
 * unless every pivot is a unit, and when every pivot is a unit the optimal vertex it returns is an
 * integer table, so a finished solve is exact whatever the matrix. The brute-force test checks the
 * whole audit on random tables.
 *
 * <p>How. A presolve fixes every unknown that a published number with a single unfixed unknown
 * pins, and every unknown of a published number whose unfixed part must sum to zero, until nothing
 * changes; an item whose unknowns are all fixed is pinned. The rest of the system splits into
 * connected components (unknowns sharing a published number), and only the components holding the
 * item's unknowns go to the simplex solver: maximise, then minimise, and compare with the true
 * value. The true table is always feasible, so a fixed unknown's value is its true value.
 *
 * <p>Every optimum the solver returns is an integer table consistent with the publication; those
 * that differ from the true table are kept as witnesses, and an item whose value differs in a
 * witness can vary without solving anything. Most items are settled this way.
 *
 * <p>Monotone: publishing fewer numbers only enlarges the set of consistent tables, so an item that
 * can vary keeps varying as suppression grows. The suppressor relies on this to audit each item
 * only until it first passes.
 */
final class Audit {
  private final TableModel m;
  private final boolean[] fixed;

  /** For each unfixed unknown, its component's representative. */
  private final int[] parent;

  /** Published numbers left with two or more unfixed unknowns. */
  private final int[] open;

  /**
   * Known consistent tables other than the true one, each as its difference from the true unknowns.
   * Any item whose value differs in one of them can vary, without a linear program.
   */
  private final List<long[]> witnesses;

  /** Prepares the audit of one publication. */
  Audit(TableModel m, boolean[] published) {
    this(m, published, new ArrayList<>());
  }

  /**
   * Prepares the audit of one publication, sharing witnesses with earlier audits.
   *
   * @param published for each number item, whether it is published
   * @param witnesses differences from the true table of tables consistent with this publication
   *     (any found under a publication that published a superset of these numbers qualifies, as
   *     publishing less only admits more tables); this audit adds the ones it finds
   */
  Audit(TableModel m, boolean[] published, List<long[]> witnesses) {
    assert published.length == m.numberCount;
    this.m = m;
    this.witnesses = witnesses;
    int n = m.unknownCount();
    fixed = new boolean[n];
    boolean changed = true;
    while (changed) {
      changed = false;
      for (int p = 0; p < m.numberCount; p++) {
        if (!published[p]) {
          continue;
        }
        int free = 0;
        int last = -1;
        long residual = m.value[p];
        for (int u : m.support[p]) {
          if (fixed[u]) {
            residual -= m.unknownValue[u];
          } else {
            free++;
            last = u;
          }
        }
        if (free == 1) {
          fixed[last] = true;
          changed = true;
        } else if (free > 1 && residual == 0) {
          for (int u : m.support[p]) {
            fixed[u] = true;
          }
          changed = true;
        }
      }
    }
    parent = new int[n];
    for (int u = 0; u < n; u++) {
      parent[u] = u;
    }
    int[] openList = new int[m.numberCount];
    int opened = 0;
    for (int p = 0; p < m.numberCount; p++) {
      if (!published[p]) {
        continue;
      }
      int first = -1;
      for (int u : m.support[p]) {
        if (!fixed[u]) {
          if (first < 0) {
            first = u;
          } else {
            parent[find(u)] = find(first);
          }
        }
      }
      if (first >= 0) {
        openList[opened++] = p;
      }
    }
    open = Arrays.copyOf(openList, opened);
  }

  /** Whether the consistent integer tables give {@code item} at least two different values. */
  boolean canVary(int item) {
    int n = m.unknownCount();
    boolean[] inItem = new boolean[n];
    boolean[] rootWanted = new boolean[n];
    long trueFree = 0;
    boolean anyFree = false;
    for (int u : m.support[item]) {
      if (!fixed[u]) {
        inItem[u] = true;
        rootWanted[find(u)] = true;
        trueFree += m.unknownValue[u];
        anyFree = true;
      }
    }
    if (!anyFree) {
      return false;
    }
    for (long[] delta : witnesses) {
      long change = 0;
      for (int u : m.support[item]) {
        change += delta[u];
      }
      if (change != 0) {
        return true;
      }
    }
    int[] column = new int[n];
    Arrays.fill(column, -1);
    int vars = 0;
    for (int u = 0; u < n; u++) {
      if (!fixed[u] && rootWanted[find(u)]) {
        column[u] = vars++;
      }
    }
    int[][] rows = new int[open.length][];
    long[] residuals = new long[open.length];
    int constraints = 0;
    for (int p : open) {
      int[] row = null;
      long residual = m.value[p];
      for (int u : m.support[p]) {
        if (fixed[u]) {
          residual -= m.unknownValue[u];
        } else if (column[u] >= 0) {
          if (row == null) {
            row = new int[vars];
          }
          row[column[u]] = 1;
        }
      }
      if (row != null) {
        rows[constraints] = row;
        residuals[constraints++] = residual;
      }
    }
    if (constraints == 0) {
      return true; // the item's unknowns appear in no published number: unbounded
    }
    int[][] a = Arrays.copyOf(rows, constraints);
    long[] b = Arrays.copyOf(residuals, constraints);
    long[] objective = new long[vars];
    for (int u = 0; u < n; u++) {
      if (inItem[u]) {
        objective[column[u]] = 1;
      }
    }
    long[] x = new long[vars];
    long max = UnimodularSimplex.maximize(a, b, objective, x);
    if (max == UnimodularSimplex.UNBOUNDED) {
      return true;
    }
    keepWitness(column, x);
    if (max > trueFree) {
      return true;
    }
    for (int j = 0; j < vars; j++) {
      objective[j] = -objective[j];
    }
    long min = -UnimodularSimplex.maximize(a, b, objective, x);
    keepWitness(column, x);
    return min < trueFree;
  }

  /** Adds the table with unknown {@code u} at {@code x[column[u]]}, if it is not the true one. */
  private void keepWitness(int[] column, long[] x) {
    long[] delta = new long[m.unknownCount()];
    boolean differs = false;
    for (int u = 0; u < delta.length; u++) {
      if (column[u] >= 0) {
        delta[u] = x[column[u]] - m.unknownValue[u];
        differs |= delta[u] != 0;
      }
    }
    if (differs) {
      witnesses.add(delta);
    }
  }

  private int find(int u) {
    while (parent[u] != u) {
      parent[u] = parent[parent[u]];
      u = parent[u];
    }
    return u;
  }
}
