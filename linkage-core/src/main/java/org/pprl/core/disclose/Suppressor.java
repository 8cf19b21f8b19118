package org.pprl.core.disclose;

import java.util.ArrayList;
import java.util.List;

/**
 * Small-cell and complementary suppression: turns a {@link CountTable} into the {@link
 * DisclosedTable} an analyst may see.
 *
 * <p>What is protected. Every number the table would publish that lies in {@code 1 .. minCellSize -
 * 1} is suppressed (primary suppression). The hidden but derivable disjoint cells, the remainder
 * {@code base - persons} and, with cumulative columns, each band between two adjacent columns, are
 * protected too when they lie in that range. Zero is not small and is published.
 *
 * <p>The guarantee. For every suppressed number and every protected hidden cell, the non-negative
 * integer tables consistent with everything published give it at least two different values, so no
 * reader can recover it exactly from cells, totals, the base or percentages. An exact {@code Audit}
 * decides this; while it fails, a greedy step suppresses more numbers (complementary suppression)
 * and the audit runs again.
 *
 * <p>The greedy step picks the first item in position order that is the only unknown on some line
 * (and so pinned by that line alone), or failing that the first the audit finds pinned. On every
 * line (a row and its total, a column and its total, totals and the grand total, the grand total
 * with the base and the remainder, two adjacent cumulative cells and their band) where that item is
 * the only unknown, suppress the smallest published number, ties to the earliest position. If it is
 * not alone on any line, suppress the smallest published number on its lines, and failing that the
 * smallest published number on any line that holds an unknown. Every step suppresses at least one
 * more number, so it ends; everything is deterministic, so the same table always gets the same
 * answer. The result is safe, not minimal: minimal suppression is NP-hard in general.
 *
 * <p>Instances are immutable and may be shared between threads.
 */
public final class Suppressor {
  private final int minCellSize;

  /**
   * A suppressor that hides counts of {@code 1 .. minCellSize - 1}.
   *
   * @param minCellSize the smallest count published as it is, at least 1 (1 suppresses nothing)
   */
  public Suppressor(int minCellSize) {
    if (minCellSize < 1) {
      throw new IllegalArgumentException("minCellSize is " + minCellSize + ", expected at least 1");
    }
    this.minCellSize = minCellSize;
  }

  /** The smallest count published as it is. */
  public int minCellSize() {
    return minCellSize;
  }

  /** What an analyst may see of {@code table}. */
  public DisclosedTable apply(CountTable table) {
    TableModel m = TableModel.of(table);
    int items = m.itemCount();
    boolean[] published = new boolean[m.numberCount];
    boolean[] needsProtection = new boolean[items];
    int primary = 0;
    for (int i = 0; i < items; i++) {
      boolean small = isSmall(m.value[i]);
      needsProtection[i] = small;
      if (i < m.numberCount) {
        published[i] = !small;
        primary += small ? 1 : 0;
      }
    }
    boolean[] canVary = new boolean[items];
    List<long[]> witnesses = new ArrayList<>(); // valid for every later round: see Audit
    int complementary = 0;
    while (true) {
      int pinned = firstAlone(m, needsProtection, published);
      if (pinned < 0) {
        Audit audit = new Audit(m, published, witnesses);
        for (int i = 0; i < items && pinned < 0; i++) {
          if (needsProtection[i] && !canVary[i]) {
            if (audit.canVary(i)) {
              canVary[i] = true;
            } else {
              pinned = i;
            }
          }
        }
      }
      if (pinned < 0) {
        break;
      }
      for (int p : complementsFor(m, pinned, published)) {
        published[p] = false;
        needsProtection[p] = true;
        complementary++;
      }
    }
    return new DisclosedTable(table, m, published, minCellSize, primary, complementary);
  }

  private boolean isSmall(long v) {
    return v >= 1 && v < minCellSize;
  }

  /**
   * The numbers to suppress next because {@code item} is pinned: the smallest published number on
   * each line where the item is the only unknown, or else one number near it; never empty.
   */
  private static int[] complementsFor(TableModel m, int item, boolean[] published) {
    int[] chosen = new int[m.linesOf[item].length];
    int n = 0;
    for (int line : m.linesOf[item]) {
      if (unknownsOn(m, line, published) == 1) {
        int p = smallestPublished(m, m.lines[line], published, -1);
        if (p >= 0 && !contains(chosen, n, p)) {
          chosen[n++] = p;
        }
      }
    }
    if (n == 0) {
      int best = -1;
      for (int line : m.linesOf[item]) {
        best = smallestPublished(m, m.lines[line], published, best);
      }
      if (best < 0) {
        for (int line = 0; line < m.lines.length; line++) {
          if (unknownsOn(m, line, published) > 0) {
            best = smallestPublished(m, m.lines[line], published, best);
          }
        }
      }
      if (best < 0) {
        throw new IllegalStateException("item " + item + " is pinned with nothing published");
      }
      chosen[n++] = best;
    }
    return java.util.Arrays.copyOf(chosen, n);
  }

  /**
   * The first item needing protection that is the only unknown on some line, so pinned by that
   * line's identity alone; -1 when there is none. Cheaper than the audit and it steers the greedy
   * step towards closing rows and columns before anything else.
   */
  private static int firstAlone(TableModel m, boolean[] needsProtection, boolean[] published) {
    for (int i = 0; i < m.itemCount(); i++) {
      if (needsProtection[i]) {
        for (int line : m.linesOf[i]) {
          if (unknownsOn(m, line, published) == 1) {
            return i;
          }
        }
      }
    }
    return -1;
  }

  private static int unknownsOn(TableModel m, int line, boolean[] published) {
    int unknowns = 0;
    for (int i : m.lines[line]) {
      if (i >= m.numberCount || !published[i]) {
        unknowns++;
      }
    }
    return unknowns;
  }

  /**
   * The smaller (by value, then position) of {@code best} and the published items of {@code line}.
   */
  private static int smallestPublished(TableModel m, int[] line, boolean[] published, int best) {
    for (int i : line) {
      if (i < m.numberCount
          && published[i]
          && (best < 0
              || m.value[i] < m.value[best]
              || (m.value[i] == m.value[best] && i < best))) {
        best = i;
      }
    }
    return best;
  }

  private static boolean contains(int[] a, int n, int x) {
    for (int i = 0; i < n; i++) {
      if (a[i] == x) {
        return true;
      }
    }
    return false;
  }
}
