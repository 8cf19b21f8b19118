package org.pprl.core.disclose;

import java.util.List;

/**
 * The raw answer to an overlap question before any disclosure control: counts of persons by row
 * category and column, out of a base cohort. It is never released as it is; {@code Suppressor}
 * turns it into what an analyst may see.
 *
 * <p>Rows are disjoint categories (a breakdown, or one row when there is none). Columns are
 * disjoint categories too, unless {@code cumulativeColumns}: then each column counts everything the
 * previous one does and more (within 30 days, within 90 days, ...), so {@code counts[r][c] >=
 * counts[r][c - 1]}. {@code base} is the size of the cohort the question starts from, which may
 * hold persons counted in no cell (never in a shelter, say); it is at least the number of persons
 * the cells count, and it is the denominator of every percentage.
 *
 * @param rows the row labels, at least one, distinct
 * @param columns the column labels, at least one, distinct
 * @param counts {@code counts[r][c]}, each at least zero
 * @param cumulativeColumns whether each column includes the previous one
 * @param base the cohort size
 */
public record CountTable(
    List<String> rows,
    List<String> columns,
    long[][] counts,
    boolean cumulativeColumns,
    long base) {

  public CountTable {
    rows = List.copyOf(rows);
    columns = List.copyOf(columns);
    if (rows.isEmpty() || columns.isEmpty()) {
      throw new IllegalArgumentException(
          "a table needs at least one row and one column, got "
              + rows.size()
              + " x "
              + columns.size());
    }
    if (rows.stream().distinct().count() != rows.size()
        || columns.stream().distinct().count() != columns.size()) {
      throw new IllegalArgumentException("row labels and column labels must be distinct");
    }
    if (counts.length != rows.size()) {
      throw new IllegalArgumentException(
          "counts has " + counts.length + " rows, expected " + rows.size());
    }
    long[][] copy = new long[counts.length][];
    long persons = 0;
    for (int r = 0; r < counts.length; r++) {
      if (counts[r].length != columns.size()) {
        throw new IllegalArgumentException(
            "counts row "
                + r
                + " has "
                + counts[r].length
                + " columns, expected "
                + columns.size());
      }
      copy[r] = counts[r].clone();
      for (int c = 0; c < copy[r].length; c++) {
        if (copy[r][c] < 0) {
          throw new IllegalArgumentException(
              "count at row " + r + ", column " + c + " is negative");
        }
        if (cumulativeColumns && c > 0 && copy[r][c] < copy[r][c - 1]) {
          throw new IllegalArgumentException(
              "cumulative count at row " + r + ", column " + c + " is below the previous column's");
        }
      }
      persons += cumulativeColumns ? copy[r][copy[r].length - 1] : sum(copy[r]);
    }
    if (base < persons) {
      throw new IllegalArgumentException(
          "base " + base + " is smaller than the " + persons + " persons the cells count");
    }
    counts = copy;
  }

  /** The count at row {@code r}, column {@code c}. */
  public long count(int r, int c) {
    return counts[r][c];
  }

  @Override
  public long[][] counts() {
    long[][] copy = new long[counts.length][];
    for (int r = 0; r < counts.length; r++) {
      copy[r] = counts[r].clone();
    }
    return copy;
  }

  private static long sum(long[] values) {
    long s = 0;
    for (long v : values) {
      s += v;
    }
    return s;
  }
}
