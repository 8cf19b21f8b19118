package org.pprl.core.match;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.concurrent.atomic.AtomicLong;
import org.pprl.core.bits.BitFilters;

/**
 * Finds every pair of filters, one from each of two {@link FilterMatrix}es, whose Dice coefficient
 * reaches a threshold: exhaustive comparison made fast.
 *
 * <p>A pair counts when {@code 2·|a∩b| ≥ t·(|a| + |b|)} (evaluated in double precision); its score
 * is {@code 2·|a∩b| / (|a| + |b|)}. A pair where both filters are empty never counts.
 */
public final class DiceKernel {
  /*
   * Design.
   *
   * 1. Popcount bound. Dice(a, b) ≤ 2·min(|a|,|b|) / (|a|+|b|), so a pair can only reach t when
   *    |b| lies in [|a|·t/(2−t), |a|·(2−t)/t] (the "length filter" of Vernica, Carey & Li,
   *    "Efficient parallel set-similarity joins using MapReduce", SIGMOD 2010, applied to Bloom
   *    filters by Brown, Randall, Boyd & Ferrante, "Evaluation of approximate comparison methods
   *    on Bloom filters for probabilistic linkage", 2019). B is copied in ascending popcount order,
   *    so each row of A scans one contiguous range of B and skips the rest without touching it.
   *
   * 2. Tiling. Rows of A are taken in blocks of ROWS and B in chunks, so one chunk of B stays in
   *    the cache while a block of A rows is scanned against it: CHUNK filters (256 KB of
   *    1024-bit filters, the L2 cache) for the scalar loops, about 24 KB (the L1 cache) for the
   *    vector loop, whose loads would otherwise wait on L2 (RowScanner#chunk).
   *
   * 3. Inner loop. One row of A against a run of B is a RowScanner: the portable loop, a loop
   *    unrolled for 1024-bit filters with the row held in locals, or (JDK 21+, when the
   *    jdk.incubator.vector module is present) a Vector API loop using the CPU's vector popcount,
   *    which reads B from a copy interleaved so that one vector holds a word of several filters
   *    (SortedSide#interleaved). docs/performance.md has the figures that justify each.
   *
   * 4. Inside one matrix (within), A is B's sorted copy and sorted row r is compared only with
   *    the sorted filters after it: each pair once, half the work of comparing the matrix with
   *    itself.
   *
   * 5. Threads. Blocks of A rows are independent tasks; each writes to its own buffer, and the
   *    buffers are merged and sorted by (a, b) at the end, so the output does not depend on the
   *    thread count or scheduling.
   *
   * Relies on the FilterMatrix invariant: bits past the filter length are zero.
   */
  static final int ROWS = 64;
  static final int CHUNK = 2048;

  private DiceKernel() {}

  /**
   * Scores all pairs of {@code a} × {@code b} whose Dice coefficient reaches {@code threshold}.
   *
   * @param threshold in (0, 1]
   * @param threads worker threads, at least 1
   * @throws IllegalArgumentException if the filter lengths differ or an argument is out of range
   */
  public static ScoredPairs scan(FilterMatrix a, FilterMatrix b, double threshold, int threads) {
    return scan(a, b, threshold, threads, RowScanner.best(a.wordsPerFilter()));
  }

  /**
   * The name of the inner loop that {@link #scan} uses for filters of {@code bits} bits, for run
   * summaries: {@code vector} (the JDK's Vector API), {@code unrolled} or {@code portable}.
   */
  public static String implementation(int bits) {
    return RowScanner.best(BitFilters.wordCount(bits)).name();
  }

  /** {@link #scan} with a chosen inner loop; tests use it to check every implementation. */
  static ScoredPairs scan(
      FilterMatrix a, FilterMatrix b, double threshold, int threads, RowScanner rows) {
    return run(a, b, false, threshold, threads, Long.MAX_VALUE, rows);
  }

  /**
   * {@link #scan}, stopping as soon as more than {@code maxPairs} pairs reach the threshold, so a
   * threshold too low for the data fails fast instead of filling the heap.
   *
   * @throws TooManyPairsException when more than {@code maxPairs} pairs reach the threshold
   */
  public static ScoredPairs scan(
      FilterMatrix a, FilterMatrix b, double threshold, int threads, long maxPairs) {
    return run(a, b, false, threshold, threads, maxPairs, RowScanner.best(a.wordsPerFilter()));
  }

  /**
   * Every pair of two different filters of {@code a} whose Dice coefficient reaches {@code
   * threshold}, each once, with the smaller index as {@link ScoredPairs#a}: the pairs of {@link
   * #scan}{@code (a, a, ...)} with {@code a < b}, for half the comparisons.
   *
   * @throws TooManyPairsException when more than {@code maxPairs} pairs reach the threshold
   * @throws IllegalArgumentException if an argument is out of range
   */
  public static ScoredPairs within(FilterMatrix a, double threshold, int threads, long maxPairs) {
    return run(a, a, true, threshold, threads, maxPairs, RowScanner.best(a.wordsPerFilter()));
  }

