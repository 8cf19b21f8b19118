package org.pprl.core.link;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.pprl.core.match.ComparisonPatterns;
import org.pprl.core.match.FellegiSunter;
import org.pprl.core.match.Parallel;
import org.pprl.core.match.ProgressLine;

/**
 * m across extracts, estimated on pairs that share one field's value exactly (a block per model
 * field), with one m for all blocks: the levels of a person's fields when the records are one
 * person.
 */
final class SharedValueModel {
  /*
   * Why. EM over the candidates learns "more alike than random", not "one person": each record's
   * nearest records are mostly look-alikes (a namesake on the same street, a relative), fields
   * depend on each other among them, and with u fixed to random pairs the free class takes all of
   * them. On NCVR (3 parties × 5,000, 3,589 matches among 202,586 candidates) that class held
   * every candidate, a disagreeing surname weighed −0.6 bits where among matches it is about
   * −9, and the best cut the truth allows on those weights reached F1 0.957.
   *
   * How. Pairs that share a field's value (identical field filters, found by sorting records by
   * a hash of the filters) are few enough to enumerate or sample, far richer in matches than
   * random pairs, and not chosen by the other fields: given that they share one value, the other
   * fields of two different persons are close to independent, which is what the model assumes
   * (Splink estimates m the same way, by EM on pairs blocked on one column). In the block of field
   * k, field k itself says nothing (it agrees by construction) and is left out. Persons who share
   * a value may still be related (one family shares a surname and an address), so each block has
   * three classes: matches (m, shared by every block), related pairs (r, its own) and random
   * pairs (u from random pairs, fixed), with its own shares. m is fitted on all blocks at once: a
   * block whose own EM would go wrong (a block of nearly all matches, where nothing tells matches
   * from relatives; a block of two fields, where three classes cannot be told apart) is held by
   * the others. Fields that agree together (FieldGroups) are one field here too, so that one
   * block is not the address and the next its postcode, and persons who moved (every address
   * field differs at once) stay one kind of match.
   *
   * Figures, the best cut the truth allows on the candidates' weights (levels of LEVEL_CUTS): NCVR
   * 0.987 (m from the truth's matches: 0.986); the generated city, severe corruption 0.977
   * (0.978), default 0.992 (0.992).
   *
   * m is floored at M_FLOOR, lower than the two-class model's: levels a match rarely shows (a
   * surname that shares nothing) are what tells look-alikes from persons, and the blocks see the
   * matches that differ (people who moved, in the blocks of names and birth dates).
   */

  /** Pairs compared per block; larger blocks are sampled (with replacement, pairs uniformly). */
  static final int PAIRS_PER_BLOCK = 20_000;

  /**
   * EM stops when no probability or share moves more than this, when the log-likelihood rises by
   * less than this share of itself, or after MAX_ITERATIONS.
   */
  static final double TOLERANCE = 1e-6;

  static final int MAX_ITERATIONS = 300;

  /** A block with fewer pairs than this is left out. */
  static final int MIN_BLOCK_PAIRS = 100;

  /** With fewer model fields, a block keeps too few to tell classes apart: not used. */
  static final int MIN_FIELDS = 3;

  static final double M_FLOOR = 0.001;

  /** Smallest r probability and class share. */
  static final double FLOOR = 1e-6;

  /**
   * The record's global index takes the low bits of a sort key, the filters' hash the others: at
   * least this many, more where the records are more ({@link #indexBits}).
   */
  private static final int INDEX_BITS = 26;

  /**
   * The fitted m.
   *
   * @param blocks blocks used (model fields with enough pairs)
   * @param pairs pairs compared over all blocks
   */
  record Fit(double[][] m, int blocks, long pairs, int iterations, boolean converged) {}

  private SharedValueModel() {}

