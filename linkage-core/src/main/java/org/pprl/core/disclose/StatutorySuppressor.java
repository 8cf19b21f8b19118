package org.pprl.core.disclose;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Exact counts for the statutory tables released together for one population: every count from 1 to
 * {@code minCellSize - 1} and enough others are shown as the symbol that no suppressed count, and
 * no small count that is never published (a band between two windows, the cohort counted in no
 * cell), can be worked out from everything the set publishes, together with what an analyst can get
 * from ad-hoc questions about the same cells.
 */
public final class StatutorySuppressor {
  /*
   * The model. Each table has unknowns: its cells (disjoint columns) or its bands (cumulative
   * columns: the persons whose event falls between two windows) per row, and the cohort persons
   * counted in no cell. Every position (cell, row total, column total, grand total, base) is a sum
   * of one table's unknowns. A cell that the question's definition makes zero is known to be zero.
   * Between tables, the audit finds from the persons themselves which positions hold the same
   * persons and which hold only persons of another, and takes the analyst to know every such
   * relation (the same cohort in two tables, a table and the same question without rows), whether
   * it follows from the questions or holds by chance: more than an analyst can know, so the audit
   * errs on the safe side.
   *
   * What an analyst is taken to know: every published count exactly; for every suppressed
   * position, its ad-hoc answer under the cell-key method (the same persons asked as an ad-hoc
   * question), read as the perturbation's main table allows: a number p bounds the count to
   * [max(p - D, (p + 1) / 2), p + D], the symbol to [0, minCellSize - 1 + D]; counts are whole and
   * not negative.
   *
   * Protected: every position, every unknown and, with cumulative columns, every column's band
   * over all rows (the difference of two column totals) whose count is 1 to minCellSize - 1. The audit
   * asks an integer program (ojAlgo) for the smallest and largest value of each protected item
   * over all tables of whole numbers consistent with the above; an item is safe when they differ. Every
   * solution found is kept as a witness, and an item that two witnesses already give different
   * values needs no solve of its own.
   *
   * Complementary suppression, greedy: while some protected item is pinned, hide the first
   * published cell of its table, in this order, whose hiding alone frees it: cells on its row or
   * column first, then the others, each smallest count first with zeros last (ties: the first in
   * row order); if no single cell frees it, the first nonzero of them; if every cell is hidden,
   * the smallest published total. Totals are otherwise kept: the law's readers need them.
   * Only the symbol is shown: no count of suppressions or other metadata.
   */

  private final int minCellSize;
  private final CellKeyPerturbation perturbation;

  /**
   * One statutory table with what the audit needs of its persons.
   *
   * @param table the true counts
   * @param cellKeys each cell's key sum, in the table's shape
   * @param baseKey the base's key sum
   * @param unknownOf per person number (common to every table of the set), the unknown the person
   *     is in ({@code r * columns + c}, the remainder {@code rows * columns}) or -1
   * @param zeroByDefinition per cell, whether the question's definition makes it 0 (an overlap
   *     question's "(no record)" row in a column where its agency holds the person); known to every
   *     reader, so never counted on as protection. Null for none.
   * @param released for a table released before over the same population, which of its positions
   *     were shown (in the order of {@link #positions}); they stay as they were, and the new tables
   *     are suppressed so that the whole set is safe. Null for a new table.
   */
  public record Input(
      CountTable table,
      long[][] cellKeys,
      long baseKey,
      int[] unknownOf,
      boolean[][] zeroByDefinition,
      boolean[] released) {
    /** A table released for the first time, with no cell zero by definition. */
    public Input(CountTable table, long[][] cellKeys, long baseKey, int[] unknownOf) {
      this(table, cellKeys, baseKey, unknownOf, null, null);
    }
  }

  /**
   * @param minCellSize at least 2; counts 1 to this minus one are suppressed
   * @param perturbation the ad-hoc answers' perturbation, whose main table bounds what an analyst
   *     learns of a suppressed position by asking it ad hoc
   */
  public StatutorySuppressor(int minCellSize, CellKeyPerturbation perturbation) {
    if (minCellSize < 2) {
      throw new IllegalArgumentException("minCellSize is " + minCellSize + ", expected >= 2");
    }
    this.minCellSize = minCellSize;
    this.perturbation = perturbation;
  }