  /** {@link #within} with a chosen inner loop, for tests. */
  static ScoredPairs within(FilterMatrix a, double threshold, int threads, RowScanner rows) {
    return run(a, a, true, threshold, threads, Long.MAX_VALUE, rows);
  }

  /** More pairs reached the threshold than the caller allowed. */
  public static final class TooManyPairsException extends IllegalArgumentException {
    private static final long serialVersionUID = 1L;

    private final long maxPairs;

    TooManyPairsException(long maxPairs) {
      super(String.format(Locale.ROOT, "more than %,d pairs", maxPairs));
      this.maxPairs = maxPairs;
    }

    /** The cap that was passed. */
    public long maxPairs() {
      return maxPairs;
    }
  }

  /**
   * One task's pairs, counted across all tasks against a cap; inside one matrix each pair is kept
   * with its smaller index first.
   */
  private static final class Collector extends ScoredPairs.Buffer {
    private final AtomicLong kept;
    private final long maxPairs;
    private final boolean within;

    Collector(AtomicLong kept, long maxPairs, boolean within) {
      this.kept = kept;
      this.maxPairs = maxPairs;
      this.within = within;
    }

    @Override
    void add(int i, int j, double s) {
      if (kept.incrementAndGet() > maxPairs) {
        throw new TooManyPairsException(maxPairs);
      }
      if (within && j < i) {
        super.add(j, i, s);
      } else {
        super.add(i, j, s);
      }
    }
  }

  /**
   * The rows of A as the scan reads them: inside one matrix, B's sorted copy itself (row r then
   * compares only with sorted filters after r, and is reported as its original index).
   */
  private static final class Rows {
    final long[] words;
    final int[] popcounts;
    final int[] ids;
    final int size;
    final int bits;
    final boolean within;

    Rows(FilterMatrix a) {
      words = a.words();
      popcounts = a.popcounts();
      ids = null;
      size = a.size();
      bits = a.bits();
      within = false;
    }

    Rows(SortedSide side, int bits) {
      words = side.words;
      popcounts = side.popcounts;
      ids = side.original;
      size = side.popcounts.length;
      this.bits = bits;
      within = true;
    }

    int id(int row) {
      return ids == null ? row : ids[row];
    }
  }

  private static ScoredPairs run(
      FilterMatrix a,
      FilterMatrix b,
      boolean within,
      double threshold,
      int threads,
      long maxPairs,
      RowScanner scanner) {
    if (!(threshold > 0 && threshold <= 1)) {
      throw new IllegalArgumentException("threshold must be in (0, 1], was " + threshold);
    }
    if (a.bits() != b.bits()) {
      throw new IllegalArgumentException(
          "filters differ in length: " + a.bits() + " vs " + b.bits() + " bits");
    }
    if (threads < 1) {
      throw new IllegalArgumentException("threads must be at least 1, was " + threads);
    }
    SortedSide side = SortedSide.of(b, scanner.lanes());
    Rows rows = within ? new Rows(side, b.bits()) : new Rows(a);
    AtomicLong kept = new AtomicLong();
    int blocks = (rows.size + ROWS - 1) / ROWS;
    List<Callable<ScoredPairs.Buffer>> tasks = new ArrayList<>(blocks);
    for (int block = 0; block < blocks; block++) {
      int blockIndex = block;
      tasks.add(
          () -> {
            ScoredPairs.Buffer out = new Collector(kept, maxPairs, within);
            scanBlock(rows, side, blockIndex, threshold, scanner, out);
            return out;
          });
    }
    return ScoredPairs.merge(Parallel.run(tasks, threads, "matching"));
  }

  /** B's filters copied in ascending popcount order, with the map back to original indices. */
  static final class SortedSide {
    final int wordsPerFilter;
    final long[] words;
    final int[] popcounts;

    /** Popcount of each filter's second half (its words from {@code wordsPerFilter / 2} on). */
    final int[] highPopcounts;

    final int[] original;

    /** Filters per group in {@link #interleaved}; 0 when there is no interleaved copy. */
    final int lanes;

    /**
     * The sorted filters again, in groups of {@link #lanes}: word k of sorted filter j is at {@code
     * ((j / lanes) · wordsPerFilter + k) · lanes + j % lanes}, so word k of a group's filters is
     * one vector. The last group is padded with empty filters, and one more group of them follows,
     * so that a loop taking two groups at a time may read one past its range (a vector loop offers
     * only filters inside its range). Null when {@code lanes} is 0.
     */
    final long[] interleaved;

    private SortedSide(
        int wordsPerFilter,
        long[] words,
        int[] popcounts,
        int[] highPopcounts,
        int[] original,
        int lanes,
        long[] interleaved) {
      this.wordsPerFilter = wordsPerFilter;
      this.words = words;
      this.popcounts = popcounts;
      this.highPopcounts = highPopcounts;
      this.original = original;
      this.lanes = lanes;
      this.interleaved = interleaved;
    }

