package org.pprl.core.block;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;
import java.util.concurrent.Callable;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import org.pprl.core.match.FilterMatrix;
import org.pprl.core.match.KNearest;
import org.pprl.core.match.Parallel;
import org.pprl.core.match.ProgressLine;

/**
 * Blocking by Hamming locality-sensitive hashing over filter bits: each of {@code tables} tables
 * samples {@code bitsPerTable} bit positions, and two filters that agree on all of a table's
 * positions share its bucket.
 *
 * <p>The table count and width are not set by hand: {@link #plan} chooses them from a target recall
 * for each record's nearest partner at a given Dice or above, measured on the data itself, and
 * {@link #candidates} runs the tables on all threads, reporting progress.
 */
public final class HammingLsh {
  /*
   * Bit sampling (Indyk & Motwani, "Approximate nearest neighbors", STOC 1998), used for Bloom
   * filters by Durham ("A framework for accurate, efficient private record linkage", 2012) and
   * Karapiperis & Verykios ("An LSH-based blocking approach with a homomorphic matching technique
   * for privacy-preserving record linkage", TKDE 2015; blocklib's λ-fold LSH is this scheme).
   *
   * A pair that agrees on a share s of the sampled positions shares a table's bucket with
   * probability s^k and some bucket of L tables with 1 - (1 - s^k)^L. Two things decide whether
   * that is cheap on dense CLKs (FEBRL's are 68% ones), and plan() measures both on the data
   * instead of assuming independent bits:
   *
   * 1. Where positions are drawn from. A bit that is set in almost every filter agrees in almost
   *    every pair, near or random, and tells nothing; a bit set in half the filters agrees in half
   *    the random pairs. Positions are drawn from the POOL_SHARE of bit positions whose density
   *    (on a sample) is nearest one half, which lowers random pairs' agreement far more than near
   *    pairs'.
   *
   * 2. What near pairs look like. Under independent bits, a pair at Dice d of popcounts p and q
   *    agrees on 1 - (p + q)(1 - d)/m of the bits, and planning for the worst pair at d = 0.8 asks
   *    for thousands of tables at a million records. Most records' best partners are far above
   *    the target, so plan() takes the best partner in the other party of NEAR_SAMPLE sampled
   *    records (an exhaustive search for those few records only) and averages the recall over
   *    their measured agreements on the pool. Not every best partner counts: at a million records
   *    nearly every record has some partner at Dice 0.8 by chance, a best among many that barely
   *    differ, and planning to find those costs thousands of tables. A match stands out from the
   *    record's runners-up; chance partners do not. So only best partners at Dice d or above and
   *    NEAR_MARGIN above the record's RUNNERS-th best are kept (on generated city extracts, 99% of
   *    true matches and a tenth of chance best partners pass). The promise is then: about
   *    targetRecall of the records whose best partner stands out that way find it.
   *
   * 3. What a chance collision costs. Scoring a pair reads both records' filters from wherever
   *    they lie in memory and offers it to each record's list of best partners: at a million
   *    records per party, 2.5 M chance pairs a table took about 2.4 s, nearly all of the table's
   *    time. So each record also has a sketch, its bits at SKETCH_BITS positions of the pool, and a
   *    pair is scored only when the sketches differ in at most sketchMaxDistance of them: two
   *    XORs and popcounts of values read once per bucket member. The limit is chosen so that the
   *    near pairs' expected loss (their disagreement on the sketch taken as binomial at their
   *    measured pool disagreement) is at most SKETCH_LOSS, and the recall counts it.
   *
   * For each k, the least L reaching the target is found, and the k with the lowest cost kept:
   * L·(|A| + |B|) keys made and sorted, plus L·|A|·|B|·E[s_r^k·(SKETCH_COST + COMPARE_COST·pass(s_r))]
   * for the chance collisions, E over the pool agreement s_r of random pairs (sampled), pass the
   * chance that their sketches are near enough. Keys are at most 32 bits, so a table is one array
   * of packed longs (key << 32 | record) per party, sorted and merged: no hash map, no boxing,
   * and each thread holds two arrays however many tables there are.
   */

  /** Most tables a plan may use. */
  public static final int MAX_TABLES = 512;

  /** Most bits a table's key may have: keys and record numbers are packed in one long. */
  static final int MAX_BITS = 32;

  /**
   * Relative cost of scoring one pair (its Dice, offered to both records' lists of best partners)
   * against one key made and sorted: from a JFR profile of the 100k × 86k CLK-only link in
   * docs/performance.md (4.1e-5 samples a pair scored against 7.3e-6 a key).
   */
  static final double COMPARE_COST = 6.0;

