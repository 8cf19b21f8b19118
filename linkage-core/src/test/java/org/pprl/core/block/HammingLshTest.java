package org.pprl.core.block;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import org.junit.jupiter.api.Test;
import org.pprl.core.match.FilterMatrix;

class HammingLshTest {

  private static long[] filter(SplittableRandom random, int bits, double density) {
    long[] w = new long[(bits + 63) / 64];
    for (int bit = 0; bit < bits; bit++) {
      if (random.nextDouble() < density) {
        w[bit >>> 6] |= 1L << bit;
      }
    }
    return w;
  }

  private static FilterMatrix random(SplittableRandom random, int n, int bits, double density) {
    FilterMatrix.Builder b = FilterMatrix.builder(bits, n);
    for (int i = 0; i < n; i++) {
      b.add(filter(random, bits, density));
    }
    return b.build();
  }

  /** Each pair offered and how often, from any number of threads. */
  private static Map<String, Integer> offered(
      FilterMatrix a, FilterMatrix b, HammingLsh.Plan plan, long seed, int threads) {
    Map<String, Integer> found = new ConcurrentHashMap<>();
    HammingLsh.candidates(
        a,
        b,
        plan,
        seed,
        Long.MAX_VALUE,
        threads,
        (i, j) -> {
          found.merge(i + "," + j, 1, Integer::sum);
          return true;
        },
        line -> {},
        Long.MAX_VALUE);
    return new TreeMap<>(found);
  }

  /**
   * With no sketch every pair sharing a table's bucket is offered, once per such table; with one,
   * only those whose sketches differ in at most the limit.
   */
  @Property(tries = 60)
  void candidates_areThePairsSharingABucketWithNearSketches_oncePerTable_onAnyThreads(
      @ForAll long seed,
      @ForAll @IntRange(min = 1, max = 6) int tables,
      @ForAll @IntRange(min = 1, max = 6) int bitsPerTable,
      @ForAll @IntRange(min = 0, max = 60) int limit,
      @ForAll @IntRange(min = 1, max = 3) int threads,
      @ForAll boolean same,
      @ForAll boolean sketched) {
    SplittableRandom random = new SplittableRandom(seed);
    FilterMatrix a = random(random, 30, 200, 0.5);
    FilterMatrix b = same ? a : random(random, 25, 200, 0.5);
    int[] pool = {0, 3, 5, 8, 13, 21, 34, 55, 69, 89, 144, 199};
    // Sketch positions beyond the first long, so that both of its longs count; random pairs differ
    // in about 40 of them, so limits from 0 to 60 keep none, some or all.
    int[] sketch = new int[sketched ? 80 : 0];
    for (int q = 0; q < sketch.length; q++) {
      sketch[q] = 2 * q + 40;
    }
    HammingLsh.Plan plan =
        new HammingLsh.Plan(tables, bitsPerTable, pool, sketch, limit, 0, 0.9, 1);

    Map<String, Integer> found = offered(a, b, plan, seed, threads);

    int[][] positions = HammingLsh.positions(plan, seed);
    Map<String, Integer> expected = new TreeMap<>();
    for (int i = 0; i < a.size(); i++) {
      for (int j = same ? i + 1 : 0; j < b.size(); j++) {
        int differ = 0;
        for (int bit : sketch) {
          differ += a.get(i, bit) == b.get(j, bit) ? 0 : 1;
        }
        for (int[] table : positions) {
          boolean agree = true;
          for (int bit : table) {
            assertTrue(java.util.Arrays.binarySearch(pool, bit) >= 0, "position outside the pool");
            agree &= a.get(i, bit) == b.get(j, bit);
          }
          if (agree && differ <= (sketched ? limit : 0)) {
            expected.merge(i + "," + j, 1, Integer::sum);
          }
        }
      }
    }
    assertEquals(expected, found);
  }

  @Test
  void sketchLimit_losesAtMostItsShareOfTheNearPairs() {
    // Near pairs disagreeing on 10 % of the pool: binomial(128, 0.1), mean 12.8.
    double[] near = new double[50];
    java.util.Arrays.fill(near, 0.9);
    int limit = HammingLsh.sketchLimit(near, 128);
    double kept = HammingLsh.binomialAtMost(limit, 128, 0.1);
    assertTrue(kept >= 1 - HammingLsh.SKETCH_LOSS, "kept " + kept + " at " + limit);
    assertTrue(
        HammingLsh.binomialAtMost(limit - 1, 128, 0.1) < 1 - HammingLsh.SKETCH_LOSS,
        "not the least limit: " + limit);
    // The binomial's tail against a sum of exact terms.
    double exact = 0;
    for (int x = 0; x <= 20; x++) {
      exact += binomialTerm(128, x, 0.1);
    }
    assertEquals(exact, HammingLsh.binomialAtMost(20, 128, 0.1), 1e-12);
  }

  private static double binomialTerm(int n, int x, double p) {
    java.math.BigDecimal choose = java.math.BigDecimal.ONE;
    for (int t = 0; t < x; t++) {
      choose =
          choose
              .multiply(java.math.BigDecimal.valueOf(n - t))
              .divide(java.math.BigDecimal.valueOf(t + 1), java.math.MathContext.DECIMAL128);
    }
    return choose.doubleValue() * Math.pow(p, x) * Math.pow(1 - p, n - x);
  }

