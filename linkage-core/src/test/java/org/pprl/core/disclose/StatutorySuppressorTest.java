package org.pprl.core.disclose;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * The statutory suppressor against a brute-force attacker that shares none of its code: for small 2
 * x 2 tables it enumerates every table of whole numbers consistent with the exact counts published
 * and with the ad-hoc answer of every suppressed position, and looks for a protected count (1..5,
 * published or not) that only one value fits.
 */
class StatutorySuppressorTest {
  private static final int MIN = 6;
  private static final int D = 4;
  private static final CellKeyPerturbation P = CellKeyPerturbation.DEFAULT;

  /** A 2 x 2 disjoint table of the given cells and remainder, with random person keys. */
  private record Case(long[] cells, long remainder, long[] personKey, int[] unknownOf) {
    static Case random(Random rnd) {
      long[] cells = new long[4];
      for (int i = 0; i < 4; i++) {
        cells[i] = rnd.nextInt(3) == 0 ? rnd.nextInt(6) : rnd.nextInt(14);
      }
      long remainder = rnd.nextInt(4) == 0 ? rnd.nextInt(6) : rnd.nextInt(12);
      int persons = (int) (cells[0] + cells[1] + cells[2] + cells[3] + remainder);
      long[] key = new long[persons];
      int[] unknownOf = new int[persons];
      int p = 0;
      for (int u = 0; u < 5; u++) {
        long n = u < 4 ? cells[u] : remainder;
        for (int i = 0; i < n; i++) {
          key[p] = rnd.nextLong();
          unknownOf[p++] = u;
        }
      }
      return new Case(cells, remainder, key, unknownOf);
    }

    StatutorySuppressor.Input input() {
      long[][] counts = {{cells[0], cells[1]}, {cells[2], cells[3]}};
      long[][] keys = new long[2][2];
      long baseKey = 0;
      for (int p = 0; p < personKey.length; p++) {
        if (unknownOf[p] < 4) {
          keys[unknownOf[p] / 2][unknownOf[p] % 2] += personKey[p];
        }
        baseKey += personKey[p];
      }
      CountTable t =
          new CountTable(
              List.of("a", "b"),
              List.of("x", "y"),
              counts,
              false,
              cells[0] + cells[1] + cells[2] + cells[3] + remainder);
      return new StatutorySuppressor.Input(t, keys, baseKey, unknownOf);
    }

    /** Persons' key sum over the unknowns of a position. */
    long key(int... unknowns) {
      long k = 0;
      for (int p = 0; p < personKey.length; p++) {
        for (int u : unknowns) {
          if (unknownOf[p] == u) {
            k += personKey[p];
          }
        }
      }
      return k;
    }
  }

  /** The positions of a 2 x 2 table over its unknowns (cells 0..3, remainder 4), JSON order. */
  private static final int[][] POSITIONS = {
    {0},
    {1},
    {2},
    {3}, // cells
    {0, 1},
    {2, 3}, // row totals
    {0, 2},
    {1, 3}, // column totals
    {0, 1, 2, 3}, // grand total
    {0, 1, 2, 3, 4} // base
  };

  private static List<Object> published(Map<String, Object> json) {
    List<Object> out = new ArrayList<>();
    for (Object row : (List<?>) json.get("cells")) {
      out.addAll((List<?>) row);
    }
    out.addAll((List<?>) json.get("rowTotals"));
    out.addAll((List<?>) json.get("columnTotals"));
    out.add(json.get("grandTotal"));
    out.add(json.get("base"));
    return out;
  }

  private static long sum(long[] x, int[] unknowns) {
    long s = 0;
    for (int u : unknowns) {
      s += x[u];
    }
    return s;
  }

  @Test
  void apply_random2x2Tables_nothingProtectedIsPinnedByExactCountsAndAdHocAnswers() {
    Random rnd = new Random(20261206);
    int complementary = 0;
    for (int trial = 0; trial < 300; trial++) {
      Case c = Case.random(rnd);
      Map<String, Object> json = new StatutorySuppressor(MIN, P).apply(List.of(c.input())).get(0);
      List<Object> shown = published(json);
      long[] truth = {c.cells()[0], c.cells()[1], c.cells()[2], c.cells()[3], c.remainder()};
      long[][] bounds = new long[POSITIONS.length][];
      int hidden = 0;
      for (int i = 0; i < POSITIONS.length; i++) {
        long count = sum(truth, POSITIONS[i]);
        if (shown.get(i) instanceof Long v) {
          assertEquals(count, v);
          assertFalse(count >= 1 && count < MIN, "a small count published");
          bounds[i] = new long[] {count, count};
        } else {
          hidden++;
          long adHoc = P.perturb(count, c.key(POSITIONS[i]));
          bounds[i] =
              adHoc < MIN
                  ? new long[] {0, MIN - 1 + D}
                  : new long[] {Math.max(adHoc - D, (adHoc + 2) / 2), adHoc + D};
        }
      }
      long primary = 0;
      for (int i = 0; i < POSITIONS.length; i++) {
        long count = sum(truth, POSITIONS[i]);
        primary += count >= 1 && count < MIN ? 1 : 0;
      }
      complementary += hidden > primary ? 1 : 0;
      // Every consistent table, by brute force.
      List<Set<Long>> values = new ArrayList<>();
      for (int i = 0; i < POSITIONS.length + 5; i++) {
        values.add(new HashSet<>());
      }
      // Each cell lies within its own position's bounds, so only those ranges are walked.
      long[] x = new long[5];
      for (x[0] = bounds[0][0]; x[0] <= bounds[0][1]; x[0]++) {
        for (x[1] = bounds[1][0]; x[1] <= bounds[1][1]; x[1]++) {
          for (x[2] = bounds[2][0]; x[2] <= bounds[2][1]; x[2]++) {
            for (x[3] = bounds[3][0]; x[3] <= bounds[3][1]; x[3]++) {
              long grand = x[0] + x[1] + x[2] + x[3];
              for (x[4] = Math.max(0, bounds[9][0] - grand); x[4] <= bounds[9][1] - grand; x[4]++) {
                boolean fits = true;
                for (int i = 0; i < POSITIONS.length && fits; i++) {
                  long v = sum(x, POSITIONS[i]);
                  fits = v >= bounds[i][0] && v <= bounds[i][1];
                }
                if (fits) {
                  for (int i = 0; i < POSITIONS.length; i++) {
                    values.get(i).add(sum(x, POSITIONS[i]));
                  }
                  for (int u = 0; u < 5; u++) {
                    values.get(POSITIONS.length + u).add(x[u]);
                  }
                }
              }
            }
          }
        }
      }
      for (int i = 0; i < POSITIONS.length + 5; i++) {
        long count = i < POSITIONS.length ? sum(truth, POSITIONS[i]) : truth[i - POSITIONS.length];
        assertTrue(values.get(i).contains(count), "the truth fits");
        if (count >= 1 && count < MIN) {
          assertTrue(
              values.get(i).size() >= 2, "trial " + trial + ": item " + i + " pinned at " + count);
        }
      }
    }
    assertTrue(complementary > 60, "complementary suppression was needed in " + complementary);
  }
}