  /**
   * Relative cost of comparing one colliding pair's sketches against one key made and sorted (the
   * same profile: 1.0e-6 samples a pair offered).
   */
  static final double SKETCH_COST = 0.15;

  /**
   * Bit positions of the pool in each record's sketch (at most; fewer when the pool is smaller). On
   * the 100k × 86k CLK-only city, 128 bits let through 220 pairs a record to be scored and the
   * candidate search took 45 s, 256 bits 88 pairs and 14 s, 512 bits 62 pairs and 28 s (the
   * comparison of eight longs costing more than it saved); the same pairs completeness each time.
   */
  static final int SKETCH_BITS = 256;

  /** Longs a record's sketch takes. */
  static final int SKETCH_WORDS = (SKETCH_BITS + 63) / 64;

  /** The most of the near pairs' expected share that the sketch filter may lose. */
  static final double SKETCH_LOSS = 0.001;

  /** Share of bit positions, the most balanced ones, that tables sample from. */
  static final double POOL_SHARE = 0.5;

  /** Records whose best partner is searched exhaustively to plan with. */
  static final int NEAR_SAMPLE = 1000;

  /**
   * How far above a sampled record's RUNNERS-th best its best partner must be to plan with: the 1st
   * percentile of true matches' margin on generated city extracts (see docs/performance.md).
   */
  static final double NEAR_MARGIN = 0.04;

  /** The rank a best partner's margin is measured against: the candidates kept per record. */
  static final int RUNNERS = 10;

  /** Random pairs whose agreement is measured to estimate chance collisions. */
  static final int RANDOM_SAMPLE = 4000;

  /** Records sampled from each party to measure bit densities. */
  static final int DENSITY_SAMPLE = 4096;

  /**
   * Chosen parameters and what they promise.
   *
   * @param pool bit positions the tables sample from, ascending
   * @param sketch bit positions of each record's sketch (empty: every colliding pair is scored)
   * @param sketchMaxDistance the most sketch positions on which a pair may differ to be scored
   * @param nearPairs sampled records whose best partner was at the target Dice or above (the recall
   *     is estimated on them); 0 when none was, and the recall is then for a pair at the target
   *     Dice with independent bits
   * @param recall expected share of those pairs found (below the target when capped)
   * @param candidatesPerRecord expected chance collisions per record of A
   */
  public record Plan(
      int tables,
      int bitsPerTable,
      int[] pool,
      int[] sketch,
      int sketchMaxDistance,
      int nearPairs,
      double recall,
      double candidatesPerRecord) {
    public Plan {
      if (sketch.length > SKETCH_BITS || sketchMaxDistance < 0) {
        throw new IllegalArgumentException(
            "a sketch has at most "
                + SKETCH_BITS
                + " positions and a distance of at least 0, was "
                + sketch.length
                + " and "
                + sketchMaxDistance);
      }
      if (tables < 1 || bitsPerTable < 1 || bitsPerTable > MAX_BITS || pool.length == 0) {
        throw new IllegalArgumentException(
            "a plan needs at least one table of 1 to "
                + MAX_BITS
                + " bits from a non-empty pool, was "
                + tables
                + " tables of "
                + bitsPerTable
                + " bits from "
                + pool.length
                + " positions");
      }
      pool = pool.clone();
      sketch = sketch.clone();
    }

    /** A plan that scores every colliding pair (no sketch filter). */
    public Plan(
        int tables,
        int bitsPerTable,
        int[] pool,
        int nearPairs,
        double recall,
        double candidatesPerRecord) {
      this(tables, bitsPerTable, pool, new int[0], 0, nearPairs, recall, candidatesPerRecord);
    }

    @Override
    public int[] pool() {
      return pool.clone();
    }

    @Override
    public int[] sketch() {
      return sketch.clone();
    }

    @Override
    public boolean equals(Object o) {
      return o instanceof Plan p
          && p.tables == tables
          && p.bitsPerTable == bitsPerTable
          && Arrays.equals(p.pool, pool)
          && Arrays.equals(p.sketch, sketch)
          && p.sketchMaxDistance == sketchMaxDistance
          && p.nearPairs == nearPairs
          && Double.compare(p.recall, recall) == 0
          && Double.compare(p.candidatesPerRecord, candidatesPerRecord) == 0;
    }

    @Override
    public int hashCode() {
      return 31 * (31 * tables + bitsPerTable) + Arrays.hashCode(pool);
    }

    @Override
    public String toString() {
      return describe();
    }

    public String describe() {
      return String.format(
          Locale.ROOT,
          "Hamming LSH: %d tables of %d bits sampled from %d positions (recall %.4f for records'"
              + " best partners that stand out, estimated on %d sampled records; about %.1f"
              + " chance candidates per record%s)",
          tables,
          bitsPerTable,
          pool.length,
          recall,
          nearPairs,
          candidatesPerRecord,
          sketch.length == 0
              ? ""
              : String.format(
                  Locale.ROOT,
                  ", scored where %d-bit sketches differ in at most %d",
                  sketch.length,
                  sketchMaxDistance));
    }
  }

