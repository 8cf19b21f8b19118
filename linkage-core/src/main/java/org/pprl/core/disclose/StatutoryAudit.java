package org.pprl.core.disclose;

import java.math.RoundingMode;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.ojalgo.optimisation.Expression;
import org.ojalgo.optimisation.ExpressionsBasedModel;
import org.ojalgo.optimisation.Optimisation;
import org.ojalgo.optimisation.Variable;

/**
 * The exact audit of {@link StatutorySuppressor}: integer programs over the tables' unknowns, with
 * the witnesses found so far. Its model is in the suppressor's design notes.
 */
final class StatutoryAudit {
  final List<StatutoryLayout> layouts;
  private final int[] offset; // first variable of each table
  private final int variables;
  private final boolean[] zero; // per variable: zero by definition
  private final List<int[]> equal = new ArrayList<>(); // {table, position, table, position}
  private final List<int[]> within = new ArrayList<>(); // first position's persons within second's
  private final List<long[]> witnesses = new ArrayList<>();

  private final int minCellSize;
  private final CellKeyPerturbation perturbation;

  StatutoryAudit(
      List<StatutorySuppressor.Input> inputs,
      List<StatutoryLayout> layouts,
      int minCellSize,
      CellKeyPerturbation perturbation) {
    this.minCellSize = minCellSize;
    this.perturbation = perturbation;
    this.layouts = layouts;
    offset = new int[layouts.size() + 1];
    for (int t = 0; t < layouts.size(); t++) {
      offset[t + 1] = offset[t] + layouts.get(t).unknowns;
    }
    variables = offset[layouts.size()];
    zero = new boolean[variables];
    long[] truth = new long[variables];
    for (int t = 0; t < layouts.size(); t++) {
      StatutoryLayout l = layouts.get(t);
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
        throw new IllegalArgumentException("table " + t + "'s persons do not add up to its counts");
      }
    }
    witnesses.add(truth);
    relate(inputs);
  }

  /**
   * Finds, between positions of different tables, those that hold the same persons (equal) and
   * those whose persons are all in the other (within), from the persons themselves. The analyst is
   * taken to know every such relation, whether it follows from the questions or holds by chance:
   * more than it can know, so the audit is on the safe side.
   */
  private void relate(List<StatutorySuppressor.Input> inputs) {
    int persons = inputs.get(0).unknownOf().length;
    for (int a = 0; a < layouts.size(); a++) {
      for (int b = a + 1; b < layouts.size(); b++) {
        StatutoryLayout la = layouts.get(a);
        StatutoryLayout lb = layouts.get(b);
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

  private List<List<Integer>> positionsOfUnknowns(StatutoryLayout l) {
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

  /**
   * The unknowns an item ({table, kind, index}; kind 0 a position, 1 an unknown, 2 a derived sum)
   * sums.
   */
  int[] unknownsOf(int[] pinned) {
    StatutoryLayout l = layouts.get(pinned[0]);
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
      StatutoryLayout l = layouts.get(t);
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
      StatutoryLayout l = layouts.get(t);
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
  private long[] bounds(StatutoryLayout l, int p, boolean isPublished) {
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
      StatutoryLayout l = layouts.get(t);
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

  private boolean small(long count) {
    return count >= 1 && count < minCellSize;
  }
}