  /**
   * m for the model fields of {@code groups}, from pairs across parties sharing a field's value;
   * null when the model has fewer than MIN_FIELDS fields or no block has enough pairs.
   *
   * @param levels the model's levels per field
   * @param u the level frequencies of random pairs
   * @param mStart EM's start for m
   * @param known patterns of pairs known to match (counted as matches), or null
   * @param threads threads for the blocks' EM steps
   * @param drawn counts each model field whose block is drawn (the blocks are each a sort of every
   *     record's value, seconds at a million records)
   */
  static Fit estimate(
      List<Party> parties,
      FieldSource source,
      FieldGroups groups,
      int[] levels,
      double[][] u,
      double[][] mStart,
      ComparisonPatterns known,
      long seed,
      int threads,
      ProgressLine drawn) {
    int fields = groups.modelFields();
    if (fields < MIN_FIELDS || parties.size() < 2) {
      return null;
    }
    // The pairs are drawn block by block from one random sequence, compared on the threads, and
    // their patterns numbered in the order drawn: the blocks do not depend on the thread count.
    SplittableRandom random = new SplittableRandom(seed);
    List<int[]> blockPairs = new ArrayList<>();
    List<Integer> drawnField = new ArrayList<>();
    int bits = indexBits(Grouping.offsets(parties)[parties.size()]);
    int[][] sets = new int[fields][];
    for (int k = 0; k < fields; k++) {
      sets[k] = groups.members(k);
    }
    // Every record's hash of each model field, taken a field at a time (an engine may compute
    // them all in one pass over the records, where they are).
    FieldSource.Hashes hashes = source.hashes(sets, bits);
    for (int k = 0; k < fields; k++) {
      int[] block = block(parties, hashes.take(k), bits, random);
      if (block != null) {
        blockPairs.add(block);
        drawnField.add(k);
      }
      drawn.add(1);
    }
    if (blockPairs.isEmpty()) {
      return null;
    }
    List<ComparisonPatterns> blocks =
        compare(parties, source, groups, levels, blockPairs, drawnField, threads);
    long pairs = 0;
    for (ComparisonPatterns block : blocks) {
      pairs += block.pairs();
    }
    return fit(blocks, u, mStart, known, pairs, threads);
  }

  /** Pairs compared per task on the threads. */
  private static final int PAIRS_PER_TASK = 4096;

  /**
   * The patterns of each block's pairs ({@code drawn}, global record numbers {@code a, b, a, b,
   * ...}; block {@code b} leaves model field {@code fieldOf.get(b)} MISSING), their records'
   * filters read from {@code source} at once and their fields compared on the threads.
   */
  private static List<ComparisonPatterns> compare(
      List<Party> parties,
      FieldSource source,
      FieldGroups groups,
      int[] levels,
      List<int[]> drawn,
      List<Integer> fieldOf,
      int threads) {
    int[] base = new int[drawn.size() + 1];
    for (int b = 0; b < drawn.size(); b++) {
      base[b + 1] = base[b] + drawn.get(b).length;
    }
    int[] records = new int[base[drawn.size()]];
    for (int b = 0; b < drawn.size(); b++) {
      System.arraycopy(drawn.get(b), 0, records, base[b], drawn.get(b).length);
    }
    FieldRows.Block rows = source.rows(records);
    ComparisonPatterns coder = new ComparisonPatterns(levels); // its codes only: no pattern added
    long[][] code = new long[drawn.size()][];
    List<Callable<Void>> tasks = new ArrayList<>();
    for (int b = 0; b < drawn.size(); b++) {
      int at = base[b];
      int k = fieldOf.get(b);
      long[] out = new long[drawn.get(b).length / 2];
      code[b] = out;
      for (int from = 0; from < out.length; from += PAIRS_PER_TASK) {
        int start = from;
        int end = Math.min(out.length, from + PAIRS_PER_TASK);
        tasks.add(
            () -> {
              int[] raw = new int[parties.get(0).fieldCount()];
              int[] model = new int[levels.length];
              for (int x = start; x < end; x++) {
                out[x] = code(rows, at + 2 * x, at + 2 * x + 1, groups, k, raw, model, coder);
              }
              return null;
            });
      }
    }
    Parallel.run(tasks, threads, "comparing pairs that share a value");
    List<ComparisonPatterns> blocks = new ArrayList<>();
    for (long[] block : code) {
      ComparisonPatterns patterns = new ComparisonPatterns(levels);
      for (long c : block) {
        patterns.addCode(c);
      }
      blocks.add(patterns);
    }
    return blocks;
  }