  /** What a search did. */
  public record Result(long compared, long offered, long skippedBuckets, long skippedPairs) {}

  private HammingLsh() {}

  /**
   * Chooses the pool, tables and bits per table for a search of {@code a} against {@code b}, or
   * inside {@code a} when {@code b == a}.
   *
   * @param targetRecall share of records' best partners at Dice {@code dice} or above to find, in
   *     (0, 1)
   * @param dice the least similarity of the pairs that must be found, in (0, 1]
   * @param threads threads for the sampled records' exhaustive search
   */
  public static Plan plan(
      FilterMatrix a, FilterMatrix b, double targetRecall, double dice, long seed, int threads) {
    if (!(targetRecall > 0 && targetRecall < 1)) {
      throw new IllegalArgumentException("target recall must be in (0, 1), was " + targetRecall);
    }
    if (!(dice > 0 && dice <= 1)) {
      throw new IllegalArgumentException("dice must be in (0, 1], was " + dice);
    }
    checkLengths(a, b);
    if (a.size() == 0 || b.size() == 0) {
      throw new IllegalArgumentException(
          "nothing to plan for: " + a.size() + " × " + b.size() + " filters");
    }
    SplittableRandom random = new SplittableRandom(seed);
    int[] pool = pool(a, b, random);
    double[] near = nearAgreements(a, b, pool, dice, random.split(), threads);
    int nearPairs = near.length;
    if (near.length == 0) {
      double s = 1 - (median(a) + median(b)) * (1 - dice) / a.bits();
      near = new double[] {Math.min(1, Math.max(1e-9, s))};
    }
    double[] chance = new double[RANDOM_SAMPLE];
    for (int t = 0; t < chance.length; t++) {
      chance[t] = agreement(a, random.nextInt(a.size()), b, random.nextInt(b.size()), pool);
    }
    int[] sketch = sketchPositions(pool, random.split());
    int limit = sketchLimit(near, sketch.length);
    double[] pass = new double[near.length];
    for (int t = 0; t < near.length; t++) {
      pass[t] = binomialAtMost(limit, sketch.length, 1 - near[t]);
    }
    double[] chancePass = new double[chance.length];
    for (int t = 0; t < chance.length; t++) {
      chancePass[t] = binomialAtMost(limit, sketch.length, 1 - chance[t]);
    }
    Plan best = null;
    double bestCost = Double.POSITIVE_INFINITY;
    for (int k = 1; k <= MAX_BITS; k++) {
      int tables = leastTables(near, pass, k, targetRecall);
      double recall = recall(near, pass, k, tables);
      double perTable = 0;
      double costPerTable = 0;
      for (int t = 0; t < chance.length; t++) {
        double collide = Math.pow(chance[t], k);
        perTable += collide * chancePass[t];
        costPerTable += collide * (SKETCH_COST + COMPARE_COST * chancePass[t]);
      }
      perTable = perTable / chance.length * b.size();
      costPerTable = costPerTable / chance.length * b.size();
      double perRecord = tables * perTable;
      double cost =
          tables * (double) (a.size() + b.size()) + (double) a.size() * tables * costPerTable;
      // Prefer plans that reach the target; among those, the cheapest.
      boolean reaches = recall >= targetRecall - 1e-12;
      boolean bestReaches = best != null && best.recall() >= targetRecall - 1e-12;
      if (best == null
          || (reaches && !bestReaches)
          || (reaches == bestReaches && (reaches ? cost < bestCost : recall > best.recall()))) {
        best = new Plan(tables, k, pool, sketch, limit, nearPairs, recall, perRecord);
        bestCost = cost;
      }
    }
    return best;
  }

