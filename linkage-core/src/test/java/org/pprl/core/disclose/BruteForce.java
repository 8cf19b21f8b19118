package org.pprl.core.disclose;

import java.util.ArrayList;
import java.util.List;
import java.util.OptionalDouble;
import java.util.OptionalLong;

/**
 * The test oracle for suppression, independent of the suppressor's model and audit: a depth-first
 * enumeration of the non-negative integer tables consistent with a disclosed table, in the
 * analyst's own terms (cells as published, cumulative or not, then the base), every disjoint
 * unknown (cell, band, remainder) bounded by the true base plus one. A published base implies the
 * bound anyway; the one spare unit keeps a hidden count free to move up even when the cohort is
 * empty, as it is for a reader who does not know the base.
 *
 * <p>For each target (a suppressed count, a small remainder, a small cumulative band) it searches
 * for one consistent table in which the target differs from its true value; a target with none is
 * pinned. Values are tried nearest the true table first, so a protected target is usually answered
 * within a few leaves.
 */
final class BruteForce {
  private final CountTable t;
  private final DisclosedTable d;
  private final int rows;
  private final int columns;
  private final boolean cumulative;
  private final long bound;
  private final long[][] x;
  private long leaves;
  private static final long LEAF_LIMIT = 50_000_000L;

  private BruteForce(CountTable t, DisclosedTable d) {
    this.t = t;
    this.d = d;
    rows = t.rows().size();
    columns = t.columns().size();
    cumulative = t.cumulativeColumns();
    bound = t.base() + 1;
    x = new long[rows][columns];
  }

  /** Descriptions of every target a reader can pin to one value; empty when the table is safe. */
  static List<String> pinned(CountTable t, DisclosedTable d, int minCellSize) {
    BruteForce b = new BruteForce(t, d);
    List<String> pinned = new ArrayList<>();
    for (Target target : b.targets(minCellSize)) {
      if (!b.search(target, 0, 0)) {
        pinned.add(target.toString());
      }
    }
    return pinned;
  }

  /** Descriptions of every published count in {@code 1 .. minCellSize - 1}. */
  static List<String> smallPublished(CountTable t, DisclosedTable d, int minCellSize) {
    List<String> small = new ArrayList<>();
    int rows = t.rows().size();
    int columns = t.columns().size();
    for (int r = 0; r < rows; r++) {
      for (int c = 0; c < columns; c++) {
        check(small, "cell " + r + "," + c, d.cell(r, c), minCellSize);
      }
      check(small, "row total " + r, d.rowTotal(r), minCellSize);
    }
    for (int c = 0; c < columns; c++) {
      check(small, "column total " + c, d.columnTotal(c), minCellSize);
    }
    check(small, "grand total", d.grandTotal(), minCellSize);
    check(small, "base", d.base(), minCellSize);
    return small;
  }

  private static void check(List<String> small, String what, OptionalLong v, int min) {
    if (v.isPresent() && v.getAsLong() >= 1 && v.getAsLong() < min) {
      small.add(what);
    }
  }

  private enum Kind {
    CELL,
    ROW,
    COLUMN,
    GRAND,
    BASE,
    REMAINDER,
    BAND
  }

  private record Target(Kind kind, int r, int c, long truth) {
    @Override
    public String toString() {
      return kind + " " + r + "," + c;
    }
  }

  private List<Target> targets(int min) {
    List<Target> targets = new ArrayList<>();
    long persons = 0;
    for (int r = 0; r < rows; r++) {
      for (int c = 0; c < columns; c++) {
        if (d.cell(r, c).isEmpty()) {
          targets.add(new Target(Kind.CELL, r, c, t.count(r, c)));
        }
        if (cumulative && c > 0) {
          long band = t.count(r, c) - t.count(r, c - 1);
          if (band >= 1 && band < min) {
            targets.add(new Target(Kind.BAND, r, c, band));
          }
        }
      }
      long rowTotal = rowTotal(t.counts()[r]);
      persons += rowTotal;
      if (!cumulative && d.rowTotal(r).isEmpty()) {
        targets.add(new Target(Kind.ROW, r, 0, rowTotal));
      }
    }
    for (int c = 0; c < columns; c++) {
      if (d.columnTotal(c).isEmpty()) {
        long sum = 0;
        for (int r = 0; r < rows; r++) {
          sum += t.count(r, c);
        }
        targets.add(new Target(Kind.COLUMN, 0, c, sum));
      }
    }
    if (!cumulative && d.grandTotal().isEmpty()) {
      targets.add(new Target(Kind.GRAND, 0, 0, persons));
    }
    if (d.base().isEmpty()) {
      targets.add(new Target(Kind.BASE, 0, 0, t.base()));
    }
    long remainder = t.base() - persons;
    if (remainder >= 1 && remainder < min) {
      targets.add(new Target(Kind.REMAINDER, 0, 0, remainder));
    }
    return targets;
  }

