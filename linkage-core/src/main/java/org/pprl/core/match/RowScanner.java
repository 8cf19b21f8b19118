package org.pprl.core.match;

/**
 * The innermost loop of the Dice kernel: one filter of A against a run of B's popcount-sorted
 * filters, adding each pair that reaches the threshold to a buffer.
 *
 * <p>All implementations compute the same thing and must give identical output; they differ only in
 * speed. Each relies on the FilterMatrix tail invariant (bits past the filter length are zero).
 *
 * <p>The scalar loops can stop a pair after the first half of its words when the second half cannot
 * lift it to the threshold: the common bits still to come are at most the smaller of the two
 * filters' popcounts in the second half ({@link DiceKernel.SortedSide#highPopcounts}). On random
 * filters at threshold 0.8 that settles almost every pair at half the work; on dense CLKs, where
 * random pairs share most bits, it settles few, and {@link #scan} leaves it out where it does not
 * pay.
 */
abstract class RowScanner {
  /** Set to {@code portable}, {@code unrolled} or {@code vector} to force one implementation. */
  static final String PROPERTY = "pprl.kernel";

  private static final String VECTOR_CLASS = "org.pprl.core.match.VectorRowScanner";

  /** Short name for run summaries. */
  abstract String name();

  /** Whether this implementation can use the bound after half the words (see {@link #scan}). */
  boolean bounds() {
    return true;
  }

  /** Whether this implementation handles filters of {@code wordsPerFilter} words. */
  abstract boolean supports(int wordsPerFilter);

  /**
   * How many filters of B this implementation reads side by side from {@link
   * DiceKernel.SortedSide#interleaved}; 0 when it reads {@link DiceKernel.SortedSide#words} only.
   */
  int lanes() {
    return 0;
  }

  /**
   * How many filters of B a block of A rows is scanned against before the next ones (see {@link
   * DiceKernel#scan}): a chunk that the cache holds while every row of the block reads it.
   */
  int chunk(int wordsPerFilter) {
    return DiceKernel.CHUNK;
  }

  /** Pairs in one segment of a run, and how many of them probe the bound (see {@link #scan}). */
  static final int SEGMENT = 256;

  static final int PROBE = 32;

  /**
   * Compares filter {@code row} of A (its words at {@code aw[aOffset..]}, popcount {@code aPop})
   * with B's sorted filters {@code jFrom..jTo-1}.
   *
   * <p>The bound after half the words saves work only when it settles most pairs; when it settles
   * some and not others, its branch is mispredicted often enough to cost more than it saves
   * (measured on filters of density 0.62 at 0.8: 130 M/s with it everywhere, 224 M/s without). So a
   * run is taken in segments of {@link #SEGMENT} pairs (B is sorted by popcount, so the pairs of
   * one segment are alike in what the bound can do), the first {@link #PROBE} of a segment are
   * scanned with the bound, and the rest with it only if it settled seven eighths of those. After
   * failed probes in a row, 0, 1, 2, 4, ... segments are scanned without probing before the next.
   */
  final void scan(
      long[] aw,
      int aOffset,
      int aPop,
      int row,
      DiceKernel.SortedSide b,
      int jFrom,
      int jTo,
      double threshold,
      ScoredPairs.Buffer out) {
    if (!bounds()) {
      scanRange(aw, aOffset, aPop, 0, row, b, jFrom, jTo, threshold, false, out);
      return;
    }
    int w = b.wordsPerFilter;
    int aHigh = DiceKernel.SortedSide.popcount(aw, aOffset + w / 2, w - w / 2);
    int skip = 0; // segments to scan without probing, doubled after each failed probe
    int wait = 0;
    for (int from = jFrom; from < jTo; from += SEGMENT) {
      int to = Math.min(jTo, from + SEGMENT);
      if (wait > 0) {
        wait--;
        scanRange(aw, aOffset, aPop, aHigh, row, b, from, to, threshold, false, out);
        continue;
      }
      int probeEnd = Math.min(to, from + PROBE);
      int settled =
          scanRange(aw, aOffset, aPop, aHigh, row, b, from, probeEnd, threshold, true, out);
      boolean bounded = 8 * settled >= 7 * (probeEnd - from);
      if (probeEnd < to) {
        scanRange(aw, aOffset, aPop, aHigh, row, b, probeEnd, to, threshold, bounded, out);
      }
      if (bounded) {
        skip = 0;
      } else {
        wait = skip;
        skip = Math.max(1, 2 * skip);
      }
    }
  }

  /**
   * {@link #scan} over {@code jFrom..jTo-1}, with the bound after half the words when {@code
   * bounded}; {@code aHigh} is the popcount of the row's second half.
   *
   * @return the number of pairs the bound settled
   */
  abstract int scanRange(
      long[] aw,
      int aOffset,
      int aPop,
      int aHigh,
      int row,
      DiceKernel.SortedSide b,
      int jFrom,
      int jTo,
      double threshold,
      boolean bounded,
      ScoredPairs.Buffer out);

