package org.pprl.core.match;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;
import org.junit.jupiter.api.Test;
import org.pprl.core.bits.BitFilters;

class DiceKernelTest {

  /** Filters with densities spread widely, so the popcount bound has something to skip. */
  static FilterMatrix randomMatrix(SplittableRandom random, int n, int bits) {
    FilterMatrix.Builder builder = FilterMatrix.builder(bits, n);
    long[] base = randomFilter(random, bits, 0.5);
    for (int i = 0; i < n; i++) {
      long[] filter;
      if (random.nextInt(3) == 0) {
        // A noisy copy of a shared base filter: some pairs then score high.
        filter = BitFilters.copy(base);
        for (int flip = random.nextInt(bits / 8 + 1); flip > 0; flip--) {
          int bit = random.nextInt(bits);
          filter[bit >>> 6] ^= 1L << bit;
        }
      } else {
        filter = randomFilter(random, bits, random.nextDouble());
      }
      builder.add(filter);
    }
    return builder.build();
  }

  private static long[] randomFilter(SplittableRandom random, int bits, double density) {
    long[] words = new long[BitFilters.wordCount(bits)];
    for (int i = 0; i < bits; i++) {
      if (random.nextDouble() < density) {
        BitFilters.set(words, i);
      }
    }
    return words;
  }

  /** The oracle: every pair, in (a, b) order, with the kernel's documented condition. */
  private static List<String> exhaustive(FilterMatrix a, FilterMatrix b, double t) {
    List<String> pairs = new ArrayList<>();
    for (int i = 0; i < a.size(); i++) {
      for (int j = 0; j < b.size(); j++) {
        long[] x = a.filter(i);
        long[] y = b.filter(j);
        int common = BitFilters.intersectionCount(x, y);
        int sum = BitFilters.popcount(x) + BitFilters.popcount(y);
        if (sum > 0 && 2.0 * common >= t * sum) {
          pairs.add(i + "," + j + "," + BitFilters.dice(x, y));
        }
      }
    }
    return pairs;
  }

  private static List<String> listed(ScoredPairs pairs) {
    List<String> out = new ArrayList<>();
    for (int k = 0; k < pairs.size(); k++) {
      out.add(pairs.a(k) + "," + pairs.b(k) + "," + pairs.score(k));
    }
    return out;
  }

  @Property(tries = 60)
  void scan_agreesWithExhaustiveComparison(
      @ForAll long seed,
      @ForAll @IntRange(min = 1, max = 300) int bits,
      @ForAll @IntRange(min = 0, max = 150) int sizeA,
      @ForAll @IntRange(min = 0, max = 150) int sizeB,
      @ForAll @IntRange(min = 1, max = 100) int percent,
      @ForAll @IntRange(min = 1, max = 3) int threads) {
    SplittableRandom random = new SplittableRandom(seed);
    FilterMatrix a = randomMatrix(random, sizeA, bits);
    FilterMatrix b = randomMatrix(random, sizeB, bits);
    double t = percent / 100.0;

    assertEquals(exhaustive(a, b, t), listed(DiceKernel.scan(a, b, t, threads)));
  }

  @Property(tries = 40)
  void everyInnerLoop_agreesWithExhaustiveComparison(
      @ForAll long seed,
      @ForAll("wordCounts") int words,
      @ForAll @IntRange(min = 50, max = 95) int percent) {
    SplittableRandom random = new SplittableRandom(seed);
    int bits = words * 64 - random.nextInt(2) * 7;
    FilterMatrix a = randomMatrix(random, 40, bits);
    // Several segments of RowScanner.SEGMENT pairs, so probing and its back-off are exercised.
    FilterMatrix b = randomMatrix(random, 3 * RowScanner.SEGMENT + 70, bits);
    double t = percent / 100.0;
    List<String> expected = exhaustive(a, b, t);

    for (RowScanner rows : innerLoops(a.wordsPerFilter())) {
      assertEquals(expected, listed(DiceKernel.scan(a, b, t, 1, rows)), rows.name());
    }
  }

  /** Every inner loop this JVM has for filters of {@code words} words. */
  static List<RowScanner> innerLoops(int words) {
    List<RowScanner> loops = new ArrayList<>();
    for (String name : new String[] {"portable", "unrolled", "vector"}) {
      RowScanner rows = RowScanner.named(name);
      if (rows != null && rows.supports(words)) {
        loops.add(rows);
      }
    }
    return loops;
  }

  @Provide
  Arbitrary<Integer> wordCounts() {
    return Arbitraries.of(1, 3, 8, 9, 15, 16, 17, 32);
  }

