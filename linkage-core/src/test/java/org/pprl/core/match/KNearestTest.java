package org.pprl.core.match;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import org.junit.jupiter.api.Test;
import org.pprl.core.bits.BitFilters;

class KNearestTest {

  @Property(tries = 40)
  void across_givesBothSidesTheirKBest_withTiesToTheSmallerIndex(
      @ForAll long seed,
      @ForAll @IntRange(min = 1, max = 5) int k,
      @ForAll @IntRange(min = 1, max = 3) int threads) {
    SplittableRandom random = new SplittableRandom(seed);
    // Short filters: many pairs tie. More than one block of rows, so workers' lists are merged.
    FilterMatrix a = DiceKernelTest.randomMatrix(random, 2 * KNearest.ROWS + 9, 64 * 3);
    FilterMatrix b = DiceKernelTest.randomMatrix(random, 150, 64 * 3);

    KNearest.Both both = KNearest.across(a, b, k, threads);

    assertEquals(kBest(a, b, k, false), listed(both.ofA()));
    assertEquals(kBest(b, a, k, false), listed(both.ofB()));
  }

  @Property(tries = 40)
  void within_givesEachFilterItsKBestOthers(
      @ForAll long seed,
      @ForAll @IntRange(min = 1, max = 5) int k,
      @ForAll @IntRange(min = 1, max = 3) int threads) {
    SplittableRandom random = new SplittableRandom(seed);
    FilterMatrix a = DiceKernelTest.randomMatrix(random, 3 * KNearest.ROWS + 20, 64 * 3);

    assertEquals(kBest(a, a, k, true), listed(KNearest.within(a, k, threads)));
  }

  /** Across several chunks, where the thresholds rise with the lists, with both loops. */
  @Property(tries = 4)
  void acrossChunks_everyInnerLoop_keepsTheKBest(
      @ForAll long seed, @ForAll @IntRange(min = 1, max = 4) int k) {
    SplittableRandom random = new SplittableRandom(seed);
    FilterMatrix a = DiceKernelTest.randomMatrix(random, 70, 1024);
    FilterMatrix b = DiceKernelTest.randomMatrix(random, 2 * KNearest.CHUNK + 77, 1024);
    List<String> ofA = kBest(a, b, k, false);
    List<String> ofB = kBest(b, a, k, false);

    for (boolean portable : new boolean[] {false, true}) {
      KNearest.Both both = KNearest.across(a, b, k, 2, portable);
      assertEquals(ofA, listed(both.ofA()), "portable " + portable);
      assertEquals(ofB, listed(both.ofB()), "portable " + portable);
    }
  }

  /** Inside one matrix of more than one chunk, with both loops. */
  @Test
  void withinChunks_everyInnerLoop_keepsTheKBest() {
    FilterMatrix a =
        DiceKernelTest.randomMatrix(new SplittableRandom(11), KNearest.CHUNK + 90, 1024);
    List<String> expected = kBest(a, a, 3, true);

    for (boolean portable : new boolean[] {false, true}) {
      assertEquals(expected, listed(KNearest.within(a, 3, 2, portable)), "portable " + portable);
    }
  }

  /**
   * A tie between rows of different blocks, taken by different workers, goes to the smaller index
   * when the workers' lists are merged: rows 0 and ROWS of a both score 0.8 with b's one filter
   * (16/20 and 20/25), and the last row, scanned last, scores the same again.
   */
  @Test
  void tieBetweenWorkers_goesToTheSmallerIndex() {
    long[] filter = new long[16];
    for (int bit = 0; bit < 10; bit++) {
      BitFilters.set(filter, bit);
    }
    long[] fewer = new long[16]; // 8 in common, popcount 10: Dice 16/20
    for (int bit = 0; bit < 8; bit++) {
      BitFilters.set(fewer, bit);
    }
    BitFilters.set(fewer, 600);
    BitFilters.set(fewer, 601);
    long[] more = BitFilters.copy(filter); // 10 in common, popcount 15: Dice 20/25
    for (int bit = 500; bit < 505; bit++) {
      BitFilters.set(more, bit);
    }
    long[] other = new long[16]; // shares nothing
    BitFilters.set(other, 900);
    FilterMatrix.Builder a = FilterMatrix.builder(1024, 2 * KNearest.ROWS + 1);
    for (int i = 0; i <= 2 * KNearest.ROWS; i++) {
      a.add(i == 0 ? more : i % KNearest.ROWS == 0 ? fewer : other);
    }
    FilterMatrix as = a.build();
    FilterMatrix b = FilterMatrix.of(1024, new long[][] {filter});

    for (boolean portable : new boolean[] {false, true}) {
      for (int threads = 1; threads <= 3; threads++) {
        assertEquals(List.of("0:0"), listed(KNearest.across(as, b, 1, threads, portable).ofB()));
        assertEquals(
            List.of("0:0", "0:" + KNearest.ROWS),
            listed(KNearest.across(as, b, 2, threads, portable).ofB()),
            "portable " + portable);
      }
    }
  }

  @Test
  void emptyFilters_haveNoNeighbours_andNobodyHasThem() {
    FilterMatrix a = FilterMatrix.of(64, new long[] {0b1111}, new long[] {0}, new long[] {0b0111});

    KNearest.Lists lists = KNearest.within(a, 2, 1);

    assertEquals(List.of("0:2", "2:0"), listed(lists));
    assertEquals(0, lists.count(1));
  }

  @Test
  void filtersOfDifferentLengths_orKBelowOne_areRefused() {
    FilterMatrix a = FilterMatrix.of(64, new long[] {1});
    FilterMatrix b = FilterMatrix.of(128, new long[] {1, 0});

    assertThrows(IllegalArgumentException.class, () -> KNearest.across(a, b, 1, 1));
    assertThrows(IllegalArgumentException.class, () -> KNearest.within(a, 0, 1));
  }

  /** Each record's neighbours as "i:j", in the order listed (best first). */
  private static List<String> listed(KNearest.Lists lists) {
    List<String> out = new ArrayList<>();
    for (int i = 0; i < lists.size(); i++) {
      for (int q = 0; q < lists.count(i); q++) {
        out.add(i + ":" + lists.neighbour(i, q));
      }
    }
    return out;
  }

  /**
   * The oracle: each filter of a's k best of b by Dice, best first, ties to the smaller index;
   * pairs sharing no bit left out, and with {@code same} the filter itself.
   */
  private static List<String> kBest(FilterMatrix a, FilterMatrix b, int k, boolean same) {
    List<String> expected = new ArrayList<>();
    for (int i = 0; i < a.size(); i++) {
      List<double[]> row = new ArrayList<>();
      for (int j = 0; j < b.size(); j++) {
        int common = BitFilters.intersectionCount(a.filter(i), b.filter(j));
        if (common > 0 && !(same && i == j)) {
          row.add(new double[] {j, 2.0 * common / (a.popcount(i) + b.popcount(j))});
        }
      }
      row.sort(
          (x, y) -> {
            int c = Double.compare(y[1], x[1]);
            return c != 0 ? c : Double.compare(x[0], y[0]);
          });
      for (double[] p : row.subList(0, Math.min(k, row.size()))) {
        expected.add(i + ":" + (int) p[0]);
      }
    }
    return expected;
  }
}