  /**
   * Whether a pair with {@code low} common bits in the first half cannot reach the threshold: the
   * second half adds at most min(aHigh, bHigh) common bits.
   */
  static boolean cannotReach(int low, int aHigh, int bHigh, int sum, double threshold) {
    return 2.0 * (low + Math.min(aHigh, bHigh)) < threshold * sum;
  }

  /**
   * The fewest common bits with which two filters whose popcounts add up to {@code sum} reach
   * {@code threshold}: the least c with {@code 2.0·c ≥ threshold·sum} as {@link #offer} evaluates
   * it ({@code threshold·sum} rounded once, then halved exactly). It grows with {@code sum}.
   */
  static long need(int sum, double threshold) {
    return (long) Math.ceil(threshold * sum * 0.5);
  }

  /**
   * Adds pair (row, j) when its Dice coefficient reaches the threshold: the one decision every
   * inner loop makes, in one place (small enough for the JIT to inline into each loop).
   */
  static void offer(
      ScoredPairs.Buffer out,
      int row,
      int sum,
      int common,
      double threshold,
      int[] original,
      int j) {
    if (2.0 * common >= threshold * sum) {
      out.add(row, original[j], 2.0 * common / sum);
    }
  }

  /** The fastest implementation available in this JVM for filters of the given word count. */
  static RowScanner best(int wordsPerFilter) {
    String forced = System.getProperty(PROPERTY, "");
    if (!forced.isEmpty()) {
      RowScanner chosen = named(forced);
      if (chosen == null || !chosen.supports(wordsPerFilter)) {
        throw new IllegalStateException(
            PROPERTY
                + "="
                + forced
                + " is not available here for "
                + wordsPerFilter
                + "-word filters; available: "
                + available(wordsPerFilter));
      }
      return chosen;
    }
    RowScanner vector = Holder.VECTOR;
    if (vector != null && vector.supports(wordsPerFilter)) {
      return vector;
    }
    if (UNROLLED.supports(wordsPerFilter)) {
      return UNROLLED;
    }
    return PORTABLE;
  }

  /** The implementation with this name, or null when it does not exist in this JVM. */
  static RowScanner named(String name) {
    switch (name) {
      case "portable":
        return PORTABLE;
      case "unrolled":
        return UNROLLED;
      case "vector":
        return Holder.VECTOR;
      default:
        return null;
    }
  }

  static String available(int wordsPerFilter) {
    StringBuilder names = new StringBuilder();
    for (String name : new String[] {"vector", "unrolled", "portable"}) {
      RowScanner scanner = named(name);
      if (scanner != null && scanner.supports(wordsPerFilter)) {
        names.append(names.length() == 0 ? "" : ", ").append(name);
      }
    }
    return names.toString();
  }

  /**
   * Loads the Vector API implementation lazily. It is compiled only on JDK 21+ (src/main/java21)
   * and needs {@code --add-modules jdk.incubator.vector} at run time; without either, it is absent
   * and the scalar loops are used.
   */
  private static final class Holder {
    static final RowScanner VECTOR = load();

    private static RowScanner load() {
      try {
        return (RowScanner) Class.forName(VECTOR_CLASS).getDeclaredConstructor().newInstance();
      } catch (ReflectiveOperationException | LinkageError e) {
        return null;
      }
    }
  }

  static final RowScanner PORTABLE =
      new RowScanner() {
        @Override
        String name() {
          return "portable";
        }

        @Override
        boolean supports(int wordsPerFilter) {
          return true;
        }

        @Override
        int scanRange(
            long[] aw,
            int aOffset,
            int aPop,
            int aHigh,
            int row,
            DiceKernel.SortedSide b,
            int jFrom,
            int jTo,
            double threshold,
            boolean bounded,
            ScoredPairs.Buffer out) {
          long[] bw = b.words;
          int[] bpop = b.popcounts;
          int[] bhigh = b.highPopcounts;
          int[] original = b.original;
          int w = b.wordsPerFilter;
          int half = w / 2;
          int settled = 0;
          for (int j = jFrom; j < jTo; j++) {
            int bOffset = j * w;
            int sum = aPop + bpop[j];
            int common = 0;
            for (int k = 0; k < half; k++) {
              common += Long.bitCount(aw[aOffset + k] & bw[bOffset + k]);
            }
            if (bounded && cannotReach(common, aHigh, bhigh[j], sum, threshold)) {
              settled++;
              continue;
            }
            for (int k = half; k < w; k++) {
              common += Long.bitCount(aw[aOffset + k] & bw[bOffset + k]);
            }
            offer(out, row, sum, common, threshold, original, j);
          }
          return settled;
        }
      };