  /** The oracle inside one matrix: every pair i < j, with the kernel's documented condition. */
  private static List<String> exhaustiveWithin(FilterMatrix a, double t) {
    List<String> pairs = new ArrayList<>();
    for (String pair : exhaustive(a, a, t)) {
      String[] parts = pair.split(",");
      if (Integer.parseInt(parts[0]) < Integer.parseInt(parts[1])) {
        pairs.add(pair);
      }
    }
    return pairs;
  }

  @Property(tries = 40)
  void within_everyInnerLoop_agreesWithExhaustiveComparison(
      @ForAll long seed,
      @ForAll("wordCounts") int words,
      @ForAll @IntRange(min = 0, max = 300) int size,
      @ForAll @IntRange(min = 1, max = 100) int percent,
      @ForAll @IntRange(min = 1, max = 3) int threads) {
    SplittableRandom random = new SplittableRandom(seed);
    int bits = words * 64 - random.nextInt(2) * 7;
    FilterMatrix a = randomMatrix(random, size, bits);
    double t = percent / 100.0;
    List<String> expected = exhaustiveWithin(a, t);

    for (RowScanner rows : innerLoops(a.wordsPerFilter())) {
      assertEquals(expected, listed(DiceKernel.within(a, t, threads, rows)), rows.name());
    }
    assertEquals(expected, listed(DiceKernel.within(a, t, threads, Long.MAX_VALUE)));
  }

  /**
   * Filters as dense as CLKs (most bits set, so random pairs share most of them) with planted
   * near-copies, in sizes that are not multiples of any vector's lane count.
   */
  @Property(tries = 12)
  void everyInnerLoop_denseFiltersWithPlantedCopies_agreesWithExhaustiveComparison(
      @ForAll long seed,
      @ForAll("clkLengths") int bits,
      @ForAll @IntRange(min = 70, max = 90) int percent) {
    SplittableRandom random = new SplittableRandom(seed);
    FilterMatrix a = denseWithCopies(random, 203, bits, null);
    FilterMatrix b = denseWithCopies(random, 517, bits, a);
    double t = percent / 100.0;
    List<String> expected = exhaustive(a, b, t);

    for (RowScanner rows : innerLoops(a.wordsPerFilter())) {
      assertEquals(expected, listed(DiceKernel.scan(a, b, t, 1, rows)), rows.name());
      assertEquals(exhaustiveWithin(b, t), listed(DiceKernel.within(b, t, 2, rows)), rows.name());
    }
  }

  @Provide
  Arbitrary<Integer> clkLengths() {
    return Arbitraries.of(1024, 1000, 512, 2048);
  }

  /** Filters of density 0.6-0.7; every fifth a copy of one of {@code source}'s with a few flips. */
  private static FilterMatrix denseWithCopies(
      SplittableRandom random, int n, int bits, FilterMatrix source) {
    FilterMatrix.Builder builder = FilterMatrix.builder(bits, n);
    for (int i = 0; i < n; i++) {
      long[] filter;
      if (source != null && i % 5 == 0) {
        filter = source.filter(random.nextInt(source.size()));
        for (int flip = random.nextInt(40); flip > 0; flip--) {
          int bit = random.nextInt(bits);
          filter[bit >>> 6] ^= 1L << bit;
        }
      } else {
        filter = randomFilter(random, bits, 0.6 + random.nextDouble() / 10);
      }
      builder.add(filter);
    }
    return builder.build();
  }

  /**
   * A threshold equal to a pair's own Dice keeps that pair in every loop, and one a little above it
   * drops the pair: the loops' integer bounds agree with the exact test at its boundary.
   */
  @Property(tries = 30)
  void everyInnerLoop_thresholdAtAPairsExactDice_keepsItAndOneAboveDropsIt(
      @ForAll long seed, @ForAll("wordCounts") int words) {
    SplittableRandom random = new SplittableRandom(seed);
    int bits = words * 64 - random.nextInt(2) * 5;
    FilterMatrix a = denseWithCopies(random, 37, bits, null);
    FilterMatrix b = denseWithCopies(random, 61, bits, a);
    int i = random.nextInt(a.size());
    int j = random.nextInt(b.size());
    int common = BitFilters.intersectionCount(a.filter(i), b.filter(j));
    int sum = a.popcount(i) + b.popcount(j);
    assumeTrue(common > 0);
    // The largest threshold the pair reaches, as the documented condition evaluates it.
    double edge = BitFilters.dice(a.filter(i), b.filter(j));
    while (2.0 * common < edge * sum) {
      edge = Math.nextDown(edge);
    }
    while (Math.nextUp(edge) <= 1 && 2.0 * common >= Math.nextUp(edge) * sum) {
      edge = Math.nextUp(edge);
    }
    String pair = i + "," + j + "," + BitFilters.dice(a.filter(i), b.filter(j));

    for (double t : new double[] {edge, Math.nextUp(edge)}) {
      if (t > 1) {
        continue;
      }
      List<String> expected = exhaustive(a, b, t);
      for (RowScanner rows : innerLoops(a.wordsPerFilter())) {
        List<String> found = listed(DiceKernel.scan(a, b, t, 1, rows));
        assertEquals(expected, found, rows.name() + " at " + t);
        assertEquals(t == edge, found.contains(pair), rows.name() + " at " + t);
      }
    }
  }

