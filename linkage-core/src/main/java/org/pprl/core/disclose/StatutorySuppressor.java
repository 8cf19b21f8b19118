package org.pprl.core.disclose;

import java.math.RoundingMode;
import java.util.ArrayList;
import java.util.Arrays;
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
   * Complementary suppression, greedy: while some protected item is pinned, suppress the
   * smallest nonzero published cell of its table that shares a row or a column with it (zeros
   * last; ties: the first in row order); if there is none, the smallest published cell of its table; if every cell is
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
    boolean[] fixed = new boolean[layouts.size()];
    for (int t = 0; t < layouts.size(); t++) {
      Layout l = layouts.get(t);
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
   * Hides one more position of table {@code t} for a pinned item ({@code {table, isUnknown ? 1 : 0,
   * index}}): the first published cell, in the order below, whose hiding alone frees the item; if
   * none does, the first of them. Order: cells on the item's row or column first, then the others,
   * each by {@link #before}. False when every position of the table is hidden already.
   */
  private boolean suppressComplement(
      Audit audit, boolean[][] published, int t, int[] pinned, int[] item) {
    Layout l = audit.layouts.get(t);
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
      if (published[t][p] && l.isCell.get(p)) {
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
    published[t][candidates.get(0)] = false;
    return true;
  }

  private static boolean onLine(int[] cell, int[] item) {
    return cell != null && item != null && (cell[0] == item[0] || cell[1] == item[1]);
  }

  private static int smallestPublished(Layout l, boolean[] published, boolean cellsOnly) {
    int best = -1;
    for (int p = 0; p < published.length; p++) {
      if (published[p]
          && (!cellsOnly || l.isCell.get(p))
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

  /** The integer programs over the tables' unknowns, with the witnesses found so far. */
  private final class Audit {
    final List<Layout> layouts;
    private final int[] offset; // first variable of each table
    private final int variables;
    private final boolean[] zero; // per variable: zero by definition
    private final List<int[]> equal = new ArrayList<>(); // {table, position, table, position}
    private final List<int[]> within =
        new ArrayList<>(); // first position's persons within second's
    private final List<long[]> witnesses = new ArrayList<>();

    Audit(List<Input> inputs, List<Layout> layouts) {
      this.layouts = layouts;
      offset = new int[layouts.size() + 1];
      for (int t = 0; t < layouts.size(); t++) {
        offset[t + 1] = offset[t] + layouts.get(t).unknowns;
      }
      variables = offset[layouts.size()];
      zero = new boolean[variables];
      long[] truth = new long[variables];
      for (int t = 0; t < layouts.size(); t++) {
        Layout l = layouts.get(t);
        boolean[][] byDefinition = inputs.get(t).zeroByDefinition();
        for (int u = 0; u < l.unknowns; u++) {
          truth[offset[t] + u] = l.unknownCount[u];
          int r = u / l.columns;
          zero[offset[t] + u] =
              byDefinition != null && u < l.unknowns - 1 && byDefinition[r][u % l.columns];
        }
        long[] tally = new long[l.unknowns];
        for (int u : inputs.get(t).unknownOf()) {
          if (u >= 0) {
            tally[u]++;
          }
        }
        if (!Arrays.equals(tally, l.unknownCount)) {
          throw new IllegalArgumentException(
              "table " + t + "'s persons do not add up to its counts");
        }
      }
      witnesses.add(truth);
      relate(inputs);
    }

    /**
     * Finds, between positions of different tables, those that hold the same persons (equal) and
     * those whose persons are all in the other (within), from the persons themselves. The analyst
     * is taken to know every such relation, whether it follows from the questions or holds by
     * chance: more than it can know, so the audit is on the safe side.
     */
    private void relate(List<Input> inputs) {
      int persons = inputs.get(0).unknownOf().length;
      for (int a = 0; a < layouts.size(); a++) {
        for (int b = a + 1; b < layouts.size(); b++) {
          Layout la = layouts.get(a);
          Layout lb = layouts.get(b);
          List<List<Integer>> posA = positionsOfUnknowns(la);
          List<List<Integer>> posB = positionsOfUnknowns(lb);
          long[][] both = new long[la.members.size()][lb.members.size()];
          int[] ua = inputs.get(a).unknownOf();
          int[] ub = inputs.get(b).unknownOf();
          for (int p = 0; p < persons; p++) {
            if (ua[p] >= 0 && ub[p] >= 0) {
              for (int x : posA.get(ua[p])) {
                for (int y : posB.get(ub[p])) {
                  both[x][y]++;
                }
              }
            }
          }
          for (int x = 0; x < both.length; x++) {
            for (int y = 0; y < both[x].length; y++) {
              long cx = la.count.get(x);
              long cy = lb.count.get(y);
              if (cx > 0 && cx == cy && both[x][y] == cx) {
                equal.add(new int[] {a, x, b, y});
              } else if (cx > 0 && both[x][y] == cx) {
                within.add(new int[] {a, x, b, y});
              } else if (cy > 0 && both[x][y] == cy) {
                within.add(new int[] {b, y, a, x});
              }
            }
          }
        }
      }
    }

    private List<List<Integer>> positionsOfUnknowns(Layout l) {
      List<List<Integer>> out = new ArrayList<>();
      for (int u = 0; u < l.unknowns; u++) {
        out.add(new ArrayList<>());
      }
      for (int p = 0; p < l.members.size(); p++) {
        for (int u : l.members.get(p)) {
          out.get(u).add(p);
        }
      }
      return out;
    }

    /** The unknowns an item ({table, unknown ? 1 : 0, index}) sums. */
    int[] unknownsOf(int[] pinned) {
      Layout l = layouts.get(pinned[0]);
      return switch (pinned[1]) {
        case 1 -> new int[] {pinned[2]};
        case 2 -> l.derived.get(pinned[2]);
        default -> l.members.get(pinned[2]);
      };
    }

    /**
     * The first protected item that is pinned, as {table, kind, index} (kind 0 a position, 1 an
     * unknown, 2 a derived sum), or null.
     */
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
        for (int d = 0; d < l.derived.size(); d++) {
          if (small(l.derivedCount.get(d)) && pinned(published, t, l.derived.get(d))) {
            return new int[] {t, 2, d};
          }
        }
      }
      return null;
    }

    private long value(long[] x, int table, int[] unknowns) {
      long v = 0;
      for (int u : unknowns) {
        v += x[offset[table] + u];
      }
      return v;
    }

    boolean pinned(boolean[][] published, int table, int[] unknowns) {
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
      for (int[] e : equal) {
        if (value(w, e[0], member(e[0], e[1])) != value(w, e[2], member(e[2], e[3]))) {
          return false;
        }
      }
      for (int[] e : within) {
        if (value(w, e[0], member(e[0], e[1])) > value(w, e[2], member(e[2], e[3]))) {
          return false;
        }
      }
      return true;
    }

    private int[] member(int table, int position) {
      return layouts.get(table).members.get(position);
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
      Variable[] x = new Variable[variables];
      for (int v = 0; v < variables; v++) {
        x[v] = model.addVariable("x" + v).lower(0).integer(true);
        if (zero[v]) {
          x[v].upper(0);
        }
      }
      int n = 0;
      for (int t = 0; t < layouts.size(); t++) {
        Layout l = layouts.get(t);
        for (int p = 0; p < l.members.size(); p++) {
          long[] b = bounds(l, p, published[t][p]);
          Expression e = model.addExpression("p" + n++).lower(b[0]).upper(b[1]);
          for (int u : l.members.get(p)) {
            e.set(x[offset[t] + u], 1);
          }
        }
      }
      for (int[] e : equal) {
        relation(model, "e" + n++, x, e, 0L);
      }
      for (int[] e : within) {
        relation(model, "w" + n++, x, e, null);
      }
      Expression objective = model.addExpression("objective").weight(1);
      for (int u : unknowns) {
        objective.set(x[offset[table] + u], 1);
      }
      Optimisation.Result result = maximise ? model.maximise() : model.minimise();
      if (!result.getState().isOptimal()) {
        // The true counts are always feasible, and every position is bounded, so anything else
        // is a solver failure; refusing to release is the safe answer.
        throw new IllegalStateException("the audit's integer program ended " + result.getState());
      }
      long[] values = new long[variables];
      for (int v = 0; v < variables; v++) {
        values[v] = result.get(v).setScale(0, RoundingMode.HALF_UP).longValueExact();
      }
      return values;
    }

    /** first - second, at most {@code upper} (0: within), and exactly 0 when upper is 0L. */
    private void relation(
        ExpressionsBasedModel model, String name, Variable[] x, int[] e, Long exactZero) {
      Expression r = model.addExpression(name).upper(0);
      if (exactZero != null) {
        r.lower(0);
      }
      for (int u : member(e[0], e[1])) {
        r.add(x[offset[e[0]] + u], 1);
      }
      for (int u : member(e[2], e[3])) {
        r.add(x[offset[e[2]] + u], -1);
      }
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
