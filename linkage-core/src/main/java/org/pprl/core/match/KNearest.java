package org.pprl.core.match;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Each filter's k nearest filters by Dice, in both directions at once: every pair is compared once,
 * and the score goes to both of its records' lists.
 *
 * <p>Across two matrices, {@link #across} gives each filter of a its k nearest of b and each filter
 * of b its k nearest of a. Inside one, {@link #within} gives each filter its k nearest others,
 * comparing each unordered pair once. Ties go to the smaller index; pairs sharing no bit are left
 * out, and so are empty filters.
 *
 * <p>Before, each direction was a pass of its own, and inside one matrix every ordered pair was
 * compared: four times the work inside, twice across, for the same lists.
 */
public final class KNearest {
  /*
   * Design. Rows of a are taken in blocks of ROWS by the worker threads, in turn from a shared
   * counter (inside one matrix a row's work shrinks with its index, so fixed shares would leave one
   * thread idle). Each worker keeps its own k-best list for every record of both sides, so nothing
   * is shared while scanning; a pair's score is kept when it beats the worker's k-th of either
   * record (a worker's k-th can only be below the true k-th, so nothing of the true k best is
   * dropped). At the end the workers' lists of each record are merged. B is taken in chunks of
   * CHUNK filters so that one chunk stays in the cache while a block of rows is scanned against it.
   */
  static final int ROWS = 64;

  static final int CHUNK = 2048;

  private KNearest() {}

  /**
   * The k nearest of each record: {@link #neighbour} gives them, best first, as indices into the
   * other side (or the same matrix, for {@link #within}); fewer than k where fewer share a bit.
   */
  public static final class Lists {
    private final int k;
    private final int[] neighbours;
    private final int[] counts;

    Lists(int k, int[] neighbours, int[] counts) {
      this.k = k;
      this.neighbours = neighbours;
      this.counts = counts;
    }

    public int size() {
      return counts.length;
    }

    /** How many neighbours record {@code i} has. */
    public int count(int i) {
      return counts[i];
    }

    /** Record {@code i}'s q-th nearest (q from 0, best first). */
    public int neighbour(int i, int q) {
      if (q < 0 || q >= counts[i]) {
        throw new IndexOutOfBoundsException("record " + i + " has " + counts[i] + " neighbours");
      }
      return neighbours[i * k + q];
    }
  }

  /** The k nearest of each side in the other: {@code ofA} indexes b, {@code ofB} indexes a. */
  public record Both(Lists ofA, Lists ofB) {}

  /**
   * Each filter of a's k nearest in b and each filter of b's k nearest in a, from one pass.
   *
   * @throws IllegalArgumentException if the filter lengths differ or k or threads is below 1
   */
  public static Both across(FilterMatrix a, FilterMatrix b, int k, int threads) {
    return across(a, b, k, threads, false);
  }

  /** {@link #across}, with the portable loop for every filter length when {@code portable}. */
  static Both across(FilterMatrix a, FilterMatrix b, int k, int threads, boolean portable) {
    check(a, b, k, threads);
    List<Worker> workers = scan(a, b, false, k, threads, portable);
    return new Both(
        merge(workers, k, a.size(), w -> w.rows), merge(workers, k, b.size(), w -> w.columns));
  }

  /**
   * Each filter's k nearest other filters of the same matrix, comparing each unordered pair once.
   *
   * @throws IllegalArgumentException if k or threads is below 1
   */
  public static Lists within(FilterMatrix a, int k, int threads) {
    return within(a, k, threads, false);
  }

  /** {@link #within}, with the portable loop for every filter length when {@code portable}. */
  static Lists within(FilterMatrix a, int k, int threads, boolean portable) {
    check(a, a, k, threads);
    return merge(scan(a, a, true, k, threads, portable), k, a.size(), w -> w.rows);
  }

  private static void check(FilterMatrix a, FilterMatrix b, int k, int threads) {
    if (a.bits() != b.bits()) {
      throw new IllegalArgumentException(
          "filters differ in length: " + a.bits() + " vs " + b.bits() + " bits");
    }
    if (k < 1 || threads < 1) {
      throw new IllegalArgumentException("k and threads must be at least 1: " + k + ", " + threads);
    }
  }

  /** One worker's k best of every record, rows (a) and columns (b; the same lists inside one). */
  private static final class Worker {
    final Best rows;
    final Best columns;

    Worker(int k, int rowCount, int columnCount, boolean same) {
      rows = new Best(k, rowCount);
      columns = same ? rows : new Best(k, columnCount);
    }

    void add(int i, int j, double s) {
      rows.add(i, j, s);
      columns.add(j, i, s);
    }
  }

  private static List<Worker> scan(
      FilterMatrix a, FilterMatrix b, boolean same, int k, int threads, boolean portable) {
    boolean unrolled = !portable && a.wordsPerFilter() == 16;
    int blocks = (a.size() + ROWS - 1) / ROWS;
    AtomicInteger next = new AtomicInteger();
    int workers = Math.max(1, Math.min(threads, blocks));
    List<Callable<Worker>> tasks = new ArrayList<>(workers);
    for (int t = 0; t < workers; t++) {
      tasks.add(
          () -> {
            Worker worker = new Worker(k, a.size(), b.size(), same);
            for (int block = next.getAndIncrement(); block < blocks; ) {
              scanBlock(a, b, same, block, unrolled, worker);
              block = next.getAndIncrement();
            }
            return worker;
          });
    }
    return Parallel.run(tasks, workers, "finding nearest records");
  }

  /**
   * Rows {@code block·ROWS..} of a against b (only later filters inside one matrix), chunk by
   * chunk, so that a chunk of b stays in the cache while the block's rows are scanned against it.
   */
  private static void scanBlock(
      FilterMatrix a, FilterMatrix b, boolean same, int block, boolean unrolled, Worker w) {
    int first = block * ROWS;
    int last = Math.min(a.size(), first + ROWS);
    int start = same ? first + 1 : 0; // inside one matrix, only pairs i < j
    for (int chunk = start; chunk < b.size(); chunk += CHUNK) {
      int chunkEnd = Math.min(b.size(), chunk + CHUNK);
      for (int i = first; i < last; i++) {
        int from = same ? Math.max(chunk, i + 1) : chunk;
        if (a.popcounts()[i] == 0 || from >= chunkEnd) {
          continue;
        }
        if (unrolled) {
          scanUnrolled(a, i, b, from, chunkEnd, w);
        } else {
          scanPortable(a, i, b, from, chunkEnd, w);
        }
      }
    }
  }

  /*
   * The two loops below make one decision per pair: its score goes to the lists when it reaches
   * the row's k-th or the column's k-th (each lowered a little: a score equal to a k-th may still
   * win on its index, and the products may round either way). Testing the column's own k-th here,
   * not a bound over many columns, matters: with one threshold per row, the lower of the row's k-th
   * and the lowest k-th of a chunk's columns, 95 % of FEBRL4's pairs reached the lists, and adding
   * them cost more than comparing them. Pairs sharing no bit never enter.
   */

  /** Row i of a (16 words, held in locals) against b's filters from..to-1. */
  private static void scanUnrolled(
      FilterMatrix a, int i, FilterMatrix b, int from, int to, Worker w) {
    long[] aw = a.words();
    int o = i * 16;
    long a0 = aw[o], a1 = aw[o + 1], a2 = aw[o + 2], a3 = aw[o + 3];
    long a4 = aw[o + 4], a5 = aw[o + 5], a6 = aw[o + 6], a7 = aw[o + 7];
    long a8 = aw[o + 8], a9 = aw[o + 9], a10 = aw[o + 10], a11 = aw[o + 11];
    long a12 = aw[o + 12], a13 = aw[o + 13], a14 = aw[o + 14], a15 = aw[o + 15];
    long[] bw = b.words();
    int[] bpop = b.popcounts();
    int aPop = a.popcounts()[i];
    double[] columnFloors = w.columns.floors;
    double rowFloor = w.rows.floor(i) - SLACK;
    for (int j = from; j < to; j++) {
      int p = j << 4;
      int common =
          RowScanner.Unrolled.lowHalf(a0, a1, a2, a3, a4, a5, a6, a7, bw, p)
              + RowScanner.Unrolled.highHalf(a8, a9, a10, a11, a12, a13, a14, a15, bw, p);
      int sum = aPop + bpop[j];
      double twice = 2.0 * common;
      if (common != 0 && (twice >= rowFloor * sum || twice >= (columnFloors[j] - SLACK) * sum)) {
        w.add(i, j, twice / sum);
        rowFloor = w.rows.floor(i) - SLACK;
      }
    }
  }

  /** Row i of a against b's filters from..to-1, for any filter length. */
  private static void scanPortable(
      FilterMatrix a, int i, FilterMatrix b, int from, int to, Worker w) {
    long[] aw = a.words();
    long[] bw = b.words();
    int words = a.wordsPerFilter();
    int o = i * words;
    int aPop = a.popcounts()[i];
    for (int j = from; j < to; j++) {
      int common = 0;
      int p = j * words;
      for (int t = 0; t < words; t++) {
        common += Long.bitCount(aw[o + t] & bw[p + t]);
      }
      int sum = aPop + b.popcounts()[j];
      double twice = 2.0 * common;
      if (common != 0
          && (twice >= (w.rows.floor(i) - SLACK) * sum
              || twice >= (w.columns.floor(j) - SLACK) * sum)) {
        w.add(i, j, twice / sum);
      }
    }
  }

  /** How far below a k-th a score is still handed to the lists, which decide exactly. */
  private static final double SLACK = 1e-9;

  /** The k best of every record, in flat arrays: scores descending, ties to the smaller index. */
  private static final class Best {
    final int k;
    final double[] scores;
    final int[] indices;

    /**
     * Each record's k-th best score, {@code scores[i * k + k - 1]}, kept beside the lists: the
     * loops test every pair against its column's k-th, and reading it from the lists took a cache
     * line per column (a row against a chunk of 2,048 columns touched 128 KB), where this takes
     * eight bytes.
     */
    final double[] floors;

    Best(int k, int records) {
      this.k = k;
      scores = new double[k * records];
      indices = new int[k * records];
      floors = new double[records];
      Arrays.fill(scores, -1);
      Arrays.fill(indices, Integer.MAX_VALUE);
      Arrays.fill(floors, -1);
    }

    /** The k-th best score so far (-1 while fewer than k): a pair below it cannot enter. */
    double floor(int i) {
      return floors[i];
    }

    void add(int i, int j, double s) {
      int base = i * k;
      int q = base + k - 1;
      if (s < scores[q] || (s == scores[q] && j > indices[q])) {
        return;
      }
      while (q > base && (scores[q - 1] < s || (scores[q - 1] == s && indices[q - 1] > j))) {
        scores[q] = scores[q - 1];
        indices[q] = indices[q - 1];
        q--;
      }
      scores[q] = s;
      indices[q] = j;
      floors[i] = scores[base + k - 1];
    }
  }

  /** Merges the workers' lists of each record into its k best overall. */
  private static Lists merge(
      List<Worker> workers, int k, int records, java.util.function.Function<Worker, Best> side) {
    Best all = new Best(k, records);
    for (Worker worker : workers) {
      Best best = side.apply(worker);
      for (int i = 0; i < records; i++) {
        for (int q = i * k; q < i * k + k && best.scores[q] >= 0; q++) {
          all.add(i, best.indices[q], best.scores[q]);
        }
      }
    }
    int[] counts = new int[records];
    for (int i = 0; i < records; i++) {
      int q = 0;
      while (q < k && all.scores[i * k + q] >= 0) {
        q++;
      }
      counts[i] = q;
    }
    return new Lists(k, all.indices, counts);
  }
}