  /** The least number of tables, at most MAX_TABLES, whose mean recall over near reaches target. */
  private static int leastTables(double[] near, double[] pass, int k, double target) {
    int lo = 1;
    int hi = MAX_TABLES;
    if (recall(near, pass, k, hi) < target) {
      return hi;
    }
    while (lo < hi) {
      int mid = (lo + hi) >>> 1;
      if (recall(near, pass, k, mid) >= target) {
        hi = mid;
      } else {
        lo = mid + 1;
      }
    }
    return lo;
  }

  /** Mean over the near pairs of the chance to share a bucket and then pass the sketch filter. */
  private static double recall(double[] agreements, double[] pass, int k, int tables) {
    double sum = 0;
    for (int t = 0; t < agreements.length; t++) {
      sum += (1 - Math.pow(1 - Math.pow(agreements[t], k), tables)) * pass[t];
    }
    return sum / agreements.length;
  }

  /**
   * SKETCH_BITS positions of the pool (all of it when smaller), drawn without repeats, ascending.
   */
  static int[] sketchPositions(int[] pool, SplittableRandom random) {
    int[] shuffled = pool.clone();
    for (int q = shuffled.length - 1; q > 0; q--) {
      int r = random.nextInt(q + 1);
      int t = shuffled[q];
      shuffled[q] = shuffled[r];
      shuffled[r] = t;
    }
    int[] sketch = Arrays.copyOf(shuffled, Math.min(SKETCH_BITS, shuffled.length));
    Arrays.sort(sketch);
    return sketch;
  }

  /**
   * The least sketch distance limit at which the near pairs' expected loss is at most SKETCH_LOSS,
   * each pair's disagreement on the sketch taken as binomial at its pool disagreement.
   */
  static int sketchLimit(double[] near, int sketchBits) {
    for (int limit = 0; limit < sketchBits; limit++) {
      double lost = 0;
      for (double s : near) {
        lost += 1 - binomialAtMost(limit, sketchBits, 1 - s);
      }
      if (lost <= SKETCH_LOSS * near.length) {
        return limit;
      }
    }
    return sketchBits;
  }

  /** P(X ≤ limit) for X binomial with n trials of probability p. */
  static double binomialAtMost(int limit, int n, double p) {
    if (limit >= n || p <= 0) {
      return 1;
    }
    if (p >= 1) {
      return 0;
    }
    double logTerm = n * Math.log1p(-p); // P(X = 0)
    double sum = 0;
    for (int x = 0; x <= limit; x++) {
      sum += Math.exp(logTerm);
      logTerm += Math.log((double) (n - x) / (x + 1)) + Math.log(p) - Math.log1p(-p);
    }
    return Math.min(1, sum);
  }

  /**
   * The POOL_SHARE of positions whose density on a sample of both parties is nearest one half,
   * ascending; positions set in all or none of the sample are left out unless nothing else is.
   */
  static int[] pool(FilterMatrix a, FilterMatrix b, SplittableRandom random) {
    int m = a.bits();
    int[] ones = new int[m];
    int seen = 0;
    for (FilterMatrix side : a == b ? List.of(a) : List.of(a, b)) {
      int n = Math.min(DENSITY_SAMPLE, side.size());
      for (int t = 0; t < n; t++) {
        int i = n == side.size() ? t : random.nextInt(side.size());
        for (int bit = 0; bit < m; bit++) {
          if (side.get(i, bit)) {
            ones[bit]++;
          }
        }
      }
      seen += n;
    }
    // Positions by distance of their density from one half, ties by position.
    long[] keyed = new long[m];
    for (int bit = 0; bit < m; bit++) {
      long distance = Math.abs(2L * ones[bit] - seen); // seen·|2·density - 1|
      keyed[bit] = distance << 32 | bit;
    }
    Arrays.sort(keyed);
    int size = Math.max(1, (int) Math.round(m * POOL_SHARE));
    int informative = 0;
    for (int bit = 0; bit < m; bit++) {
      if (ones[bit] > 0 && ones[bit] < seen) {
        informative++;
      }
    }
    size = Math.min(size, Math.max(1, informative));
    int[] pool = new int[size];
    for (int q = 0; q < size; q++) {
      pool[q] = (int) keyed[q];
    }
    Arrays.sort(pool);
    return pool;
  }

