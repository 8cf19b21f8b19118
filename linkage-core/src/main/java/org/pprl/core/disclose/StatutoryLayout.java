package org.pprl.core.disclose;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * A statutory table's positions (cells, row totals, column totals, grand total, base), each the set
 * of the table's unknowns it sums, with its count and key; the unknowns (cells, or bands per row,
 * then the remainder) with their counts; and the sums of unknowns that are never published but
 * follow from what is.
 */
final class StatutoryLayout {
  final CountTable table;
  final int rows;
  final int columns;
  final int unknowns;
  final List<int[]> members = new ArrayList<>(); // per position: unknown indices
  final List<Long> count = new ArrayList<>();
  final List<Long> key = new ArrayList<>();

  /** Whether position {@code p} is a cell (not a total or the base). */
  boolean isCell(int p) {
    return cellAt.get(p) != null;
  }

  final List<int[]> cellAt = new ArrayList<>(); // {r, c} for cells, null otherwise
  final long[] unknownCount;

  /**
   * Sums of unknowns that are never published but follow from what is: with cumulative columns,
   * each column's band over all rows (the difference of two column totals).
   */
  final List<int[]> derived = new ArrayList<>();

  final List<Long> derivedCount = new ArrayList<>();
  final int[][] cellPosition;
  final int[] rowTotalPosition;
  final int[] columnTotalPosition;
  int grandTotalPosition = -1;
  int basePosition;

  StatutoryLayout(StatutorySuppressor.Input in) {
    table = in.table();
    rows = table.rows().size();
    columns = table.columns().size();
    unknowns = rows * columns + 1;
    boolean cumulative = table.cumulativeColumns();
    unknownCount = new long[unknowns];
    long persons = 0;
    for (int r = 0; r < rows; r++) {
      for (int c = 0; c < columns; c++) {
        long v = table.count(r, c);
        unknownCount[r * columns + c] = cumulative && c > 0 ? v - table.count(r, c - 1) : v;
      }
      persons += cumulative ? table.count(r, columns - 1) : rowSum(table, r);
    }
    unknownCount[unknowns - 1] = table.base() - persons;
    cellPosition = new int[rows][columns];
    rowTotalPosition = new int[rows];
    columnTotalPosition = new int[columns];
    Arrays.fill(rowTotalPosition, -1);
    long[] columnKeys = new long[columns];
    long grandKey = 0;
    for (int r = 0; r < rows; r++) {
      long rowKey = 0;
      for (int c = 0; c < columns; c++) {
        int[] m =
            cumulative ? range(r * columns, r * columns + c + 1) : new int[] {r * columns + c};
        cellPosition[r][c] = add(m, table.count(r, c), in.cellKeys()[r][c], new int[] {r, c});
        columnKeys[c] += in.cellKeys()[r][c];
        rowKey += in.cellKeys()[r][c];
      }
      if (!cumulative) {
        rowTotalPosition[r] =
            add(range(r * columns, (r + 1) * columns), rowSum(table, r), rowKey, null);
        grandKey += rowKey;
      }
    }
    for (int c = 0; c < columns; c++) {
      List<Integer> m = new ArrayList<>();
      long total = 0;
      for (int r = 0; r < rows; r++) {
        for (int k = cumulative ? 0 : c; k <= c; k++) {
          m.add(r * columns + k);
        }
        total += table.count(r, c);
      }
      columnTotalPosition[c] =
          add(m.stream().mapToInt(Integer::intValue).toArray(), total, columnKeys[c], null);
    }
    if (!cumulative) {
      grandTotalPosition = add(range(0, rows * columns), persons, grandKey, null);
    }
    basePosition = add(range(0, unknowns), table.base(), in.baseKey(), null);
    for (int c = 1; c < columns && cumulative; c++) {
      int[] band = new int[rows];
      long n = 0;
      for (int r = 0; r < rows; r++) {
        band[r] = r * columns + c;
        n += unknownCount[r * columns + c];
      }
      derived.add(band);
      derivedCount.add(n);
    }
  }

  /** Adds a position; {@code at} is {r, c} for a cell, null for a total or the base. */
  private int add(int[] m, long c, long k, int[] at) {
    members.add(m);
    count.add(c);
    key.add(k);
    cellAt.add(at);
    return members.size() - 1;
  }

  private static long rowSum(CountTable t, int r) {
    long s = 0;
    for (int c = 0; c < t.columns().size(); c++) {
      s += t.count(r, c);
    }
    return s;
  }

  private static int[] range(int from, int to) {
    int[] out = new int[to - from];
    for (int i = 0; i < out.length; i++) {
      out[i] = from + i;
    }
    return out;
  }
}