  @Test
  void within_emptyAndIdenticalFilters_pairsOnlyTheNonEmptyCopies() {
    long[] one = {0b1011L};
    FilterMatrix a = FilterMatrix.of(64, new long[1], one, new long[1], one.clone(), one.clone());

    for (RowScanner rows : innerLoops(1)) {
      assertEquals(
          List.of("1,3,1.0", "1,4,1.0", "3,4,1.0"),
          listed(DiceKernel.within(a, 1.0, 1, rows)),
          rows.name());
    }
  }

  @Test
  void within_cap_countsEachPairOnce() {
    long[] one = {0b1011L};
    FilterMatrix a = FilterMatrix.of(64, one, one.clone(), one.clone());

    assertEquals(3, DiceKernel.within(a, 0.9, 1, 3).size());
    assertThrows(DiceKernel.TooManyPairsException.class, () -> DiceKernel.within(a, 0.9, 1, 2));
  }

  @Test
  void vectorLoop_isPresentWhereTheJdkOffersIt() {
    boolean jdkHasIt =
        Runtime.version().feature() >= 21
            && ModuleLayer.boot().findModule("jdk.incubator.vector").isPresent();
    assumeTrue(jdkHasIt, "Vector API needs JDK 21+ started with jdk.incubator.vector");
    assertNotNull(RowScanner.named("vector"), "the JDK 21 sources were not compiled in");
    assertEquals("vector", DiceKernel.implementation(1024));
  }

  @Test
  void implementation_withoutVectorApi_isUnrolledFor1024Bits() {
    assumeTrue(RowScanner.named("vector") == null);
    assertEquals("unrolled", DiceKernel.implementation(1024));
    assertEquals("portable", DiceKernel.implementation(1000 - 64));
  }

  @Test
  void scan_manyBlocksAndChunks_isIndependentOfThreadCount() {
    SplittableRandom random = new SplittableRandom(7);
    FilterMatrix a = randomMatrix(random, DiceKernel.ROWS * 3 + 5, 128);
    FilterMatrix b = randomMatrix(random, DiceKernel.CHUNK + 300, 128);

    List<String> one = listed(DiceKernel.scan(a, b, 0.7, 1));
    assertEquals(one, listed(DiceKernel.scan(a, b, 0.7, 2)));
    assertEquals(exhaustive(a, b, 0.7), one);
  }

  @Test
  void scan_emptyFilters_neverMatch() {
    FilterMatrix a = FilterMatrix.of(64, new long[1]);
    FilterMatrix b = FilterMatrix.of(64, new long[1]);
    assertEquals(0, DiceKernel.scan(a, b, 0.01, 1).size());
  }

  @Test
  void scan_differentLengths_isRefused() {
    FilterMatrix a = FilterMatrix.of(64, new long[1]);
    FilterMatrix b = FilterMatrix.of(128, new long[2]);
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> DiceKernel.scan(a, b, 0.8, 1));
    assertEquals("filters differ in length: 64 vs 128 bits", e.getMessage());
  }

  @Test
  void scan_thresholdOutOfRange_isRefused() {
    FilterMatrix a = FilterMatrix.of(64, new long[1]);
    assertThrows(IllegalArgumentException.class, () -> DiceKernel.scan(a, a, 0, 1));
    assertThrows(IllegalArgumentException.class, () -> DiceKernel.scan(a, a, 1.5, 1));
  }

  @Test
  void builder_tailBitSet_isRefusedWithItsIndex() {
    FilterMatrix.Builder builder = FilterMatrix.builder(60, 2).add(new long[1]);
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> builder.add(new long[] {1L << 62}));
    assertEquals("filter 1: bit 62 is set in a filter of 60 bits", e.getMessage());
  }
}
