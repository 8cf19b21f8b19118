package org.pprl.core.disclose;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;

/**
 * What an analyst may see of an ad-hoc question's {@link CountTable} under the cell-key method:
 * every published number is its true count perturbed by {@link CellKeyPerturbation}, looked up from
 * the sum of its persons' keys, and a perturbed value from 0 to {@code minCellSize - 1} is shown as
 * the symbol.
 *
 * <p>Why 0 is shown as the symbol too. The perturbation keeps a true 0 at 0, so a published 0 would
 * be an exact fact: that nobody is in the cell. Exact zeros are what an attacker needs to turn
 * noisy answers into facts about one person: a cell shown as the symbol in one population and as 0
 * in the next, after one record was removed, says that this record's person was its only member. So
 * the symbol stands for 0 to {@code minCellSize - 1} after perturbation, and nothing published
 * bounds a count exactly.
 *
 * <p>Why this protects against differencing. Every position (cell, row total, column total, grand
 * total, base) is perturbed on its own, from its own persons' keys: totals are not the sums of the
 * published cells, and two positions that differ by one person differ by independent noise as well
 * as by that person. The same persons always give the same key and so the same published value, in
 * any question, any run and any project over the same extracts: asking again, or asking the same
 * cell another way, adds nothing. Nothing but the perturbed values is published: no count of
 * suppressions and no true count.
 *
 * <p>Percentages are computed from the published values ({@code 100 * value / base}, half up to one
 * decimal), and only when both are shown as numbers.
 */
public final class PerturbedTable {
  private final List<String> rows;
  private final List<String> columns;
  private final boolean cumulativeColumns;
  private final int minCellSize;
  private final long[][] cells;
  private final long[] rowTotals;
  private final long[] columnTotals;
  private final long grandTotal;
  private final long base;

  private PerturbedTable(
      CountTable table,
      int minCellSize,
      long[][] cells,
      long[] rowTotals,
      long[] columnTotals,
      long grandTotal,
      long base) {
    this.rows = table.rows();
    this.columns = table.columns();
    this.cumulativeColumns = table.cumulativeColumns();
    this.minCellSize = minCellSize;
    this.cells = cells;
    this.rowTotals = rowTotals;
    this.columnTotals = columnTotals;
    this.grandTotal = grandTotal;
    this.base = base;
  }

  /**
   * Perturbs every position of a table.
   *
   * @param table the true counts
   * @param cellKeys the key sum of each cell's persons, in the table's shape (cumulative like the
   *     counts when the columns are)
   * @param baseKey the key sum of the base's persons
   * @param perturbation the perturbation table
   * @param minCellSize published values from 1 to this minus one are shown as the symbol
   */
  public static PerturbedTable of(
      CountTable table,
      long[][] cellKeys,
      long baseKey,
      CellKeyPerturbation perturbation,
      int minCellSize) {
    int nr = table.rows().size();
    int nc = table.columns().size();
    if (cellKeys.length != nr) {
      throw new IllegalArgumentException(
          "cellKeys has " + cellKeys.length + " rows, expected " + nr);
    }
    if (minCellSize < 1) {
      throw new IllegalArgumentException("minCellSize is " + minCellSize + ", expected >= 1");
    }
    long[][] cells = new long[nr][nc];
    long[] rowTotals = new long[nr];
    long[] columnTotals = new long[nc];
    long[] columnKeys = new long[nc];
    long[] columnCounts = new long[nc];
    long grandCount = 0;
    long grandKey = 0;
    for (int r = 0; r < nr; r++) {
      if (cellKeys[r].length != nc) {
        throw new IllegalArgumentException(
            "cellKeys row " + r + " has " + cellKeys[r].length + " columns, expected " + nc);
      }
      long rowCount = 0;
      long rowKey = 0;
      for (int c = 0; c < nc; c++) {
        long count = table.count(r, c);
        cells[r][c] = perturbation.perturb(count, cellKeys[r][c]);
        columnCounts[c] += count;
        columnKeys[c] += cellKeys[r][c];
        rowCount += count;
        rowKey += cellKeys[r][c];
      }
      if (table.cumulativeColumns()) {
        rowTotals[r] = cells[r][nc - 1]; // the last cumulative cell holds the row's persons
      } else {
        rowTotals[r] = perturbation.perturb(rowCount, rowKey);
        grandCount += rowCount;
        grandKey += rowKey;
      }
    }
    for (int c = 0; c < nc; c++) {
      columnTotals[c] = perturbation.perturb(columnCounts[c], columnKeys[c]);
    }
    long grand =
        table.cumulativeColumns()
            ? columnTotals[nc - 1]
            : perturbation.perturb(grandCount, grandKey);
    return new PerturbedTable(
        table,
        minCellSize,
        cells,
        rowTotals,
        columnTotals,
        grand,
        perturbation.perturb(table.base(), baseKey));
  }