  /**
   * Suppresses a set of tables released together.
   *
   * @return per table, its JSON as an analyst receives it: rows, columns, cumulativeColumns,
   *     minCellSize, suppressedSymbol, cells, rowTotals and grandTotal (disjoint columns),
   *     columnTotals, base; each a count or the symbol
   * @throws IllegalArgumentException if the tables' person arrays differ in length
   * @throws IllegalStateException if no suppression pattern protects every item (only when every
   *     position of a table would have to be hidden)
   */
  public List<Map<String, Object>> apply(List<Input> inputs) {
    List<StatutoryLayout> layouts = new ArrayList<>();
    for (Input in : inputs) {
      if (in.unknownOf().length != inputs.get(0).unknownOf().length) {
        throw new IllegalArgumentException("the tables' person arrays differ in length");
      }
      layouts.add(new StatutoryLayout(in));
    }
    StatutoryAudit audit = new StatutoryAudit(inputs, layouts, minCellSize, perturbation);
    boolean[][] published = new boolean[layouts.size()][];
    boolean[] fixed = new boolean[layouts.size()];
    for (int t = 0; t < layouts.size(); t++) {
      StatutoryLayout l = layouts.get(t);
      boolean[] released = inputs.get(t).released();
      fixed[t] = released != null;
      if (fixed[t] && released.length != l.members.size()) {
        throw new IllegalArgumentException(
            "table "
                + t
                + " was released with "
                + released.length
                + " positions, it has "
                + l.members.size());
      }
      published[t] = fixed[t] ? released.clone() : new boolean[l.members.size()];
      for (int p = 0; p < published[t].length && !fixed[t]; p++) {
        published[t][p] = !small(l.count.get(p));
      }
    }
    for (int round = 0; ; round++) {
      int[] pinned = audit.firstPinned(published);
      if (pinned == null) {
        break;
      }
      int[] item = audit.unknownsOf(pinned);
      boolean hidden = false;
      if (!fixed[pinned[0]]) {
        hidden = suppressComplement(audit, published, pinned[0], pinned, item);
      }
      // An item of a table released before can only be protected by hiding more of the new ones.
      for (int t = 0; t < layouts.size() && !hidden; t++) {
        if (!fixed[t]) {
          hidden = suppressComplement(audit, published, t, pinned, item);
        }
      }
      if (!hidden) {
        throw new IllegalStateException(
            "table " + pinned[0] + " cannot be protected: every position it may hide is hidden");
      }
      assert round < 10_000 : "suppression terminates: each round hides one more position";
    }
    List<Map<String, Object>> out = new ArrayList<>();
    for (int t = 0; t < layouts.size(); t++) {
      out.add(json(layouts.get(t), published[t]));
    }
    return out;
  }

  /**
   * Which positions of a released table's JSON are shown, in the order the audit numbers them: per
   * row its cells then (disjoint columns) its row total; then the column totals; the grand total
   * (disjoint columns); the base.
   */
  public static boolean[] positions(Map<String, ?> json) {
    List<Boolean> shown = new ArrayList<>();
    List<?> cells = (List<?>) json.get("cells");
    List<?> rowTotals = (List<?>) json.get("rowTotals");
    for (int r = 0; r < cells.size(); r++) {
      for (Object v : (List<?>) cells.get(r)) {
        shown.add(!(v instanceof String));
      }
      if (rowTotals != null) {
        shown.add(!(rowTotals.get(r) instanceof String));
      }
    }
    for (Object v : (List<?>) json.get("columnTotals")) {
      shown.add(!(v instanceof String));
    }
    if (json.get("grandTotal") != null) {
      shown.add(!(json.get("grandTotal") instanceof String));
    }
    shown.add(!(json.get("base") instanceof String));
    boolean[] out = new boolean[shown.size()];
    for (int i = 0; i < out.length; i++) {
      out[i] = shown.get(i);
    }
    return out;
  }

  private boolean small(long count) {
    return count >= 1 && count < minCellSize;
  }