  /**
   * Pool agreements of the best partners of up to NEAR_SAMPLE sampled records of a that stand out:
   * at Dice {@code dice} or above, and at least NEAR_MARGIN above the record's RUNNERS-th best.
   * They are found by comparing the sampled records with every record of b (other than themselves
   * inside one party).
   */
  private static double[] nearAgreements(
      FilterMatrix a,
      FilterMatrix b,
      int[] pool,
      double dice,
      SplittableRandom random,
      int threads) {
    int n = Math.min(NEAR_SAMPLE, a.size());
    int[] sampled = new int[n];
    FilterMatrix.Builder builder = FilterMatrix.builder(a.bits(), n);
    for (int t = 0; t < n; t++) {
      sampled[t] = n == a.size() ? t : random.nextInt(a.size());
      builder.add(a.filter(sampled[t]));
    }
    FilterMatrix sample = builder.build();
    boolean same = a == b;
    KNearest.Lists lists = KNearest.across(sample, b, same ? RUNNERS + 1 : RUNNERS, threads).ofA();
    double[] out = new double[n];
    int found = 0;
    for (int t = 0; t < n; t++) {
      int best = -1;
      double first = 0;
      double last = 0;
      for (int q = 0; q < lists.count(t); q++) {
        int j = lists.neighbour(t, q);
        if (same && j == sampled[t]) {
          continue;
        }
        last = a.dice(sampled[t], b, j);
        if (best < 0) {
          best = j;
          first = last;
        }
      }
      if (best >= 0 && first >= dice && first - last >= NEAR_MARGIN) {
        out[found++] = agreement(a, sampled[t], b, best, pool);
      }
    }
    return Arrays.copyOf(out, found);
  }

  /** Share of the pool's positions where filter i of a and filter j of b agree. */
  static double agreement(FilterMatrix a, int i, FilterMatrix b, int j, int[] pool) {
    int agree = 0;
    for (int bit : pool) {
      if (a.get(i, bit) == b.get(j, bit)) {
        agree++;
      }
    }
    return (double) agree / pool.length;
  }

  private static double median(FilterMatrix m) {
    int[] p = new int[m.size()];
    for (int i = 0; i < p.length; i++) {
      p[i] = m.popcount(i);
    }
    Arrays.sort(p);
    return p.length == 0 ? 0 : p[p.length / 2];
  }

  private static void checkLengths(FilterMatrix a, FilterMatrix b) {
    if (a.bits() != b.bits()) {
      throw new IllegalArgumentException(
          "filters differ in length: " + a.bits() + " vs " + b.bits() + " bits");
    }
  }

  /** Sampled positions of every table, drawn from the plan's pool with the seed. */
  static int[][] positions(Plan plan, long seed) {
    SplittableRandom random = new SplittableRandom(seed);
    int[] pool = plan.pool;
    int[][] out = new int[plan.tables()][plan.bitsPerTable()];
    for (int[] table : out) {
      for (int q = 0; q < table.length; q++) {
        table[q] = pool[random.nextInt(pool.length)];
      }
    }
    return out;
  }

  /** The bucket key of filter {@code i} in a table: its bits at the table's positions. */
  static int key(FilterMatrix m, int i, int[] positions) {
    assert positions.length <= MAX_BITS;
    int key = 0;
    for (int bit : positions) {
      key = (key << 1) | (m.get(i, bit) ? 1 : 0);
    }
    return key;
  }

  /** Scores candidate pairs; called from several threads at once. */
  public interface PairScorer {
    /** Takes pair (i of a, j of b); returns whether it was compared. */
    boolean score(int i, int j);
  }