  /** The row labels. */
  public List<String> rows() {
    return rows;
  }

  /** The column labels. */
  public List<String> columns() {
    return columns;
  }

  /** The published value of a cell; empty when it is shown as the symbol. */
  public OptionalLong cell(int r, int c) {
    return shown(cells[r][c]);
  }

  /** The published row total (with cumulative columns, the row's last cell). */
  public OptionalLong rowTotal(int r) {
    return shown(rowTotals[r]);
  }

  /** The published column total. */
  public OptionalLong columnTotal(int c) {
    return shown(columnTotals[c]);
  }

  /** The published grand total (with cumulative columns, the last column's total). */
  public OptionalLong grandTotal() {
    return shown(grandTotal);
  }

  /** The published base. */
  public OptionalLong base() {
    return shown(base);
  }

  /**
   * The JSON an analyst receives: {@code rows}, {@code columns}, {@code cumulativeColumns}, {@code
   * minCellSize}, {@code suppressedSymbol}, {@code protection} ({@code "cell-key"}), {@code cells}
   * and {@code cellPercents}, {@code rowTotals} and {@code grandTotal} with their percentages
   * (disjoint columns only), {@code columnTotals}, {@code base}; a number, the symbol {@code "*"},
   * the symbol for a percentage of either.
   */
  public Map<String, Object> toJson() {
    Map<String, Object> json = new LinkedHashMap<>();
    json.put("rows", rows);
    json.put("columns", columns);
    json.put("cumulativeColumns", cumulativeColumns);
    json.put("minCellSize", minCellSize);
    json.put("suppressedSymbol", DisclosedTable.SUPPRESSED);
    json.put("protection", "cell-key");
    List<Object> cellJson = new ArrayList<>();
    List<Object> cellPercents = new ArrayList<>();
    for (long[] row : cells) {
      List<Object> values = new ArrayList<>();
      List<Object> percents = new ArrayList<>();
      for (long v : row) {
        values.add(countJson(v));
        percents.add(percentJson(v));
      }
      cellJson.add(values);
      cellPercents.add(percents);
    }
    json.put("cells", cellJson);
    json.put("cellPercents", cellPercents);
    if (!cumulativeColumns) {
      json.put("rowTotals", listJson(rowTotals, false));
      json.put("rowTotalPercents", listJson(rowTotals, true));
    }
    json.put("columnTotals", listJson(columnTotals, false));
    json.put("columnTotalPercents", listJson(columnTotals, true));
    if (!cumulativeColumns) {
      json.put("grandTotal", countJson(grandTotal));
      json.put("grandTotalPercent", percentJson(grandTotal));
    }
    json.put("base", countJson(base));
    json.put("basePercent", percentJson(base));
    return json;
  }

  private boolean small(long value) {
    return value < minCellSize; // 0 too: see the class comment
  }

  private OptionalLong shown(long value) {
    return small(value) ? OptionalLong.empty() : OptionalLong.of(value);
  }

  private List<Object> listJson(long[] values, boolean percents) {
    List<Object> out = new ArrayList<>(values.length);
    for (long v : values) {
      out.add(percents ? percentJson(v) : countJson(v));
    }
    return out;
  }

  private Object countJson(long value) {
    return small(value) ? DisclosedTable.SUPPRESSED : (Object) value;
  }

  private Object percentJson(long value) {
    if (small(value) || small(base)) {
      return DisclosedTable.SUPPRESSED;
    }
    return (Math.multiplyExact(2000L, value) + base) / (2 * base) / 10.0;
  }
}
