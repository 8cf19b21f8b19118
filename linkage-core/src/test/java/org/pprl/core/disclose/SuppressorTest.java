package org.pprl.core.disclose;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.OptionalDouble;
import java.util.OptionalLong;
import java.util.Random;
import java.util.Set;
import java.util.TreeSet;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.statistics.Statistics;
import org.junit.jupiter.api.Test;

class SuppressorTest {

  private static CountTable table(long[][] counts, boolean cumulative, long base) {
    List<String> rows = new ArrayList<>();
    for (int r = 0; r < counts.length; r++) {
      rows.add("r" + r);
    }
    List<String> columns = new ArrayList<>();
    for (int c = 0; c < counts[0].length; c++) {
      columns.add("c" + c);
    }
    return new CountTable(rows, columns, counts, cumulative, base);
  }

  private static long persons(long[][] counts, boolean cumulative) {
    long s = 0;
    for (long[] row : counts) {
      if (cumulative) {
        s += row[row.length - 1];
      } else {
        for (long v : row) {
          s += v;
        }
      }
    }
    return s;
  }

  /** The positions suppressed, as "cell r,c", "row r", "column c", "grand", "base". */
  private static Set<String> suppressed(DisclosedTable d) {
    Set<String> s = new TreeSet<>();
    for (int r = 0; r < d.rows().size(); r++) {
      for (int c = 0; c < d.columns().size(); c++) {
        if (d.cell(r, c).isEmpty()) {
          s.add("cell " + r + "," + c);
        }
      }
      if (!d.cumulativeColumns() && d.rowTotal(r).isEmpty()) {
        s.add("row " + r);
      }
    }
    for (int c = 0; c < d.columns().size(); c++) {
      if (d.columnTotal(c).isEmpty()) {
        s.add("column " + c);
      }
    }
    if (!d.cumulativeColumns() && d.grandTotal().isEmpty()) {
      s.add("grand");
    }
    if (d.base().isEmpty()) {
      s.add("base");
    }
    return s;
  }

  private static void assertSafe(CountTable t, DisclosedTable d, int min) {
    assertEquals(List.of(), BruteForce.smallPublished(t, d, min), "small counts published");
    assertEquals(List.of(), BruteForce.pinned(t, d, min), "suppressed values a reader can pin");
    assertEquals(
        suppressed(d).size(),
        d.primarySuppressions() + d.complementarySuppressions(),
        "suppression counts");
  }

  @Test
  void apply_singleSmallCell_suppressesARectangleAndKeepsTotals() {
    long[][] counts = {{3, 20, 30}, {25, 40, 50}, {35, 45, 60}};
    CountTable t = table(counts, false, persons(counts, false));
    DisclosedTable d = new Suppressor(6).apply(t);
    assertEquals(Set.of("cell 0,0", "cell 0,1", "cell 1,0", "cell 1,1"), suppressed(d));
    assertEquals(1, d.primarySuppressions());
    assertEquals(3, d.complementarySuppressions());
    assertEquals(OptionalLong.of(53), d.rowTotal(0));
    assertEquals(OptionalDouble.empty(), d.cellPercent(0, 1));
    assertEquals(OptionalDouble.of(17.2), d.rowTotalPercent(0)); // 53 / 308
    assertSafe(t, d, 6);
  }

  @Test
  void apply_cellOfThree_isSuppressedWithItsPercentage() {
    long[][] counts = {{3, 20}, {25, 40}};
    CountTable t = table(counts, false, 100);
    DisclosedTable d = new Suppressor(6).apply(t);
    assertTrue(d.cell(0, 0).isEmpty());
    assertTrue(d.cellPercent(0, 0).isEmpty());
    assertSafe(t, d, 6);
  }

  @Test
  void apply_smallRemainder_isProtectedAndBaseStaysPublished() {
    long[][] counts = {{10, 20}, {30, 40}};
    CountTable t = table(counts, false, 103); // 3 persons of the cohort counted in no cell
    DisclosedTable d = new Suppressor(6).apply(t);
    assertEquals(0, d.primarySuppressions());
    assertTrue(d.grandTotal().isEmpty(), "grand total plus base would give the remainder");
    assertEquals(OptionalLong.of(103), d.base());
    assertSafe(t, d, 6);
  }

  @Test
  void apply_smallBase_suppressesBaseAndEveryPercentage() {
    long[][] counts = {{0, 0}, {0, 4}};
    CountTable t = table(counts, false, 4);
    DisclosedTable d = new Suppressor(6).apply(t);
    assertTrue(d.base().isEmpty());
    assertTrue(d.cellPercent(0, 0).isEmpty(), "a percentage beside a hidden base reveals it");
    assertSafe(t, d, 6);
  }

