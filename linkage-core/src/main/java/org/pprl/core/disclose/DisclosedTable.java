package org.pprl.core.disclose;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalDouble;
import java.util.OptionalLong;

/**
 * What an analyst may see of a {@link CountTable}: each count and its percentage of the base, or
 * the fact that it is suppressed. Made by {@link Suppressor#apply}; immutable.
 *
 * <p>Positions: every cell, row totals, column totals, the grand total and the base. With
 * cumulative columns a row's total is its last cell and the grand total is the last column's total,
 * so those accessors return the same answer as the cell or column total they stand for, and {@link
 * #toJson()} leaves them out.
 *
 * <p>A percentage is {@code 100 * count / base} rounded half up to one decimal. It is published
 * exactly when its count and the base are both published: a percentage beside a suppressed base
 * would let a reader recover the base. With a base of zero there are no percentages at all.
 */
public final class DisclosedTable {
  /** The symbol that stands for a suppressed count or percentage in {@link #toJson()}. */
  public static final String SUPPRESSED = "*";

  private static final long HIDDEN = -1;

  private final List<String> rows;
  private final List<String> columns;
  private final boolean cumulativeColumns;
  private final int minCellSize;
  private final int primarySuppressions;
  private final int complementarySuppressions;

  /** Count per item of the model, {@link #HIDDEN} when suppressed. */
  private final long[] count;

  /** Percentage in tenths per item, {@link #HIDDEN} when suppressed or undefined. */
  private final long[] tenths;

  /**
   * Where each position sits in {@link #count} and {@link #tenths}. Kept instead of the model: a
   * disclosed table holds no true value of anything it suppresses.
   */
  private final ItemLayout layout;

  DisclosedTable(
      CountTable table,
      TableModel m,
      boolean[] published,
      int minCellSize,
      int primarySuppressions,
      int complementarySuppressions) {
    this.rows = table.rows();
    this.columns = table.columns();
    this.cumulativeColumns = table.cumulativeColumns();
    this.minCellSize = minCellSize;
    this.primarySuppressions = primarySuppressions;
    this.complementarySuppressions = complementarySuppressions;
    this.layout = m.layout;
    assert layout.base() == m.base();
    long base = table.base();
    boolean basePublished = published[m.base()];
    count = new long[m.numberCount];
    tenths = new long[m.numberCount];
    for (int i = 0; i < m.numberCount; i++) {
      count[i] = published[i] ? m.value[i] : HIDDEN;
      tenths[i] =
          published[i] && basePublished && base > 0
              ? (Math.multiplyExact(2000L, m.value[i]) + base) / (2 * base)
              : HIDDEN;
    }
  }

  /** The row labels. */
  public List<String> rows() {
    return rows;
  }

  /** The column labels. */
  public List<String> columns() {
    return columns;
  }

  /** Whether each column includes the previous one. */
  public boolean cumulativeColumns() {
    return cumulativeColumns;
  }

  /** The smallest count that was published as it is. */
  public int minCellSize() {
    return minCellSize;
  }

  /** How many published positions were suppressed because their count was small. */
  public int primarySuppressions() {
    return primarySuppressions;
  }

  /** How many published positions were suppressed to protect others. */
  public int complementarySuppressions() {
    return complementarySuppressions;
  }

  /** The count at row {@code r}, column {@code c}, or empty when suppressed. */
  public OptionalLong cell(int r, int c) {
    return countOf(layout.cell(checkRow(r), checkColumn(c)));
  }

  /** The percentage at row {@code r}, column {@code c}, or empty when suppressed. */
  public OptionalDouble cellPercent(int r, int c) {
    return percentOf(layout.cell(checkRow(r), checkColumn(c)));
  }

  /** Row {@code r}'s total, or empty when suppressed. */
  public OptionalLong rowTotal(int r) {
    return countOf(layout.rowTotal(checkRow(r)));
  }

  /** Row {@code r}'s total as a percentage, or empty when suppressed. */
  public OptionalDouble rowTotalPercent(int r) {
    return percentOf(layout.rowTotal(checkRow(r)));
  }

  /** Column {@code c}'s total, or empty when suppressed. */
  public OptionalLong columnTotal(int c) {
    return countOf(layout.columnTotal(checkColumn(c)));
  }

  /** Column {@code c}'s total as a percentage, or empty when suppressed. */
  public OptionalDouble columnTotalPercent(int c) {
    return percentOf(layout.columnTotal(checkColumn(c)));
  }

  /** The grand total, or empty when suppressed. */
  public OptionalLong grandTotal() {
    return countOf(layout.grandTotal());
  }

