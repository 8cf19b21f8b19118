package org.pprl.server;

import com.fasterxml.jackson.databind.JsonNode;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.ojalgo.optimisation.Expression;
import org.ojalgo.optimisation.ExpressionsBasedModel;
import org.ojalgo.optimisation.Optimisation;
import org.ojalgo.optimisation.Variable;

/**
 * An analyst who solves everything it was published together, exactly, with integer programming
 * (ojAlgo's MILP solver). It shares no code with the service: it reads only the released JSON, the
 * meaning of the questions it asked, and the perturbation's documented support.
 *
 * <p>Unknowns are whole non-negative numbers of persons: for a table with disjoint columns, one per
 * cell plus the cohort persons counted in no cell; for cumulative columns, one per band (persons
 * whose event falls between two windows) per row, plus the remainder. Every published position
 * (cell, row total, column total, grand total, base) is a sum of them. The attacker assumes the
 * strongest reading of the mechanism that it can state as bounds: a count c is published as c + d
 * with |d| at most {@code maxNoise} and at most c - 1 (the main table; its rare tail is ignored,
 * which only helps the attacker), 0 stays 0, and a value below the minimum cell size is shown as
 * the symbol. So a published number p bounds c to [max(p - D, (p + 1) / 2), p + D] and the symbol
 * bounds it to [0, m - 1 + D]. Links between tables (the same persons asked two ways, or one person
 * removed between two runs) are added by the caller, who knows what it asked.
 *
 * <p>{@link #range} gives the smallest and largest value of any sum of unknowns over every table of
 * whole numbers consistent with all of that: a value is known exactly when the two are equal.
 */
final class ExactAttacker {
  private final int maxNoise;
  private final int minCellSize;
  private final List<Variable> variables = new ArrayList<>();
  private final List<Constraint> constraints = new ArrayList<>();

  /** A linear sum of unknowns, by variable index. */
  static final class Sum {
    final Map<Integer, Long> terms = new LinkedHashMap<>();

    Sum plus(Sum other, long factor) {
      Sum s = new Sum();
      s.terms.putAll(terms);
      other.terms.forEach((v, c) -> s.terms.merge(v, c * factor, Long::sum));
      return s;
    }

    Sum plus(Sum other) {
      return plus(other, 1);
    }

    Sum minus(Sum other) {
      return plus(other, -1);
    }
  }

  private record Constraint(Sum sum, long lower, long upper) {}

  /** A released table as the attacker models it. */
  final class Table {
    final Sum[][] cells;
    final Sum[] rowTotals;
    final Sum[] columnTotals;
    final Sum grandTotal;
    final Sum base;

    /** The unknowns themselves: cells or bands, then the remainder. */
    final List<Sum> atoms = new ArrayList<>();

    final boolean exact;

    Table(JsonNode t, boolean everyoneInACell, boolean exact) {
      this.exact = exact;
      int rows = t.get("rows").size();
      int columns = t.get("columns").size();
      boolean cumulative = t.get("cumulativeColumns").asBoolean();
      cells = new Sum[rows][columns];
      rowTotals = new Sum[rows];
      columnTotals = new Sum[columns];
      for (int c = 0; c < columns; c++) {
        columnTotals[c] = new Sum();
      }
      Sum grand = new Sum();
      for (int r = 0; r < rows; r++) {
        Sum running = new Sum();
        for (int c = 0; c < columns; c++) {
          Sum atom = variable();
          atoms.add(atom);
          running = cumulative ? running.plus(atom) : atom;
          cells[r][c] = running;
          columnTotals[c] = columnTotals[c].plus(running);
        }
        rowTotals[r] = cumulative ? cells[r][columns - 1] : sumOf(cells[r]);
        grand = grand.plus(rowTotals[r]);
      }
      grandTotal = grand;
      if (everyoneInACell) {
        base = grand;
      } else {
        Sum remainder = variable();
        atoms.add(remainder);
        base = grand.plus(remainder);
      }
      for (int r = 0; r < rows; r++) {
        for (int c = 0; c < columns; c++) {
          published(cells[r][c], t.get("cells").get(r).get(c), exact);
        }
        if (t.has("rowTotals")) {
          published(rowTotals[r], t.get("rowTotals").get(r), exact);
        }
      }
      for (int c = 0; c < columns; c++) {
        published(columnTotals[c], t.get("columnTotals").get(c), exact);
      }
      if (t.has("grandTotal")) {
        published(grandTotal, t.get("grandTotal"), exact);
      }
      published(base, t.get("base"), exact);
    }