  @Test
  void candidates_skipBucketsPairingTooManyRecords() {
    // Identical filters share every bucket: one bucket of 20 × 20 pairs per table.
    long[] one = filter(new SplittableRandom(1), 64, 0.5);
    FilterMatrix.Builder builder = FilterMatrix.builder(64, 20);
    for (int i = 0; i < 20; i++) {
      builder.add(one);
    }
    FilterMatrix a = builder.build();
    HammingLsh.Plan plan = new HammingLsh.Plan(3, 4, new int[] {1, 2, 3, 4, 5}, 0, 0.9, 1);

    HammingLsh.Result result =
        HammingLsh.candidates(a, a, plan, 1, 189, 2, (i, j) -> true, line -> {}, Long.MAX_VALUE);

    assertEquals(new HammingLsh.Result(0, 0, 3, 3 * 190), result);
  }

  @Test
  void candidates_intervalZero_reportTablesAndPairsOffered_theLastLineCountsAll() {
    SplittableRandom random = new SplittableRandom(5);
    FilterMatrix a = random(random, 40, 200, 0.5);
    FilterMatrix b = random(random, 30, 200, 0.5);
    HammingLsh.Plan plan =
        new HammingLsh.Plan(6, 3, new int[] {0, 3, 5, 8, 13, 21, 34, 55}, 0, 0.9, 1);
    List<String> lines = java.util.Collections.synchronizedList(new ArrayList<>());

    HammingLsh.Result result =
        HammingLsh.candidates(a, b, plan, 1, Long.MAX_VALUE, 2, (i, j) -> true, lines::add, 0);

    assertTrue(lines.size() >= 1, "no progress line");
    String last = lines.get(lines.size() - 1);
    String counted =
        String.format(
            java.util.Locale.ROOT,
            "Hamming LSH: 6 of 6 tables, %,d pairs offered, ",
            result.offered());
    assertTrue(last.startsWith(counted), last);
  }

  /**
   * Pairs sharing a given share of the pool's positions, like a record and its partner in the other
   * party: filter j of b is filter j of a with {@code flips} pool positions flipped.
   */
  private static FilterMatrix[] planted(SplittableRandom random, int n, int flips) {
    FilterMatrix a = random(random, n, 1024, 0.68);
    FilterMatrix.Builder b = FilterMatrix.builder(1024, n);
    for (int j = 0; j < n; j++) {
      long[] w = a.filter(j);
      for (int f = 0; f < flips; f++) {
        int bit = random.nextInt(1024);
        w[bit >>> 6] ^= 1L << bit;
      }
      b.add(w);
    }
    return new FilterMatrix[] {a, b.build()};
  }

  @Test
  void plan_isDeterministicForASeed_andReachesTheTarget() {
    FilterMatrix[] ab = planted(new SplittableRandom(4), 400, 60);

    HammingLsh.Plan plan = HammingLsh.plan(ab[0], ab[1], 0.95, 0.8, 1, 2);

    assertTrue(plan.recall() >= 0.95, plan.describe());
    assertTrue(plan.nearPairs() > 300, plan.describe()); // nearly every planted pair stands out
    assertEquals(plan, HammingLsh.plan(ab[0], ab[1], 0.95, 0.8, 1, 1));
  }

  @Property(tries = 5)
  void candidates_findPlantedPairsAtLeastAsOftenAsPromised(@ForAll long seed) {
    SplittableRandom random = new SplittableRandom(seed);
    int n = 600;
    FilterMatrix[] ab = planted(random, n, 90); // Dice about 0.87
    HammingLsh.Plan plan = HammingLsh.plan(ab[0], ab[1], 0.9, 0.8, seed, 2);

    Map<String, Integer> found = offered(ab[0], ab[1], plan, seed + 1, 2);
    int hits = 0;
    for (int j = 0; j < n; j++) {
      if (found.containsKey(j + "," + j)) {
        hits++;
      }
    }
    // The count of found pairs is binomial at the true recall or above, and the promised recall is
    // itself a count over the plan's 600 sampled records with tables of another seed: their
    // difference has twice a binomial's variance. Four standard deviations of it below the promise
    // fails about once in 30,000 runs by chance. (Bounded by the count's variance alone, it failed
    // in CI at 513 found of 600 against a promise of 0.907.)
    double p = plan.recall();
    double floor = n * p - 4 * Math.sqrt(2 * n * p * (1 - p)) - 1;
    assertTrue(hits >= floor, hits + " of " + n + " found, " + plan.describe());
  }

  @Test
  void pool_takesTheBitsNearestHalfFull() {
    SplittableRandom random = new SplittableRandom(7);
    // Bits 0..63 set half the time, bits 64..127 nearly always.
    List<long[]> filters = new ArrayList<>();
    for (int i = 0; i < 500; i++) {
      long[] w = {random.nextLong(), random.nextDouble() < 0.98 ? -1L : random.nextLong()};
      filters.add(w);
    }
    FilterMatrix a = FilterMatrix.of(128, filters.toArray(new long[0][]));

    int[] pool = HammingLsh.pool(a, a, new SplittableRandom(1));

    assertEquals(64, pool.length);
    for (int bit : pool) {
      assertTrue(bit < 64, "bit " + bit + " is nearly always set");
    }
  }

  @Test
  void plan_refusesNonsense() {
    FilterMatrix a = random(new SplittableRandom(1), 10, 64, 0.5);
    org.junit.jupiter.api.Assertions.assertThrows(
        IllegalArgumentException.class, () -> HammingLsh.plan(a, a, 1.0, 0.8, 1, 1));
    org.junit.jupiter.api.Assertions.assertThrows(
        IllegalArgumentException.class, () -> HammingLsh.plan(a, a, 0.9, 0, 1, 1));
  }
}