  @Test
  void apply_cumulativeColumns_protectsSmallCellsAndSmallBands() {
    // Within 30, 90, 180, 365 days; row 0 has 2 persons by day 30 and 3 between days 180 and 365.
    long[][] counts = {{2, 8, 15, 18}, {7, 12, 20, 30}, {9, 16, 25, 33}};
    CountTable t = table(counts, true, 200);
    DisclosedTable d = new Suppressor(6).apply(t);
    assertTrue(d.cell(0, 0).isEmpty());
    assertTrue(d.cell(0, 2).isEmpty() || d.cell(0, 3).isEmpty(), "band 15..18 of 3");
    assertEquals(d.cell(0, 3), d.rowTotal(0), "a cumulative row's total is its last cell");
    assertFalse(d.toJson().containsKey("rowTotals"));
    assertSafe(t, d, 6);
  }

  @Test
  void apply_allCountsZeroOrAtLeastMin_suppressesNothing() {
    long[][] counts = {{0, 6, 12}, {7, 0, 9}};
    CountTable t = table(counts, false, persons(counts, false) + 40);
    DisclosedTable d = new Suppressor(6).apply(t);
    assertEquals(Set.of(), suppressed(d));
    assertEquals(0, d.primarySuppressions() + d.complementarySuppressions());
    assertEquals(OptionalLong.of(0), d.cell(0, 0));
    assertEquals(OptionalDouble.of(0.0), d.cellPercent(0, 0));
    assertEquals(OptionalDouble.of(100.0), d.basePercent());
    long[][] cumulative = {{0, 6, 6}, {6, 12, 20}};
    CountTable c = table(cumulative, true, 26);
    assertEquals(Set.of(), suppressed(new Suppressor(6).apply(c)));
  }

  @Test
  void toJson_suppressedCount_isTheSymbol() {
    long[][] counts = {{3, 20}, {25, 40}};
    Map<String, Object> json = new Suppressor(6).apply(table(counts, false, 88)).toJson();
    List<?> row0 = (List<?>) ((List<?>) json.get("cells")).get(0);
    assertEquals(DisclosedTable.SUPPRESSED, row0.get(0));
    assertEquals(
        DisclosedTable.SUPPRESSED, ((List<?>) ((List<?>) json.get("cellPercents")).get(0)).get(0));
    assertEquals(88L, json.get("base"));
    assertEquals(100.0, json.get("basePercent"));
    assertEquals(6, json.get("minCellSize"));
  }

  @Test
  void apply_sameTable_givesTheSameAnswer() {
    Random random = new Random(20261123);
    long[][] counts = new long[30][12];
    for (long[] row : counts) {
      for (int c = 0; c < row.length; c++) {
        row[c] = random.nextInt(4) == 0 ? random.nextInt(6) : random.nextInt(200);
      }
    }
    CountTable t = table(counts, false, persons(counts, false) + 4);
    DisclosedTable first = new Suppressor(6).apply(t);
    DisclosedTable second = new Suppressor(6).apply(table(t.counts(), false, t.base()));
    assertEquals(first.toJson(), second.toJson());
    assertTrue(first.primarySuppressions() > 0);
  }

  @Test
  void suppressor_minCellSizeBelowOne_isRejected() {
    assertThrows(IllegalArgumentException.class, () -> new Suppressor(0));
  }

  @Test
  void cell_outsideTheTable_isRejected() {
    DisclosedTable d = new Suppressor(6).apply(table(new long[][] {{7}}, false, 7));
    assertThrows(IndexOutOfBoundsException.class, () -> d.cell(1, 0));
  }

  // ---- The brute-force oracle on random small tables ----

  @Provide
  Arbitrary<CountTable> smallTables() {
    return tables(9);
  }

  @Provide
  Arbitrary<CountTable> mediumTables() {
    return tables(12);
  }

  /**
   * 2-3 rows x 2-3 columns, disjoint or cumulative, cells (or bands) up to max, base >= persons.
   */
  private static Arbitrary<CountTable> tables(int max) {
    Arbitrary<Integer> dims = Arbitraries.integers().between(1, 3);
    return Combinators.combine(
            dims,
            dims,
            Arbitraries.of(false, true),
            Arbitraries.integers().between(0, max).list().ofSize(9),
            Arbitraries.integers().between(0, max))
        .as(
            (rows, columns, cumulative, values, extra) -> {
              long[][] counts = new long[rows][columns];
              int k = 0;
              for (int r = 0; r < rows; r++) {
                for (int c = 0; c < columns; c++) {
                  long v = values.get(k++);
                  // Cumulative: bands of up to max / 2, so the last column stays near max.
                  counts[r][c] = cumulative ? (c > 0 ? counts[r][c - 1] : 0) + v / 2 : v;
                }
              }
              return table(counts, cumulative, persons(counts, cumulative) + extra);
            });
  }

  /** Makes sure the random tables exercise complementary suppression, not only the easy cases. */
  private static void coverComplements(DisclosedTable d) {
    Statistics.label("complements").collect(d.complementarySuppressions() > 0);
    Statistics.label("complements").coverage(c -> c.check(true).percentage(p -> p > 40));
  }