  /**
   * Hides one more position of table {@code t} for a pinned item ({@code {table, kind, index}},
   * kind 0 a position, 1 an unknown, 2 a derived sum): the first published cell, in the order
   * below, whose hiding alone frees the item; if none does, the first nonzero of them. Order: cells
   * on the item's row or column first, then the others, each by {@link #before}. False when every
   * position of the table is hidden already.
   */
  private boolean suppressComplement(
      StatutoryAudit audit, boolean[][] published, int t, int[] pinned, int[] item) {
    StatutoryLayout l = audit.layouts.get(t);
    int[] at =
        switch (pinned[1]) {
          case 1 ->
              pinned[2] == l.unknowns - 1
                  ? null
                  : new int[] {pinned[2] / l.columns, pinned[2] % l.columns};
          case 2 -> new int[] {-1, pinned[2] + 1}; // a column's band over all rows
          default -> l.cellAt.get(pinned[2]);
        };
    List<Integer> candidates = new ArrayList<>();
    for (int p = 0; p < published[t].length; p++) {
      if (published[t][p] && l.isCell(p)) {
        candidates.add(p);
      }
    }
    candidates.sort(
        (a, b) -> {
          boolean la = onLine(l.cellAt.get(a), at);
          boolean lb = onLine(l.cellAt.get(b), at);
          if (la != lb) {
            return la ? -1 : 1;
          }
          long ca = l.count.get(a);
          long cb = l.count.get(b);
          return before(ca, cb) ? -1 : before(cb, ca) ? 1 : Integer.compare(a, b);
        });
    if (candidates.isEmpty()) {
      int p = smallestPublished(l, published[t], false);
      if (p < 0) {
        return false;
      }
      published[t][p] = false;
      return true;
    }
    for (int p : candidates) {
      published[t][p] = false;
      if (!audit.pinned(published, pinned[0], item)) {
        return true;
      }
      published[t][p] = true;
    }
    // No single cell frees it: hide the first nonzero one (a zero hidden among published zeros of
    // a cumulative row gives no freedom at all), or the first if every one left is zero.
    int fallback = candidates.get(0);
    for (int p : candidates) {
      if (l.count.get(p) > 0) {
        fallback = p;
        break;
      }
    }
    published[t][fallback] = false;
    return true;
  }

  private static boolean onLine(int[] cell, int[] item) {
    return cell != null && item != null && (cell[0] == item[0] || cell[1] == item[1]);
  }

  private static int smallestPublished(StatutoryLayout l, boolean[] published, boolean cellsOnly) {
    int best = -1;
    for (int p = 0; p < published.length; p++) {
      if (published[p]
          && (!cellsOnly || l.isCell(p))
          && (best < 0 || before(l.count.get(p), l.count.get(best)))) {
        best = p;
      }
    }
    return best;
  }

  /**
   * The order complements are chosen in: the smallest count first, but a zero last. A zero hidden
   * beside a small count protects it only as far as its ad-hoc answer is vague, costs as much to a
   * reader as any other hidden count, and is usually the cell a reader would guess.
   */
  private static boolean before(long a, long b) {
    if ((a == 0) != (b == 0)) {
      return b == 0;
    }
    return a < b;
  }

  private Map<String, Object> json(StatutoryLayout l, boolean[] published) {
    Map<String, Object> json = new LinkedHashMap<>();
    json.put("rows", l.table.rows());
    json.put("columns", l.table.columns());
    json.put("cumulativeColumns", l.table.cumulativeColumns());
    json.put("minCellSize", minCellSize);
    json.put("suppressedSymbol", DisclosedTable.SUPPRESSED);
    json.put("protection", "suppression");
    List<Object> cells = new ArrayList<>();
    for (int r = 0; r < l.rows; r++) {
      List<Object> row = new ArrayList<>();
      for (int c = 0; c < l.columns; c++) {
        row.add(shown(l, published, l.cellPosition[r][c]));
      }
      cells.add(row);
    }
    json.put("cells", cells);
    if (!l.table.cumulativeColumns()) {
      List<Object> totals = new ArrayList<>();
      for (int r = 0; r < l.rows; r++) {
        totals.add(shown(l, published, l.rowTotalPosition[r]));
      }
      json.put("rowTotals", totals);
    }
    List<Object> totals = new ArrayList<>();
    for (int c = 0; c < l.columns; c++) {
      totals.add(shown(l, published, l.columnTotalPosition[c]));
    }
    json.put("columnTotals", totals);
    if (l.grandTotalPosition >= 0) {
      json.put("grandTotal", shown(l, published, l.grandTotalPosition));
    }
    json.put("base", shown(l, published, l.basePosition));
    return json;
  }

  private static Object shown(StatutoryLayout l, boolean[] published, int p) {
    return published[p] ? (Object) l.count.get(p) : DisclosedTable.SUPPRESSED;
  }
}