    /** Every published position and every unknown, for checking. */
    List<Sum> everything() {
      List<Sum> all = new ArrayList<>(atoms);
      for (Sum[] row : cells) {
        all.addAll(List.of(row));
      }
      all.addAll(List.of(rowTotals));
      all.addAll(List.of(columnTotals));
      all.add(grandTotal);
      all.add(base);
      return all;
    }
  }

  ExactAttacker(int maxNoise, int minCellSize) {
    this.maxNoise = maxNoise;
    this.minCellSize = minCellSize;
  }

  /** Models a released table; {@code everyoneInACell} for overlap questions (base = all cells). */
  Table add(JsonNode table, boolean everyoneInACell) {
    return new Table(table, everyoneInACell, false);
  }

  /**
   * Models a statutory table: every number is exact, and the symbol says only that the count is
   * hidden (a small count, or a complement of any size).
   */
  Table addExact(JsonNode table, boolean everyoneInACell) {
    return new Table(table, everyoneInACell, true);
  }

  /** A new unknown: a whole number of persons. */
  Sum variable() {
    Sum s = new Sum();
    s.terms.put(variables.size(), 1L);
    variables.add(null); // made per model
    return s;
  }

  /** A new unknown that is 0 or 1 (whether one person is in a group). */
  Sum indicator() {
    Sum s = variable();
    constraints.add(new Constraint(s, 0, 1));
    return s;
  }

  /** The caller knows these two sums count the same persons. */
  void same(Sum a, Sum b) {
    constraints.add(new Constraint(a.minus(b), 0, 0));
  }

  /** The caller knows this sum lies in [lower, upper]. */
  void bound(Sum s, long lower, long upper) {
    constraints.add(new Constraint(s, lower, upper));
  }

  private void published(Sum quantity, JsonNode value, boolean exact) {
    if (exact) {
      if (!value.isTextual()) {
        constraints.add(new Constraint(quantity, value.asLong(), value.asLong()));
      }
      return;
    }
    if (value.isTextual()) {
      // the symbol: published below the minimum cell size
      constraints.add(new Constraint(quantity, 0, minCellSize - 1L + maxNoise));
      return;
    }
    long p = value.asLong();
    if (p == 0) {
      constraints.add(new Constraint(quantity, 0, 0));
      return;
    }
    long lower = Math.max(Math.max(1, p - maxNoise), (p + 2) / 2);
    constraints.add(new Constraint(quantity, lower, p + maxNoise));
  }

  private static Sum sumOf(Sum[] parts) {
    Sum s = new Sum();
    for (Sum p : parts) {
      s = s.plus(p);
    }
    return s;
  }

  /**
   * The smallest and largest value of {@code target} consistent with everything, or null if none.
   */
  long[] range(Sum target) {
    Long lo = solve(target, false);
    Long hi = solve(target, true);
    return lo == null || hi == null ? null : new long[] {lo, hi};
  }

  /** Whether anything at all is consistent (the attacker's model is right about the mechanism). */
  boolean consistent() {
    return solve(new Sum(), false) != null;
  }

  private Long solve(Sum target, boolean maximise) {
    ExpressionsBasedModel model = new ExpressionsBasedModel();
    List<Variable> vars = new ArrayList<>(variables.size());
    for (int i = 0; i < variables.size(); i++) {
      vars.add(model.addVariable("x" + i).lower(0).upper(1_000_000).integer(true));
    }
    int n = 0;
    for (Constraint c : constraints) {
      Expression e = model.addExpression("c" + n++).lower(c.lower()).upper(c.upper());
      c.sum().terms.forEach((v, k) -> e.set(vars.get(v), k));
    }
    Expression objective = model.addExpression("objective").weight(1);
    target.terms.forEach((v, k) -> objective.set(vars.get(v), k));
    Optimisation.Result result = maximise ? model.maximise() : model.minimise();
    if (!result.getState().isOptimal()) {
      if (result.getState().isFeasible()) {
        throw new IllegalStateException("the solver stopped short of an optimum: " + result);
      }
      return null;
    }
    BigDecimal value = BigDecimal.ZERO;
    for (Map.Entry<Integer, Long> t : target.terms.entrySet()) {
      value = value.add(result.get(t.getKey()).multiply(BigDecimal.valueOf(t.getValue())));
    }
    return value.setScale(0, java.math.RoundingMode.HALF_UP).longValueExact();
  }
}