  @Property(tries = 1000, seed = "7301")
  void apply_minCellSize3_nothingSuppressedCanBePinned(@ForAll("smallTables") CountTable t) {
    DisclosedTable d = new Suppressor(3).apply(t);
    assertSafe(t, d, 3);
    coverComplements(d);
  }

  @Property(tries = 1000, seed = "7302")
  void apply_minCellSize4_nothingSuppressedCanBePinned(@ForAll("smallTables") CountTable t) {
    DisclosedTable d = new Suppressor(4).apply(t);
    assertSafe(t, d, 4);
    coverComplements(d);
  }

  @Property(tries = 1000, seed = "7303")
  void apply_minCellSize6_nothingSuppressedCanBePinned(@ForAll("mediumTables") CountTable t) {
    DisclosedTable d = new Suppressor(6).apply(t);
    assertSafe(t, d, 6);
    coverComplements(d);
  }

  /** The brute force's name for a model item, matching {@code BruteForce}'s targets. */
  private static String targetName(TableModel m, int item) {
    int cells = m.rows * m.columns;
    if (item < cells) {
      return "CELL " + item / m.columns + "," + item % m.columns;
    }
    if (item == m.base()) {
      return "BASE 0,0";
    }
    if (item == m.numberCount) {
      return "REMAINDER 0,0";
    }
    if (item > m.numberCount) { // cumulative bands, row-major from column 1
      int k = item - m.numberCount - 1;
      return "BAND " + k / (m.columns - 1) + "," + (1 + k % (m.columns - 1));
    }
    if (!m.cumulative && item < cells + m.rows) {
      return "ROW " + (item - cells) + ",0";
    }
    if (item == m.grandTotal() && !m.cumulative) {
      return "GRAND 0,0";
    }
    return "COLUMN 0," + (item - m.columnTotal(0));
  }

  @Property(tries = 1000, seed = "7304")
  void audit_randomPublication_agreesWithBruteForce(
      @ForAll("smallTables") CountTable t, @ForAll("seeds") long seed) {
    int min = 4;
    TableModel m = TableModel.of(t);
    Random random = new Random(seed);
    boolean[] published = new boolean[m.numberCount];
    for (int i = 0; i < published.length; i++) {
      published[i] = random.nextInt(3) > 0;
    }
    DisclosedTable d = new DisclosedTable(t, m, published, min, 0, 0);
    Audit audit = new Audit(m, published);
    Set<String> pinnedByAudit = new TreeSet<>();
    for (int i = 0; i < m.itemCount(); i++) {
      boolean target = i < m.numberCount ? !published[i] : m.value[i] >= 1 && m.value[i] < min;
      if (target && !audit.canVary(i)) {
        pinnedByAudit.add(targetName(m, i));
      }
    }
    assertEquals(
        new TreeSet<>(BruteForce.pinned(t, d, min)),
        pinnedByAudit,
        () ->
            java.util.Arrays.deepToString(t.counts())
                + " base "
                + t.base()
                + " cumulative "
                + t.cumulativeColumns()
                + " published "
                + java.util.Arrays.toString(published));
  }

  @Provide
  Arbitrary<Long> seeds() {
    return Arbitraries.longs();
  }

  @Test
  void bruteForce_primarySuppressionOnly_findsTheCellPinnedByItsRow() {
    long[][] counts = {{3, 20}, {25, 40}};
    CountTable t = table(counts, false, 88);
    TableModel m = TableModel.of(t);
    boolean[] published = new boolean[m.numberCount];
    java.util.Arrays.fill(published, true);
    published[m.cell(0, 0)] = false;
    DisclosedTable d = new DisclosedTable(t, m, published, 6, 1, 0);
    assertEquals(List.of("CELL 0,0"), BruteForce.pinned(t, d, 6));
    assertFalse(new Audit(m, published).canVary(m.cell(0, 0)));
  }

  /**
   * Regression: found by {@code audit_randomPublication_agreesWithBruteForce} while the audit used
   * Commons Math's simplex, which reported the cell (2, 0) pinned although the base of 1 can move
   * from cell (2, 1) to it.
   */
  @Test
  void audit_cellSharingOnlyTheBase_canVary() {
    long[][] counts = {{0, 0}, {0, 0}, {0, 1}};
    CountTable t = table(counts, true, 1);
    TableModel m = TableModel.of(t);
    boolean[] published = {true, false, true, true, false, false, false, false, true};
    Audit audit = new Audit(m, published);
    assertTrue(audit.canVary(m.cell(2, 0)));
    assertTrue(audit.canVary(m.columnTotal(0)));
    assertEquals(
        List.of(),
        BruteForce.pinned(t, new DisclosedTable(t, m, published, 4, 0, 0), 4).stream()
            .filter(name -> name.startsWith("CELL 2,0") || name.startsWith("COLUMN 0,0"))
            .toList());
  }
}
