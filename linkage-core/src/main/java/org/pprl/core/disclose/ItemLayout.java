package org.pprl.core.disclose;

/**
 * Where each publishable number of a table sits among the items of {@link TableModel}: cells
 * row-major, then row totals, column totals and the grand total (with cumulative columns the row
 * totals are the last column's cells and the grand total the last column's total), then the base.
 * Holds no values, so a disclosed table can keep it without keeping the model.
 */
record ItemLayout(int rows, int columns, boolean cumulative) {
  int cell(int r, int c) {
    return r * columns + c;
  }

  /** The item of row {@code r}'s total; with cumulative columns, its last cell. */
  int rowTotal(int r) {
    return cumulative ? cell(r, columns - 1) : rows * columns + r;
  }

  int columnTotal(int c) {
    return rows * columns + (cumulative ? 0 : rows) + c;
  }

  /** The item of the grand total; with cumulative columns, the last column's total. */
  int grandTotal() {
    return cumulative ? columnTotal(columns - 1) : columnTotal(columns);
  }

  int base() {
    return grandTotal() + 1;
  }
}