  private long rowTotal(long[] row) {
    if (cumulative) {
      return row[row.length - 1];
    }
    long s = 0;
    for (long v : row) {
      s += v;
    }
    return s;
  }

  /** Whether some consistent completion of cells before (r, c) makes the target differ. */
  private boolean search(Target target, int r, int c) {
    if (r == rows) {
      return leaf(target);
    }
    long lo = cumulative && c > 0 ? x[r][c - 1] : 0;
    long hi = lo + bound;
    OptionalLong published = d.cell(r, c);
    if (published.isPresent()) {
      lo = Math.max(lo, published.getAsLong());
      hi = Math.min(hi, published.getAsLong());
    }
    long truth = t.count(r, c);
    // Nearest the true value first: truth, truth+1, truth-1, truth+2, ...
    for (long step = 0; truth + step <= hi || truth - step >= lo; step++) {
      for (long v : step == 0 ? new long[] {truth} : new long[] {truth + step, truth - step}) {
        if (v < lo || v > hi) {
          continue;
        }
        if (target.kind == Kind.CELL && target.r == r && target.c == c && v == truth) {
          continue;
        }
        x[r][c] = v;
        if (!partialOk(r, c)) {
          continue;
        }
        int nr = c + 1 == columns ? r + 1 : r;
        int nc = c + 1 == columns ? 0 : c + 1;
        if (search(target, nr, nc)) {
          return true;
        }
      }
    }
    return false;
  }

  /** Published row, column and grand totals still reachable after setting cell (r, c). */
  private boolean partialOk(int r, int c) {
    if (!cumulative && d.rowTotal(r).isPresent()) {
      long s = 0;
      for (int k = 0; k <= c; k++) {
        s += x[r][k];
      }
      long want = d.rowTotal(r).getAsLong();
      if (s > want || (c == columns - 1 && s != want)) {
        return false;
      }
    }
    if (d.columnTotal(c).isPresent()) {
      long s = 0;
      for (int k = 0; k <= r; k++) {
        s += x[k][c];
      }
      long want = d.columnTotal(c).getAsLong();
      if (s > want || (r == rows - 1 && s != want)) {
        return false;
      }
    }
    if (!cumulative && d.grandTotal().isPresent()) {
      long s = 0;
      for (int i = 0; i <= r; i++) {
        for (int k = 0; k < (i == r ? c + 1 : columns); k++) {
          s += x[i][k];
        }
      }
      long want = d.grandTotal().getAsLong();
      if (s > want || (r == rows - 1 && c == columns - 1 && s != want)) {
        return false;
      }
    }
    return true;
  }

  private boolean leaf(Target target) {
    if (++leaves > LEAF_LIMIT) {
      throw new IllegalStateException("brute force over " + LEAF_LIMIT + " leaves: table too big");
    }
    long persons = 0;
    for (long[] row : x) {
      persons += rowTotal(row);
    }
    long zLo = 0;
    long zHi = bound;
    if (d.base().isPresent()) {
      zLo = zHi = d.base().getAsLong() - persons;
      if (zLo < 0 || zLo > bound) {
        return false;
      }
    }
    for (long z = zLo; z <= zHi; z++) {
      long base = persons + z;
      if (percentagesAgree(base) && value(target, persons, base, z) != target.truth) {
        return true;
      }
    }
    return false;
  }

  private boolean percentagesAgree(long base) {
    for (int r = 0; r < rows; r++) {
      for (int c = 0; c < columns; c++) {
        if (!agrees(d.cellPercent(r, c), x[r][c], base)) {
          return false;
        }
      }
      if (!agrees(d.rowTotalPercent(r), rowTotal(x[r]), base)) {
        return false;
      }
    }
    return true;
  }

  private static boolean agrees(OptionalDouble percent, long count, long base) {
    return percent.isEmpty()
        || (base > 0 && Math.abs(percent.getAsDouble() - 100.0 * count / base) <= 0.05 + 1e-9);
  }

  private long value(Target target, long persons, long base, long z) {
    return switch (target.kind) {
      case CELL -> x[target.r][target.c];
      case ROW -> rowTotal(x[target.r]);
      case COLUMN -> {
        long s = 0;
        for (long[] row : x) {
          s += row[target.c];
        }
        yield s;
      }
      case GRAND -> persons;
      case BASE -> base;
      case REMAINDER -> z;
      case BAND -> x[target.r][target.c] - x[target.r][target.c - 1];
    };
  }
}
