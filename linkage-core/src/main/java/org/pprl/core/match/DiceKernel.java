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
   * 2. Tiling. Rows of A are taken in blocks of ROWS and B in chunks of CHUNK filters, so one
   *    chunk of B (CHUNK × 128 bytes for 1024-bit filters) stays in the L2 cache while a block of
   *    A rows is scanned against it.
   *
   * 3. Inner loop. One row of A against a run of B is a RowScanner: the portable loop, a loop
   *    unrolled for 1024-bit filters with the row held in locals, or (JDK 21+, when the
   *    jdk.incubator.vector module is present) a Vector API loop using the CPU's vector popcount.
   *    docs/performance.md has the figures that justify each.
   *
   * 4. Threads. Blocks of A rows are independent tasks; each writes to its own buffer, and the
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
    return scan(a, b, threshold, threads, Long.MAX_VALUE, rows);
  }

  /**
   * {@link #scan}, stopping as soon as more than {@code maxPairs} pairs reach the threshold, so a
   * threshold too low for the data fails fast instead of filling the heap.
   *
   * @throws TooManyPairsException when more than {@code maxPairs} pairs reach the threshold
   */
  public static ScoredPairs scan(
      FilterMatrix a, FilterMatrix b, double threshold, int threads, long maxPairs) {
    return scan(a, b, threshold, threads, maxPairs, RowScanner.best(a.wordsPerFilter()));
  }

  private static ScoredPairs scan(
      FilterMatrix a,
      FilterMatrix b,
      double threshold,
      int threads,
      long maxPairs,
      RowScanner rows) {
    if (!(threshold > 0 && threshold <= 1)) {
      throw new IllegalArgumentException("threshold must be in (0, 1], was " + threshold);
    }
    if (maxPairs == Long.MAX_VALUE) {
      return run(a, b, threshold, threads, rows, ScoredPairs.Buffer::new);
    }
    AtomicLong kept = new AtomicLong();
    return run(a, b, threshold, threads, rows, () -> new Capped(kept, maxPairs));
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

  /** Keeps every pair, counting them across all blocks against a cap. */
  private static final class Capped extends ScoredPairs.Buffer {
    private final AtomicLong kept;
    private final long maxPairs;

    Capped(AtomicLong kept, long maxPairs) {
      this.kept = kept;
      this.maxPairs = maxPairs;
    }

    @Override
    void add(int i, int j, double s) {
      if (kept.incrementAndGet() > maxPairs) {
        throw new TooManyPairsException(maxPairs);
      }
      super.add(i, j, s);
    }
  }

  private static ScoredPairs run(
      FilterMatrix a,
      FilterMatrix b,
      double threshold,
      int threads,
      RowScanner rows,
      java.util.function.Supplier<ScoredPairs.Buffer> supplier) {
    if (a.bits() != b.bits()) {
      throw new IllegalArgumentException(
          "filters differ in length: " + a.bits() + " vs " + b.bits() + " bits");
    }
    if (threads < 1) {
      throw new IllegalArgumentException("threads must be at least 1, was " + threads);
    }
    SortedSide side = SortedSide.of(b);
    int blocks = (a.size() + ROWS - 1) / ROWS;
    List<Callable<ScoredPairs.Buffer>> tasks = new ArrayList<>(blocks);
    for (int block = 0; block < blocks; block++) {
      int blockIndex = block;
      tasks.add(() -> scanBlock(a, side, blockIndex, threshold, rows, supplier));
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

    private SortedSide(
        int wordsPerFilter, long[] words, int[] popcounts, int[] highPopcounts, int[] original) {
      this.wordsPerFilter = wordsPerFilter;
      this.words = words;
      this.popcounts = popcounts;
      this.highPopcounts = highPopcounts;
      this.original = original;
    }

    static SortedSide of(FilterMatrix m) {
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
      return new SortedSide(w, words, popcounts, highPopcounts, original);
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

  private static ScoredPairs.Buffer scanBlock(
      FilterMatrix a,
      SortedSide b,
      int block,
      double threshold,
      RowScanner rows,
      java.util.function.Supplier<ScoredPairs.Buffer> supplier) {
    int w = a.wordsPerFilter();
    long[] aw = a.words();
    int[] apop = a.popcounts();
    int first = block * ROWS;
    int last = Math.min(a.size(), first + ROWS);
    int count = last - first;
    // Each row's candidate range in B's popcount order, from the popcount bound.
    int[] from = new int[count];
    int[] to = new int[count];
    for (int r = 0; r < count; r++) {
      if (apop[first + r] != 0) { // Dice with an empty filter is 0: an empty range.
        range(b, apop[first + r], a.bits(), threshold, from, to, r);
      }
    }
    ScoredPairs.Buffer out = supplier.get();
    int n = b.popcounts.length;
    for (int chunkStart = 0; chunkStart < n; chunkStart += CHUNK) {
      int chunkEnd = Math.min(n, chunkStart + CHUNK);
      for (int r = 0; r < count; r++) {
        int row = first + r;
        int jFrom = Math.max(from[r], chunkStart);
        int jTo = Math.min(to[r], chunkEnd);
        if (jFrom >= jTo) {
          continue;
        }
        rows.scan(aw, row * w, apop[row], row, b, jFrom, jTo, threshold, out);
      }
    }
    return out;
  }
}
