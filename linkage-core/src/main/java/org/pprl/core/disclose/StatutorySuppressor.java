package org.pprl.core.disclose;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.ojalgo.optimisation.Expression;
import org.ojalgo.optimisation.ExpressionsBasedModel;
import org.ojalgo.optimisation.Optimisation;
import org.ojalgo.optimisation.Variable;

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
   * of one table's unknowns. Across tables, persons are matched exactly: a person's signature is
   * the unknown it is in in each table (or none), and the audit's variables are the numbers of
   * persons of each signature that occurs. Signatures that do not occur are fixed at zero, which
   * is more than an analyst knows (it treats every empty combination as known to be empty), so
   * the audit is on the safe side; in particular every cell that is zero by definition is known.
   *
   * What an analyst is taken to know: every published count exactly; for every suppressed
   * position, its ad-hoc answer under the cell-key method (the same persons asked as an ad-hoc
   * question), read as the perturbation's main table allows: a number p bounds the count to
   * [max(p - D, (p + 1) / 2), p + D], the symbol to [0, minCellSize - 1 + D]; counts are whole and
   * not negative.
   *
   * Protected: every position and every unknown whose count is 1 to minCellSize - 1. The audit
   * asks an integer program (ojAlgo) for the smallest and largest value of each protected item
   * over all signature counts consistent with the above; an item is safe when they differ. Every
   * solution found is kept as a witness, and an item that two witnesses already give different
   * values needs no solve of its own.
   *
   * Complementary suppression, greedy: while some protected item is pinned, suppress the
   * smallest published cell of its table that shares a row or a column with it (ties: the first
   * in row order); if there is none, the smallest published cell of its table; if every cell is
   * hidden, the smallest published total. Totals are otherwise kept: the law's readers need them.
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
   */
  public record Input(CountTable table, long[][] cellKeys, long baseKey, int[] unknownOf) {}

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

  /** A table's positions: each a set of its unknowns, with its count and key. */
  private static final class Layout {
    final CountTable table;
    final int rows;
    final int columns;
    final int unknowns;
    final List<int[]> members = new ArrayList<>(); // per position: unknown indices
    final List<Long> count = new ArrayList<>();
    final List<Long> key = new ArrayList<>();
    final List<Boolean> isCell = new ArrayList<>();
    final List<int[]> cellAt = new ArrayList<>(); // {r, c} for cells, null otherwise
    final long[] unknownCount;
    final int[][] cellPosition;
    final int[] rowTotalPosition;
    final int[] columnTotalPosition;
    int grandTotalPosition = -1;
    int basePosition;

    Layout(Input in) {
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
          cellPosition[r][c] =
              add(m, table.count(r, c), in.cellKeys()[r][c], true, new int[] {r, c});
          columnKeys[c] += in.cellKeys()[r][c];
          rowKey += in.cellKeys()[r][c];
        }
        if (!cumulative) {
          rowTotalPosition[r] =
              add(range(r * columns, (r + 1) * columns), rowSum(table, r), rowKey, false, null);
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
            add(
                m.stream().mapToInt(Integer::intValue).toArray(),
                total,
                columnKeys[c],
                false,
                null);
      }
      if (!cumulative) {
        grandTotalPosition = add(range(0, rows * columns), persons, grandKey, false, null);
      }
      basePosition = add(range(0, unknowns), table.base(), in.baseKey(), false, null);
    }

    private int add(int[] m, long c, long k, boolean cell, int[] at) {
      members.add(m);
      count.add(c);
      key.add(k);
      isCell.add(cell);
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
    List<Layout> layouts = new ArrayList<>();
    for (Input in : inputs) {
      if (in.unknownOf().length != inputs.get(0).unknownOf().length) {
        throw new IllegalArgumentException("the tables' person arrays differ in length");
      }
      layouts.add(new Layout(in));
    }
    Audit audit = new Audit(inputs, layouts);
    boolean[][] published = new boolean[layouts.size()][];
    for (int t = 0; t < layouts.size(); t++) {
      Layout l = layouts.get(t);
      published[t] = new boolean[l.members.size()];
      for (int p = 0; p < published[t].length; p++) {
        published[t][p] = !small(l.count.get(p));
      }
    }
    for (int round = 0; ; round++) {
      int[] pinned = audit.firstPinned(published);
      if (pinned == null) {
        break;
      }
      if (!suppressComplement(layouts.get(pinned[0]), published[pinned[0]], pinned)) {
        throw new IllegalStateException(
            "table " + pinned[0] + " cannot be protected: every position is hidden");
      }
      assert round < 10_000 : "suppression terminates: each round hides one more position";
    }
    List<Map<String, Object>> out = new ArrayList<>();
    for (int t = 0; t < layouts.size(); t++) {
      out.add(json(layouts.get(t), published[t]));
    }
    return out;
  }

  private boolean small(long count) {
    return count >= 1 && count < minCellSize;
  }

  /**
   * Hides one more position for a pinned item ({@code {table, isUnknown ? 1 : 0, index}}); false
   * when every position of its table is hidden already.
   */
  private boolean suppressComplement(Layout l, boolean[] published, int[] pinned) {
    int[] lineRows;
    int[] lineColumns;
    if (pinned[1] == 1) {
      int u = pinned[2];
      lineRows = u == l.unknowns - 1 ? new int[0] : new int[] {u / l.columns};
      lineColumns = u == l.unknowns - 1 ? new int[0] : new int[] {u % l.columns};
    } else {
      int[] at = l.cellAt.get(pinned[2]);
      lineRows = at == null ? new int[0] : new int[] {at[0]};
      lineColumns = at == null ? new int[0] : new int[] {at[1]};
    }
    int best = -1;
    for (int p = 0; p < published.length; p++) {
      int[] at = l.cellAt.get(p);
      if (!published[p] || at == null) {
        continue;
      }
      boolean onLine =
          Arrays.stream(lineRows).anyMatch(r -> r == at[0])
              || Arrays.stream(lineColumns).anyMatch(c -> c == at[1]);
      if (onLine && (best < 0 || l.count.get(p) < l.count.get(best))) {
        best = p;
      }
    }
    if (best < 0) {
      best = smallestPublished(l, published, true);
    }
    if (best < 0) {
      best = smallestPublished(l, published, false);
    }
    if (best < 0) {
      return false;
    }
    published[best] = false;
    return true;
  }

  private static int smallestPublished(Layout l, boolean[] published, boolean cellsOnly) {
    int best = -1;
    for (int p = 0; p < published.length; p++) {
      if (published[p]
          && (!cellsOnly || l.isCell.get(p))
          && (best < 0 || l.count.get(p) < l.count.get(best))) {
        best = p;
      }
    }
    return best;
  }

  /** The integer programs over signature counts, with the witnesses found so far. */
  private final class Audit {
    private final List<Layout> layouts;
    private final int[][] unknownOfSignature; // per signature, per table: unknown or -1
    private final long[] signatureCount;
    private final List<long[]> witnesses = new ArrayList<>(); // signature counts

    Audit(List<Input> inputs, List<Layout> layouts) {
      this.layouts = layouts;
      int persons = inputs.get(0).unknownOf().length;
      Map<List<Integer>, Integer> index = new HashMap<>();
      List<int[]> signatures = new ArrayList<>();
      List<Long> counts = new ArrayList<>();
      for (int p = 0; p < persons; p++) {
        int[] sig = new int[inputs.size()];
        boolean any = false;
        for (int t = 0; t < sig.length; t++) {
          sig[t] = inputs.get(t).unknownOf()[p];
          any |= sig[t] >= 0;
        }
        if (!any) {
          continue;
        }
        List<Integer> k = Arrays.stream(sig).boxed().toList();
        Integer i = index.get(k);
        if (i == null) {
          index.put(k, signatures.size());
          signatures.add(sig);
          counts.add(1L);
        } else {
          counts.set(i, counts.get(i) + 1);
        }
      }
      unknownOfSignature = signatures.toArray(new int[0][]);
      signatureCount = counts.stream().mapToLong(Long::longValue).toArray();
      witnesses.add(signatureCount.clone());
      for (int t = 0; t < layouts.size(); t++) {
        long[] tally = new long[layouts.get(t).unknowns];
        for (int s = 0; s < unknownOfSignature.length; s++) {
          if (unknownOfSignature[s][t] >= 0) {
            tally[unknownOfSignature[s][t]] += signatureCount[s];
          }
        }
        if (!Arrays.equals(tally, layouts.get(t).unknownCount)) {
          throw new IllegalArgumentException(
              "table " + t + "'s persons do not add up to its counts");
        }
      }
    }

    /** The first protected item that is pinned, as {table, unknown ? 1 : 0, index}, or null. */
    int[] firstPinned(boolean[][] published) {
      for (int t = 0; t < layouts.size(); t++) {
        Layout l = layouts.get(t);
        for (int p = 0; p < l.members.size(); p++) {
          if (small(l.count.get(p)) && pinned(published, t, l.members.get(p))) {
            return new int[] {t, 0, p};
          }
        }
        for (int u = 0; u < l.unknowns; u++) {
          if (small(l.unknownCount[u]) && pinned(published, t, new int[] {u})) {
            return new int[] {t, 1, u};
          }
        }
      }
      return null;
    }

    private long value(long[] counts, int table, int[] unknowns) {
      long v = 0;
      for (int s = 0; s < counts.length; s++) {
        int u = unknownOfSignature[s][table];
        if (u >= 0 && Arrays.binarySearch(unknowns, u) >= 0) {
          v += counts[s];
        }
      }
      return v;
    }

    private boolean pinned(boolean[][] published, int table, int[] unknowns) {
      long first = value(witnesses.get(0), table, unknowns);
      for (long[] w : witnesses) {
        if (consistent(w, published) && value(w, table, unknowns) != first) {
          return false;
        }
      }
      long[] low = solve(published, table, unknowns, false);
      long[] high = solve(published, table, unknowns, true);
      witnesses.add(low);
      witnesses.add(high);
      return value(low, table, unknowns) == value(high, table, unknowns);
    }

    /** Whether a witness fits what is published now (suppression only widens the set). */
    private boolean consistent(long[] w, boolean[][] published) {
      for (int t = 0; t < layouts.size(); t++) {
        Layout l = layouts.get(t);
        for (int p = 0; p < l.members.size(); p++) {
          long v = value(w, t, l.members.get(p));
          long[] bounds = bounds(l, p, published[t][p]);
          if (v < bounds[0] || v > bounds[1]) {
            return false;
          }
        }
      }
      return true;
    }

    /** What an analyst knows of position p: exact when published, its ad-hoc reading if not. */
    private long[] bounds(Layout l, int p, boolean isPublished) {
      long count = l.count.get(p);
      if (isPublished) {
        return new long[] {count, count};
      }
      long adHoc = perturbation.perturb(count, l.key.get(p));
      int d = perturbation.maxMain();
      if (adHoc < minCellSize) {
        return new long[] {0, minCellSize - 1L + d};
      }
      return new long[] {Math.max(adHoc - d, (adHoc + 2) / 2), adHoc + d};
    }

    private long[] solve(boolean[][] published, int table, int[] unknowns, boolean maximise) {
      ExpressionsBasedModel model = new ExpressionsBasedModel();
      Variable[] x = new Variable[signatureCount.length];
      for (int s = 0; s < x.length; s++) {
        x[s] = model.addVariable("s" + s).lower(0).integer(true);
      }
      int n = 0;
      for (int t = 0; t < layouts.size(); t++) {
        Layout l = layouts.get(t);
        for (int p = 0; p < l.members.size(); p++) {
          long[] b = bounds(l, p, published[t][p]);
          Expression e = model.addExpression("p" + n++).lower(b[0]).upper(b[1]);
          int[] m = l.members.get(p);
          for (int s = 0; s < x.length; s++) {
            int u = unknownOfSignature[s][t];
            if (u >= 0 && Arrays.binarySearch(m, u) >= 0) {
              e.set(x[s], 1);
            }
          }
        }
      }
      Expression objective = model.addExpression("objective").weight(1);
      for (int s = 0; s < x.length; s++) {
        int u = unknownOfSignature[s][table];
        if (u >= 0 && Arrays.binarySearch(unknowns, u) >= 0) {
          objective.set(x[s], 1);
        }
      }
      Optimisation.Result result = maximise ? model.maximise() : model.minimise();
      if (!result.getState().isOptimal()) {
        // The true counts are always feasible, and every position is bounded, so anything else
        // is a solver failure; refusing to release is the safe answer.
        throw new IllegalStateException("the audit's integer program ended " + result.getState());
      }
      long[] counts = new long[x.length];
      for (int s = 0; s < x.length; s++) {
        BigDecimal v = result.get(s);
        counts[s] = v.setScale(0, RoundingMode.HALF_UP).longValueExact();
      }
      return counts;
    }
  }

  private Map<String, Object> json(Layout l, boolean[] published) {
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

  private static Object shown(Layout l, boolean[] published, int p) {
    return published[p] ? (Object) l.count.get(p) : DisclosedTable.SUPPRESSED;
  }
}