  /**
   * The pairs sharing a model field's value ({@code hashes}: each record's hash of it, 0 where
   * missing), as global record numbers {@code a, b, a, b, ...} in the order they are compared, or
   * null when there are too few.
   */
  private static int[] block(
      List<Party> parties, long[] hashes, int bits, SplittableRandom random) {
    int[] offset = Grouping.offsets(parties);
    long[] keys = new long[offset[parties.size()]];
    int n = 0;
    for (int r = 0; r < hashes.length; r++) {
      if (hashes[r] != 0) {
        keys[n++] = (hashes[r] << bits) | r;
      }
    }
    keys = Arrays.copyOf(keys, n);
    Arrays.sort(keys);
    // Runs of one value: their pairs across parties, cumulated for sampling.
    List<int[]> runs = new ArrayList<>(); // {start, end}
    List<Long> cumulative = new ArrayList<>();
    long across = 0;
    int[] perParty = new int[parties.size()];
    for (int s = 0; s < n; ) {
      int e = s + 1;
      while (e < n && keys[e] >>> bits == keys[s] >>> bits) {
        e++;
      }
      if (e - s > 1) {
        Arrays.fill(perParty, 0);
        for (int x = s; x < e; x++) {
          perParty[Grouping.partyOf(offset, index(keys[x], bits))]++;
        }
        long run = pairsAcross(perParty);
        if (run > 0) {
          across += run;
          runs.add(new int[] {s, e});
          cumulative.add(across);
        }
      }
      s = e;
    }
    if (across < MIN_BLOCK_PAIRS) {
      return null;
    }
    int[] pairs = new int[2 * (int) Math.min(across, PAIRS_PER_BLOCK)];
    int drawn = 0;
    if (across <= PAIRS_PER_BLOCK) {
      for (int[] run : runs) {
        for (int x = run[0]; x < run[1]; x++) {
          for (int y = x + 1; y < run[1]; y++) {
            int a = index(keys[x], bits);
            int b = index(keys[y], bits);
            if (across(offset, a, b)) {
              pairs[drawn++] = a;
              pairs[drawn++] = b;
            }
          }
        }
      }
    } else {
      long[] cum = cumulative.stream().mapToLong(Long::longValue).toArray();
      for (int sampled = 0; sampled < PAIRS_PER_BLOCK; sampled++) {
        long pick = random.nextLong(across);
        int r = Arrays.binarySearch(cum, pick + 1);
        int[] run = runs.get(r >= 0 ? r : -r - 1);
        // A pair of the run across parties, uniformly (the run has one at least).
        int a;
        int b;
        do {
          a = index(keys[run[0] + random.nextInt(run[1] - run[0])], bits);
          b = index(keys[run[0] + random.nextInt(run[1] - run[0])], bits);
        } while (!across(offset, a, b));
        pairs[drawn++] = a;
        pairs[drawn++] = b;
      }
    }
    assert drawn == pairs.length;
    return pairs;
  }

  private static int index(long key, int bits) {
    return (int) (key & ((1L << bits) - 1));
  }

  /**
   * The low bits of a sort key that hold the global index of {@code records} records: {@link
   * #INDEX_BITS} up to 2^26 records, as many as they need beyond. (Until 2026-12-07 the model was
   * not fitted at 2^26 records or more.) The hash keeps 33 bits or more.
   */
  static int indexBits(int records) {
    return Math.max(INDEX_BITS, 32 - Integer.numberOfLeadingZeros(Math.max(0, records - 1)));
  }

  /** Whether records a and b (global indices) are in different parties. */
  private static boolean across(int[] offset, int a, int b) {
    return Grouping.partyOf(offset, a) != Grouping.partyOf(offset, b);
  }

  private static long pairsAcross(int[] perParty) {
    long all = 0;
    long same = 0;
    for (int c : perParty) {
      all += c;
      same += (long) c * c;
    }
    return (all * all - same) / 2;
  }

  /**
   * Compares rows x and y of {@code rows}: the code of their levels in {@code patterns}, field k
   * left out.
   */
  private static long code(
      FieldRows.Block rows,
      int x,
      int y,
      FieldGroups groups,
      int k,
      int[] raw,
      int[] model,
      ComparisonPatterns patterns) {
    Estimation.compare(rows, x, y, raw);
    groups.apply(raw, model);
    model[k] = ComparisonPatterns.MISSING;
    return patterns.code(model);
  }

  /**
   * A hash of the members' filters of record i (the high 64 - {@code bits} bits of a 64-bit mix),
   * never 0; 0 when a member is missing. Equal filters give equal hashes.
   */
  static long hash(FieldFilters fields, int i, int[] members, int bits) {
    long h = 0x9E3779B97F4A7C15L;
    for (int f : members) {
      if (fields.popcount(i, f) == 0) {
        return 0;
      }
      h = (fields.mix(i, f, h) ^ f) * 0x94D049BB133111EBL;
    }
    h ^= h >>> 29;
    h >>>= bits;
    return h == 0 ? 1 : h;
  }

