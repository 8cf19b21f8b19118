package org.pprl.core.match;

/**
 * The innermost loop of the Dice kernel: one filter of A against a run of B's popcount-sorted
 * filters, adding each pair that reaches the threshold to a buffer.
 *
 * <p>All implementations compute the same thing and must give identical output; they differ only in
 * speed. Each relies on the FilterMatrix tail invariant (bits past the filter length are zero).
 */
abstract class RowScanner {
  /** Set to {@code portable}, {@code unrolled} or {@code vector} to force one implementation. */
  static final String PROPERTY = "pprl.kernel";

  private static final String VECTOR_CLASS = "org.pprl.core.match.VectorRowScanner";

  /** Short name for run summaries. */
  abstract String name();

  /** Whether this implementation handles filters of {@code wordsPerFilter} words. */
  abstract boolean supports(int wordsPerFilter);

  /**
   * Compares filter {@code row} of A (its words at {@code aw[aOffset..]}, popcount {@code aPop})
   * with B's sorted filters {@code jFrom..jTo-1}.
   */
  abstract void scan(
      long[] aw,
      int aOffset,
      int aPop,
      int row,
      DiceKernel.SortedSide b,
      int jFrom,
      int jTo,
      double threshold,
      ScoredPairs.Buffer out);

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
        void scan(
            long[] aw,
            int aOffset,
            int aPop,
            int row,
            DiceKernel.SortedSide b,
            int jFrom,
            int jTo,
            double threshold,
            ScoredPairs.Buffer out) {
          long[] bw = b.words;
          int[] bpop = b.popcounts;
          int[] original = b.original;
          int w = b.wordsPerFilter;
          for (int j = jFrom; j < jTo; j++) {
            int bOffset = j * w;
            int common = 0;
            for (int k = 0; k < w; k++) {
              common += Long.bitCount(aw[aOffset + k] & bw[bOffset + k]);
            }
            offer(out, row, aPop + bpop[j], common, threshold, original, j);
          }
        }
      };

  /**
   * 1024-bit filters (clkhash's default) with the A row held in sixteen locals, so each pair loads
   * only B's words; the JIT keeps most of the row in registers.
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
        void scan(
            long[] aw,
            int o,
            int aPop,
            int row,
            DiceKernel.SortedSide b,
            int jFrom,
            int jTo,
            double threshold,
            ScoredPairs.Buffer out) {
          assert b.wordsPerFilter == 16;
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
                Long.bitCount(a0 & bw[p])
                    + Long.bitCount(a1 & bw[p + 1])
                    + Long.bitCount(a2 & bw[p + 2])
                    + Long.bitCount(a3 & bw[p + 3])
                    + Long.bitCount(a4 & bw[p + 4])
                    + Long.bitCount(a5 & bw[p + 5])
                    + Long.bitCount(a6 & bw[p + 6])
                    + Long.bitCount(a7 & bw[p + 7])
                    + Long.bitCount(a8 & bw[p + 8])
                    + Long.bitCount(a9 & bw[p + 9])
                    + Long.bitCount(a10 & bw[p + 10])
                    + Long.bitCount(a11 & bw[p + 11])
                    + Long.bitCount(a12 & bw[p + 12])
                    + Long.bitCount(a13 & bw[p + 13])
                    + Long.bitCount(a14 & bw[p + 14])
                    + Long.bitCount(a15 & bw[p + 15]);
            offer(out, row, aPop + bpop[j], common, threshold, original, j);
          }
        }
      };
}