  /**
   * Offers {@code sink} every pair (i of a, j of b) sharing a bucket in some table (inside one
   * matrix, {@code a == b}, only i < j), once per table they share; a bucket pairing more than
   * {@code maxBucketPairs} records is skipped and counted. Tables are taken by up to {@code
   * threads} threads in turn, so {@code sink} must be safe to call from several at once; which
   * pairs are offered, and how often, does not depend on the threads. A progress line goes to
   * {@code progress} at most every {@code progressMillis} (tables done, pairs offered).
   */
  public static Result candidates(
      FilterMatrix a,
      FilterMatrix b,
      Plan plan,
      long seed,
      long maxBucketPairs,
      int threads,
      PairScorer sink,
      Consumer<String> progress,
      long progressMillis) {
    checkLengths(a, b);
    if (threads < 1) {
      throw new IllegalArgumentException("threads must be at least 1, was " + threads);
    }
    int[][] positions = positions(plan, seed);
    boolean same = a == b;
    // The line's clock starts before the sketches are made (1-3 s at a million records), so that
    // its first line comes at most a few seconds after the stage's own.
    ProgressLine report =
        new ProgressLine(
            progress,
            progressMillis,
            2,
            (done, seconds) ->
                String.format(
                    Locale.ROOT,
                    "Hamming LSH: %d of %d tables, %,d pairs offered, %.1f s",
                    done[0],
                    positions.length,
                    done[1],
                    seconds));
    long[] sketchA = sketches(a, plan.sketch);
    long[] sketchB = same ? sketchA : sketches(b, plan.sketch);
    Join join = new Join(same, maxBucketPairs, sink, sketchA, sketchB, plan.sketchMaxDistance);
    AtomicInteger next = new AtomicInteger();
    int workers = Math.min(threads, positions.length);
    List<Callable<long[]>> tasks = new ArrayList<>(workers);
    for (int w = 0; w < workers; w++) {
      tasks.add(
          () -> {
            long[] counts = new long[4]; // compared, offered, skipped buckets, skipped pairs
            long[] left = new long[a.size()];
            long[] right = same ? left : new long[b.size()];
            for (int t = next.getAndIncrement(); t < positions.length; t = next.getAndIncrement()) {
              keys(a, positions[t], left);
              if (!same) {
                keys(b, positions[t], right);
              }
              long before = counts[1];
              join.run(left, right, counts);
              report.add(1, counts[1] - before);
            }
            return counts;
          });
    }
    long[] total = new long[4];
    for (long[] counts : Parallel.run(tasks, workers, "finding Hamming LSH candidates")) {
      for (int c = 0; c < total.length; c++) {
        total[c] += counts[c];
      }
    }
    report.finish();
    return new Result(total[0], total[1], total[2], total[3]);
  }

  /** Fills {@code out} with each record's key and number, {@code key << 32 | i}, sorted. */
  private static void keys(FilterMatrix m, int[] positions, long[] out) {
    for (int i = 0; i < out.length; i++) {
      out[i] = (long) key(m, i, positions) << 32 | i;
    }
    Arrays.sort(out);
  }

  /**
   * Each record's sketch, two longs a record (the bits at the sketch positions, in order); null
   * when the plan has no sketch.
   */
  private static long[] sketches(FilterMatrix m, int[] sketch) {
    if (sketch.length == 0) {
      return null;
    }
    long[] out = new long[SKETCH_WORDS * m.size()];
    for (int i = 0; i < m.size(); i++) {
      for (int q = 0; q < sketch.length; q++) {
        if (m.get(i, sketch[q])) {
          out[SKETCH_WORDS * i + (q >>> 6)] |= 1L << q;
        }
      }
    }
    return out;
  }

  /** Offers the pairs of each bucket the two sorted key arrays share. */
  private record Join(
      boolean same,
      long maxBucketPairs,
      PairScorer sink,
      long[] sketchA,
      long[] sketchB,
      int sketchMaxDistance) {

    void run(long[] left, long[] right, long[] n) {
      int i = 0;
      int j = 0;
      while (i < left.length && j < right.length) {
        // Keys compare as the signed high halves they were sorted by.
        long ki = left[i] >> 32;
        long kj = right[j] >> 32;
        if (ki < kj) {
          i++;
        } else if (ki > kj) {
          j++;
        } else {
          int iEnd = i;
          while (iEnd < left.length && left[iEnd] >> 32 == ki) {
            iEnd++;
          }
          int jEnd = j;
          while (jEnd < right.length && right[jEnd] >> 32 == kj) {
            jEnd++;
          }
          long pairs =
              same ? (long) (iEnd - i) * (iEnd - i - 1) / 2 : (long) (iEnd - i) * (jEnd - j);
          if (pairs > maxBucketPairs) {
            n[2]++;
            n[3] += pairs;
          } else {
            for (int p = i; p < iEnd; p++) {
              int x = (int) left[p];
              for (int q = same ? p + 1 : j; q < jEnd; q++) {
                int y = (int) right[q];
                if (near(x, y) && sink.score(x, y)) {
                  n[0]++;
                }
              }
            }
            n[1] += pairs;
          }
          i = iEnd;
          j = jEnd;
        }
      }
    }

    /** Whether the pair's sketches differ in at most the plan's limit (always, with no sketch). */
    private boolean near(int x, int y) {
      if (sketchA == null) {
        return true;
      }
      int d = 0;
      int u = SKETCH_WORDS * x;
      int v = SKETCH_WORDS * y;
      for (int w = 0; w < SKETCH_WORDS; w++) {
        d += Long.bitCount(sketchA[u + w] ^ sketchB[v + w]);
      }
      return d <= sketchMaxDistance;
    }
  }
}
