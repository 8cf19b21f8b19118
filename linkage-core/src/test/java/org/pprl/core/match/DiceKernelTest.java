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
    return Arbitraries.of(1, 8, 15, 16, 17, 32);
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