    static SortedSide of(FilterMatrix m) {
      return of(m, 0);
    }

    /** The sorted copy, with an interleaved one in groups of {@code lanes} when that is above 0. */
    static SortedSide of(FilterMatrix m, int lanes) {
      int n = m.size();
      int[] pops = m.popcounts();
      // Counting sort by popcount: stable, so equal popcounts keep their original order.
      int[] start = new int[m.bits() + 2];
      for (int i = 0; i < n; i++) {
        start[pops[i] + 1]++;
      }
      for (int p = 1; p < start.length; p++) {
        start[p] += start[p - 1];
      }
      int[] original = new int[n];
      for (int i = 0; i < n; i++) {
        original[start[pops[i]]++] = i;
      }
      int w = m.wordsPerFilter();
      long[] words = new long[n * w];
      int[] popcounts = new int[n];
      int[] highPopcounts = new int[n];
      long[] source = m.words();
      for (int k = 0; k < n; k++) {
        System.arraycopy(source, original[k] * w, words, k * w, w);
        popcounts[k] = pops[original[k]];
        highPopcounts[k] = popcount(words, k * w + w / 2, w - w / 2);
      }
      long[] interleaved = lanes > 0 ? interleave(words, n, w, lanes) : null;
      return new SortedSide(w, words, popcounts, highPopcounts, original, lanes, interleaved);
    }

    private static long[] interleave(long[] words, int n, int w, int lanes) {
      int groups = (n + lanes - 1) / lanes + 1;
      long[] out = new long[Math.multiplyExact(groups * w, lanes)];
      for (int j = 0; j < n; j++) {
        int base = (j / lanes) * w * lanes + j % lanes;
        for (int k = 0; k < w; k++) {
          out[base + k * lanes] = words[j * w + k];
        }
      }
      return out;
    }

    /** Popcount of {@code length} words from {@code offset}. */
    static int popcount(long[] words, int offset, int length) {
      int count = 0;
      for (int k = offset; k < offset + length; k++) {
        count += Long.bitCount(words[k]);
      }
      return count;
    }

    /** First sorted index whose popcount is at least {@code p}. */
    int lowerBound(int p) {
      int lo = 0;
      int hi = popcounts.length;
      while (lo < hi) {
        int mid = (lo + hi) >>> 1;
        if (popcounts[mid] < p) {
          lo = mid + 1;
        } else {
          hi = mid;
        }
      }
      return lo;
    }
  }

  /**
   * Sets {@code from[r]..to[r]} to the sorted range of B whose popcounts can reach threshold {@code
   * t} with a filter of popcount {@code p}.
   */
  private static void range(SortedSide b, int p, int bits, double t, int[] from, int[] to, int r) {
    double low = t / (2 - t);
    double high = (2 - t) / t;
    // Widened by one popcount on each side; the exact test in the scan decides.
    from[r] = b.lowerBound((int) Math.floor(p * low) - 1);
    // Clamped: with a tiny threshold the bound exceeds every popcount (and int's range).
    to[r] = b.lowerBound((int) Math.min(Math.ceil(p * high) + 2, bits + 2.0));
  }

  /** Rows {@code block·ROWS..} against B, chunk by chunk, adding their pairs to {@code out}. */
  private static void scanBlock(
      Rows a, SortedSide b, int block, double threshold, RowScanner rows, ScoredPairs.Buffer out) {
    int w = b.wordsPerFilter;
    long[] aw = a.words;
    int[] apop = a.popcounts;
    int first = block * ROWS;
    int last = Math.min(a.size, first + ROWS);
    int count = last - first;
    // Each row's candidate range in B's popcount order, from the popcount bound.
    int[] from = new int[count];
    int[] to = new int[count];
    for (int r = 0; r < count; r++) {
      if (apop[first + r] != 0) { // Dice with an empty filter is 0: an empty range.
        range(b, apop[first + r], a.bits, threshold, from, to, r);
        if (a.within) { // each pair once: sorted row r with the sorted filters after it
          from[r] = Math.max(from[r], first + r + 1);
        }
      }
    }
    int n = b.popcounts.length;
    int chunk = rows.chunk(w);
    assert b.lanes == 0 || chunk % b.lanes == 0 : "a chunk splits a group of " + b.lanes;
    for (int chunkStart = 0; chunkStart < n; chunkStart += chunk) {
      int chunkEnd = Math.min(n, chunkStart + chunk);
      for (int r = 0; r < count; r++) {
        int row = first + r;
        int jFrom = Math.max(from[r], chunkStart);
        int jTo = Math.min(to[r], chunkEnd);
        if (jFrom >= jTo) {
          continue;
        }
        rows.scan(aw, row * w, apop[row], a.id(row), b, jFrom, jTo, threshold, out);
      }
    }
  }
}