  /** EM over every block at once: m shared, r and the shares each block's own, u fixed. */
  private static Fit fit(
      List<ComparisonPatterns> blocks,
      double[][] uRandom,
      double[][] mStart,
      ComparisonPatterns known,
      long pairs,
      int threads) {
    double[][] u = FellegiSunter.normalised(uRandom, FLOOR);
    double[][] m = FellegiSunter.normalised(mStart, M_FLOOR);
    int count = blocks.size();
    FlatPatterns[] flat = new FlatPatterns[count];
    double[][][] r = new double[count][][];
    double[] pm = new double[count];
    double[] pr = new double[count];
    for (int b = 0; b < count; b++) {
      double[][] own = blocks.get(b).zeroLevels();
      blocks.get(b).addLevelSums(own, null);
      r[b] = FellegiSunter.normalised(own, FLOOR);
      pm[b] = 0.01;
      pr[b] = 0.1;
      flat[b] = new FlatPatterns(blocks.get(b));
    }
    double[] logU = flat[0].logs(u);
    double previous = Double.NEGATIVE_INFINITY;
    int iteration = 0;
    boolean converged = false;
    // One pool for every iteration: FEBRL4's fit runs 64 of them, and a pool for each started 128
    // threads in all.
    ExecutorService pool =
        threads > 1 && count > 1 ? Executors.newFixedThreadPool(Math.min(threads, count)) : null;
    try {
      while (iteration < MAX_ITERATIONS && !converged) {
        iteration++;
        double[][] mSums = blocks.get(0).zeroLevels();
        double[] logM = flat[0].logs(m);
        double change = 0;
        double logLikelihood = 0;
        // Each block's E-step and its own parameters on the threads; m's tallies summed after, in
        // the blocks' order.
        List<Callable<Step>> tasks = new ArrayList<>();
        for (int b = 0; b < count; b++) {
          int block = b;
          tasks.add(() -> step(flat[block], blocks.get(block), logM, logU, r, pm, pr, block));
        }
        List<Step> results =
            pool == null
                ? Parallel.run(tasks, 1, "estimating m")
                : Parallel.on(pool, tasks, "estimating m");
        for (Step done : results) {
          done.patterns.addTo(done.mTally, mSums);
          logLikelihood += done.logLikelihood;
          change = Math.max(change, done.change);
        }
        if (known != null) {
          known.addLevelSums(mSums, null);
        }
        double[][] m2 = FellegiSunter.normalised(mSums, M_FLOOR);
        change = Math.max(change, FellegiSunter.maxChange(m, m2));
        m = m2;
        // Stop when the likelihood no longer rises by a meaningful share (the parameters of a
        // latent class model can drift for long along a flat ridge without changing the fit).
        converged =
            change <= TOLERANCE || logLikelihood - previous <= TOLERANCE * Math.abs(logLikelihood);
        previous = logLikelihood;
      }
    } finally {
      if (pool != null) {
        pool.shutdownNow();
      }
    }
    return new Fit(m, count, pairs, iteration, converged);
  }

  /**
   * What one block's EM step gives the iteration: m's tallies (in the cells of the block's
   * patterns), the block's log-likelihood and how far its own parameters moved.
   */
  private record Step(
      FlatPatterns patterns, double[] mTally, double logLikelihood, double change) {}

  /**
   * One EM step of block b: its E-step under m (as logs), r[b] and its shares, which it then
   * updates in place.
   */
  private static Step step(
      FlatPatterns patterns,
      ComparisonPatterns block,
      double[] logM,
      double[] logU,
      double[][][] r,
      double[] pm,
      double[] pr,
      int b) {
    double[] mTally = new double[patterns.cells()];
    double[] rTally = new double[patterns.cells()];
    FlatPatterns.Sums sums = new FlatPatterns.Sums();
    patterns.run(logM, patterns.logs(r[b]), logU, pm[b], pr[b], mTally, rTally, sums);
    double[][] rSums = block.zeroLevels();
    patterns.addTo(rTally, rSums);
    double[][] r2 = FellegiSunter.normalised(rSums, FLOOR);
    double change = FellegiSunter.maxChange(r[b], r2);
    r[b] = r2;
    // sums.pairs is the block's pairs, a whole number and exact as a double.
    double pm2 = Math.max(FLOOR, sums.duplicates / sums.pairs);
    double pr2 = Math.max(FLOOR, Math.min(1 - pm2 - FLOOR, sums.related / sums.pairs));
    change = Math.max(change, Math.max(Math.abs(pm2 - pm[b]), Math.abs(pr2 - pr[b])));
    pm[b] = pm2;
    pr[b] = pr2;
    return new Step(patterns, mTally, sums.logLikelihood, change);
  }
}