  /**
   * 1024-bit filters (clkhash's default) with the A row held in sixteen locals, so each pair loads
   * only B's words; the JIT keeps most of the row in registers. The loops with and without the
   * bound are separate methods, so that each is compiled for itself: one loop testing a flag ran at
   * one of two speeds from one JVM start to the next. They spell out their sums instead of sharing
   * an eight-word helper, which measured 310 M/s against 353 M/s.
   */
  static final RowScanner UNROLLED =
      new RowScanner() {
        @Override
        String name() {
          return "unrolled";
        }

        @Override
        boolean supports(int wordsPerFilter) {
          return wordsPerFilter == 16;
        }

        @Override
        int scanRange(
            long[] aw,
            int o,
            int aPop,
            int aHigh,
            int row,
            DiceKernel.SortedSide b,
            int jFrom,
            int jTo,
            double threshold,
            boolean bounded,
            ScoredPairs.Buffer out) {
          assert b.wordsPerFilter == 16;
          if (bounded) {
            return Unrolled.bounded(aw, o, aPop, aHigh, row, b, jFrom, jTo, threshold, out);
          }
          Unrolled.plain(aw, o, aPop, row, b, jFrom, jTo, threshold, out);
          return 0;
        }
      };

  /** The loops of {@link #UNROLLED}. */
  static final class Unrolled {
    /** Common bits of a row's first eight words, held in locals, with b's at {@code p}. */
    static int lowHalf(
        long a0, long a1, long a2, long a3, long a4, long a5, long a6, long a7, long[] bw, int p) {
      return Long.bitCount(a0 & bw[p])
          + Long.bitCount(a1 & bw[p + 1])
          + Long.bitCount(a2 & bw[p + 2])
          + Long.bitCount(a3 & bw[p + 3])
          + Long.bitCount(a4 & bw[p + 4])
          + Long.bitCount(a5 & bw[p + 5])
          + Long.bitCount(a6 & bw[p + 6])
          + Long.bitCount(a7 & bw[p + 7]);
    }

    /** Common bits of a row's last eight words with b's at {@code p} (its words p+8..p+15). */
    static int highHalf(
        long a8,
        long a9,
        long a10,
        long a11,
        long a12,
        long a13,
        long a14,
        long a15,
        long[] bw,
        int p) {
      return Long.bitCount(a8 & bw[p + 8])
          + Long.bitCount(a9 & bw[p + 9])
          + Long.bitCount(a10 & bw[p + 10])
          + Long.bitCount(a11 & bw[p + 11])
          + Long.bitCount(a12 & bw[p + 12])
          + Long.bitCount(a13 & bw[p + 13])
          + Long.bitCount(a14 & bw[p + 14])
          + Long.bitCount(a15 & bw[p + 15]);
    }

    static int bounded(
        long[] aw,
        int o,
        int aPop,
        int aHigh,
        int row,
        DiceKernel.SortedSide b,
        int jFrom,
        int jTo,
        double threshold,
        ScoredPairs.Buffer out) {
      long a0 = aw[o], a1 = aw[o + 1], a2 = aw[o + 2], a3 = aw[o + 3];
      long a4 = aw[o + 4], a5 = aw[o + 5], a6 = aw[o + 6], a7 = aw[o + 7];
      long a8 = aw[o + 8], a9 = aw[o + 9], a10 = aw[o + 10], a11 = aw[o + 11];
      long a12 = aw[o + 12], a13 = aw[o + 13], a14 = aw[o + 14], a15 = aw[o + 15];
      long[] bw = b.words;
      int[] bpop = b.popcounts;
      int[] bhigh = b.highPopcounts;
      int[] original = b.original;
      int settled = 0;
      for (int j = jFrom; j < jTo; j++) {
        int p = j << 4;
        int sum = aPop + bpop[j];
        int low = lowHalf(a0, a1, a2, a3, a4, a5, a6, a7, bw, p);
        if (cannotReach(low, aHigh, bhigh[j], sum, threshold)) {
          settled++;
          continue;
        }
        int common = low + highHalf(a8, a9, a10, a11, a12, a13, a14, a15, bw, p);
        offer(out, row, sum, common, threshold, original, j);
      }
      return settled;
    }

    static void plain(
        long[] aw,
        int o,
        int aPop,
        int row,
        DiceKernel.SortedSide b,
        int jFrom,
        int jTo,
        double threshold,
        ScoredPairs.Buffer out) {
      long a0 = aw[o], a1 = aw[o + 1], a2 = aw[o + 2], a3 = aw[o + 3];
      long a4 = aw[o + 4], a5 = aw[o + 5], a6 = aw[o + 6], a7 = aw[o + 7];
      long a8 = aw[o + 8], a9 = aw[o + 9], a10 = aw[o + 10], a11 = aw[o + 11];
      long a12 = aw[o + 12], a13 = aw[o + 13], a14 = aw[o + 14], a15 = aw[o + 15];
      long[] bw = b.words;
      int[] bpop = b.popcounts;
      int[] original = b.original;
      for (int j = jFrom; j < jTo; j++) {
        int p = j << 4;
        int common =
            lowHalf(a0, a1, a2, a3, a4, a5, a6, a7, bw, p)
                + highHalf(a8, a9, a10, a11, a12, a13, a14, a15, bw, p);
        offer(out, row, aPop + bpop[j], common, threshold, original, j);
      }
    }
  }
}
