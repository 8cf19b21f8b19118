package org.pprl.core.disclose;

import java.util.ArrayList;
import java.util.List;

/**
 * A count table seen as linear algebra: the disjoint unknowns the table is made of, and every
 * number about it as a sum over a subset of those unknowns.
 *
 * <p>The unknowns are the disjoint base cells: the cells themselves for a table of disjoint
 * columns, the bands {@code counts[r][c] - counts[r][c - 1]} of a cumulative one, and in both the
 * remainder {@code base - persons} (the cohort members counted in no cell). Items {@code 0 ..
 * numberCount() - 1} are the numbers a disclosed table can publish, in position order: cells
 * row-major, then row totals, column totals and the grand total (for disjoint columns only: with
 * cumulative columns they are the last column's cells and column total), then the base. The
 * remaining items are hidden ones that are never published but can be derived: the remainder, and
 * for cumulative columns the bands of columns 1 and up (a band of column 0 is the cell itself).
 *
 * <p>A line is a set of items bound by one linear identity (a row and its total, a column and its
 * total, the grand total with the base and the remainder, two adjacent cumulative cells and the
 * band between them); the suppressor's greedy step looks along lines, the audit never does.
 */
final class TableModel {
  final int rows;
  final int columns;
  final boolean cumulative;

  /** Where the publishable numbers sit among the items. */
  final ItemLayout layout;

  /** The true value of each unknown. */
  final long[] unknownValue;

  /** The number of publishable items; items from here on are hidden. */
  final int numberCount;

  /** The true value of each item. */
  final long[] value;

  /** For each item, the indices of the unknowns it sums, ascending. */
  final int[][] support;

  /** For each line, its items. */
  final int[][] lines;

  /** For each item, the lines it lies on. */
  final int[][] linesOf;

  private TableModel(CountTable t) {
    rows = t.rows().size();
    columns = t.columns().size();
    cumulative = t.cumulativeColumns();
    layout = new ItemLayout(rows, columns, cumulative);
    int cells = rows * columns;
    int remainderUnknown = cells;
    unknownValue = new long[cells + 1];
    long persons = 0;
    for (int r = 0; r < rows; r++) {
      for (int c = 0; c < columns; c++) {
        long below = cumulative && c > 0 ? t.count(r, c - 1) : 0;
        unknownValue[r * columns + c] = t.count(r, c) - below;
        persons += unknownValue[r * columns + c];
      }
    }
    unknownValue[remainderUnknown] = t.base() - persons;

    List<int[]> supports = new ArrayList<>();
    List<int[]> lineList = new ArrayList<>();
    for (int r = 0; r < rows; r++) {
      for (int c = 0; c < columns; c++) {
        supports.add(
            cumulative ? range(r * columns, r * columns + c + 1) : new int[] {r * columns + c});
      }
    }
    if (cumulative) {
      for (int c = 0; c < columns; c++) {
        int[] s = new int[rows * (c + 1)];
        int k = 0;
        for (int r = 0; r < rows; r++) {
          for (int b = 0; b <= c; b++) {
            s[k++] = r * columns + b;
          }
        }
        supports.add(s);
      }
      supports.add(range(0, cells + 1)); // base
      numberCount = supports.size();
      int remainder = numberCount;
      supports.add(new int[] {remainderUnknown});
      for (int c = 0; c < columns; c++) {
        int[] line = new int[rows + 1];
        for (int r = 0; r < rows; r++) {
          line[r] = r * columns + c;
        }
        line[rows] = cells + c;
        lineList.add(line);
      }
      lineList.add(new int[] {cells + columns - 1, cells + columns, remainder});
      for (int r = 0; r < rows; r++) {
        for (int c = 1; c < columns; c++) {
          int band = supports.size();
          supports.add(new int[] {r * columns + c});
          lineList.add(new int[] {r * columns + c - 1, r * columns + c, band});
        }
      }
    } else {
      int rowTotals = cells;
      int columnTotals = cells + rows;
      int grand = columnTotals + columns;
      for (int r = 0; r < rows; r++) {
        supports.add(range(r * columns, (r + 1) * columns));
      }
      for (int c = 0; c < columns; c++) {
        int[] s = new int[rows];
        for (int r = 0; r < rows; r++) {
          s[r] = r * columns + c;
        }
        supports.add(s);
      }
      supports.add(range(0, cells)); // grand total
      supports.add(range(0, cells + 1)); // base
      numberCount = supports.size();
      supports.add(new int[] {remainderUnknown});
      for (int r = 0; r < rows; r++) {
        int[] line = new int[columns + 1];
        for (int c = 0; c < columns; c++) {
          line[c] = r * columns + c;
        }
        line[columns] = rowTotals + r;
        lineList.add(line);
      }
      for (int c = 0; c < columns; c++) {
        int[] line = new int[rows + 1];
        for (int r = 0; r < rows; r++) {
          line[r] = r * columns + c;
        }
        line[rows] = columnTotals + c;
        lineList.add(line);
      }
      lineList.add(append(range(rowTotals, rowTotals + rows), grand));
      lineList.add(append(range(columnTotals, columnTotals + columns), grand));
      lineList.add(new int[] {grand, grand + 1, numberCount});
    }
    support = supports.toArray(new int[0][]);
    value = new long[support.length];
    for (int i = 0; i < support.length; i++) {
      for (int u : support[i]) {
        value[i] += unknownValue[u];
      }
    }
    lines = lineList.toArray(new int[0][]);
    int[] degree = new int[support.length];
    for (int[] line : lines) {
      for (int item : line) {
        degree[item]++;
      }
    }
    linesOf = new int[support.length][];
    for (int i = 0; i < support.length; i++) {
      linesOf[i] = new int[degree[i]];
      degree[i] = 0;
    }
    for (int l = 0; l < lines.length; l++) {
      for (int item : lines[l]) {
        linesOf[item][degree[item]++] = l;
      }
    }
  }

  static TableModel of(CountTable t) {
    return new TableModel(t);
  }

  int itemCount() {
    return support.length;
  }

  int unknownCount() {
    return unknownValue.length;
  }

  int cell(int r, int c) {
    return layout.cell(r, c);
  }

  int rowTotal(int r) {
    return layout.rowTotal(r);
  }

  int columnTotal(int c) {
    return layout.columnTotal(c);
  }

  int grandTotal() {
    return layout.grandTotal();
  }

  int base() {
    return numberCount - 1;
  }

  private static int[] range(int from, int to) {
    int[] a = new int[to - from];
    for (int i = 0; i < a.length; i++) {
      a[i] = from + i;
    }
    return a;
  }

  private static int[] append(int[] a, int x) {
    int[] b = java.util.Arrays.copyOf(a, a.length + 1);
    b[a.length] = x;
    return b;
  }
}