  /** The grand total as a percentage, or empty when suppressed. */
  public OptionalDouble grandTotalPercent() {
    return percentOf(layout.grandTotal());
  }

  /** The base cohort size, or empty when suppressed. */
  public OptionalLong base() {
    return countOf(layout.base());
  }

  /** The base as a percentage (100.0 when published and not zero), or empty. */
  public OptionalDouble basePercent() {
    return percentOf(layout.base());
  }

  /**
   * This table as JSON-ready maps and lists, keys in a fixed order: {@code rows}, {@code columns},
   * {@code cumulativeColumns}, {@code minCellSize}, {@code suppressedSymbol}, {@code cells} and
   * {@code cellPercents} (lists of rows), {@code rowTotals} and {@code rowTotalPercents}, {@code
   * columnTotals} and {@code columnTotalPercents}, {@code grandTotal} and {@code
   * grandTotalPercent}, {@code base} and {@code basePercent}, {@code primarySuppressions}, {@code
   * complementarySuppressions}. A count is a {@code Long}, a percentage a {@code Double}; a
   * suppressed one is the string {@value #SUPPRESSED}, an undefined percentage (base zero) is null.
   * Row totals and the grand total are absent with cumulative columns.
   */
  public Map<String, Object> toJson() {
    Map<String, Object> json = new LinkedHashMap<>();
    json.put("rows", rows);
    json.put("columns", columns);
    json.put("cumulativeColumns", cumulativeColumns);
    json.put("minCellSize", minCellSize);
    json.put("suppressedSymbol", SUPPRESSED);
    List<Object> cells = new ArrayList<>();
    List<Object> cellPercents = new ArrayList<>();
    for (int r = 0; r < rows.size(); r++) {
      List<Object> row = new ArrayList<>();
      List<Object> rowPercents = new ArrayList<>();
      for (int c = 0; c < columns.size(); c++) {
        row.add(countJson(layout.cell(r, c)));
        rowPercents.add(percentJson(layout.cell(r, c)));
      }
      cells.add(row);
      cellPercents.add(rowPercents);
    }
    json.put("cells", cells);
    json.put("cellPercents", cellPercents);
    if (!cumulativeColumns) {
      List<Object> totals = new ArrayList<>();
      List<Object> percents = new ArrayList<>();
      for (int r = 0; r < rows.size(); r++) {
        totals.add(countJson(layout.rowTotal(r)));
        percents.add(percentJson(layout.rowTotal(r)));
      }
      json.put("rowTotals", totals);
      json.put("rowTotalPercents", percents);
    }
    List<Object> totals = new ArrayList<>();
    List<Object> percents = new ArrayList<>();
    for (int c = 0; c < columns.size(); c++) {
      totals.add(countJson(layout.columnTotal(c)));
      percents.add(percentJson(layout.columnTotal(c)));
    }
    json.put("columnTotals", totals);
    json.put("columnTotalPercents", percents);
    if (!cumulativeColumns) {
      json.put("grandTotal", countJson(layout.grandTotal()));
      json.put("grandTotalPercent", percentJson(layout.grandTotal()));
    }
    json.put("base", countJson(layout.base()));
    json.put("basePercent", percentJson(layout.base()));
    json.put("primarySuppressions", primarySuppressions);
    json.put("complementarySuppressions", complementarySuppressions);
    return json;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof DisclosedTable d && toJson().equals(d.toJson());
  }

  @Override
  public int hashCode() {
    return toJson().hashCode();
  }

  @Override
  public String toString() {
    return "DisclosedTable" + toJson();
  }

  private OptionalLong countOf(int item) {
    return count[item] == HIDDEN ? OptionalLong.empty() : OptionalLong.of(count[item]);
  }

  private OptionalDouble percentOf(int item) {
    return tenths[item] == HIDDEN ? OptionalDouble.empty() : OptionalDouble.of(tenths[item] / 10.0);
  }

  private Object countJson(int item) {
    return count[item] == HIDDEN ? SUPPRESSED : (Object) count[item];
  }

  private Object percentJson(int item) {
    if (tenths[item] != HIDDEN) {
      return tenths[item] / 10.0;
    }
    return count[item] != HIDDEN && count[layout.base()] == 0 ? null : SUPPRESSED;
  }

  private int checkRow(int r) {
    if (r < 0 || r >= rows.size()) {
      throw new IndexOutOfBoundsException("row " + r + ", expected 0.." + (rows.size() - 1));
    }
    return r;
  }

  private int checkColumn(int c) {
    if (c < 0 || c >= columns.size()) {
      throw new IndexOutOfBoundsException("column " + c + ", expected 0.." + (columns.size() - 1));
    }
    return c;
  }
}
