package org.pprl.core.assess;

import java.util.Arrays;
import java.util.SplittableRandom;

/**
 * The bigram-pattern search of Niedermeyer et al. (2014) without the key: doubleHash puts a token's
 * bits at {@code a, a + b, a + 2b, ...} (mod the filter length), so wherever a common bigram occurs
 * the same arithmetic progression of bits is set. The search counts, for every start {@code a} and
 * step {@code d}, the records in which the four bits {@code a, a + d, a + 2d, a + 3d} are all set,
 * and compares the strongest progressions with the strongest of the same filters after {@link
 * #PERMUTATIONS} random permutations of their bit positions (which keep every bit's frequency and
 * every co-occurrence but no progression). When {@link #FOUND} or more of the strongest are
 * stronger than every permuted one, the progressions are patterns found; blakeHash and salted
 * random hashing leave none.
 */
public final class PatternSearch {
  /** Progressions of this many bits are counted. */
  static final int LENGTH = 4;

  /** Records sampled at most (the counts are shares, so a sample suffices). */
  static final int SAMPLE = 20_000;

  /** Permutations whose strongest progression makes the bar. */
  static final int PERMUTATIONS = 4;

  /**
   * Progressions above the bar that make a finding. Without structure the real and the permuted
   * filters are exchangeable: the chance that the real filters hold the 3 strongest of all five is
   * about (1/5)^3, under 1 %; doubleHash filters put all 20 above it.
   */
  static final int FOUND = 3;

  /**
   * The outcome.
   *
   * @param patterns the progressions found: those among the {@code top} strongest whose share of
   *     records exceeds every permuted filter's, when there are at least {@link #FOUND}; else 0
   * @param aboveBar how many of the {@code top} strongest exceed every permuted filter's
   * @param strongest the strongest progression's share of records
   * @param strongestPermuted the strongest share among the permuted filters' progressions
   */
  public record Result(int patterns, int aboveBar, double strongest, double strongestPermuted) {}

  private PatternSearch() {}

  /** Searches filters of {@code bits} bits; counts patterns among the {@code top} strongest. */
  public static Result search(long[][] filters, int bits, int top, long seed) {
    SplittableRandom random = new SplittableRandom(seed);
    long[][] sample = sample(filters, random);
    if (sample.length == 0) {
      return new Result(0, 0, 0, 0);
    }
    int[] real = strongest(columns(sample, bits, identity(bits)), bits, top);
    int permutedMax = 0;
    for (int p = 0; p < PERMUTATIONS; p++) {
      int[] permutation = identity(bits);
      for (int i = bits - 1; i > 0; i--) {
        int j = random.nextInt(i + 1);
        int t = permutation[i];
        permutation[i] = permutation[j];
        permutation[j] = t;
      }
      permutedMax =
          Math.max(permutedMax, strongest(columns(sample, bits, permutation), bits, 1)[0]);
    }
    int stronger = 0;
    for (int count : real) {
      if (count > permutedMax) {
        stronger++;
      }
    }
    return new Result(
        stronger >= FOUND ? stronger : 0,
        stronger,
        (double) real[0] / sample.length,
        (double) permutedMax / sample.length);
  }

  private static int[] identity(int bits) {
    int[] identity = new int[bits];
    for (int i = 0; i < bits; i++) {
      identity[i] = i;
    }
    return identity;
  }

  private static long[][] sample(long[][] filters, SplittableRandom random) {
    long[][] nonEmpty =
        Arrays.stream(filters).filter(f -> !FilterGroups.isEmpty(f)).toArray(long[][]::new);
    if (nonEmpty.length <= SAMPLE) {
      return nonEmpty;
    }
    for (int i = 0; i < SAMPLE; i++) {
      int j = i + random.nextInt(nonEmpty.length - i);
      long[] t = nonEmpty[i];
      nonEmpty[i] = nonEmpty[j];
      nonEmpty[j] = t;
    }
    return Arrays.copyOf(nonEmpty, SAMPLE);
  }

  /** Column bitsets: for each bit position (after {@code map}), the records that set it. */
  private static long[][] columns(long[][] records, int bits, int[] map) {
    int words = (records.length + 63) >>> 6;
    long[][] columns = new long[bits][words];
    for (int r = 0; r < records.length; r++) {
      long[] f = records[r];
      for (int i = 0; i < bits; i++) {
        if ((f[i >>> 6] >>> i & 1L) != 0) {
          columns[map[i]][r >>> 6] |= 1L << r;
        }
      }
    }
    return columns;
  }

  /** The {@code top} largest record counts among all progressions, largest first. */
  private static int[] strongest(long[][] columns, int bits, int top) {
    int[] best = new int[top];
    int words = columns[0].length;
    for (int d = 1; d < bits / 2; d++) {
      for (int a = 0; a < bits; a++) {
        long[] c0 = columns[a];
        long[] c1 = columns[(a + d) % bits];
        long[] c2 = columns[(a + 2 * d) % bits];
        long[] c3 = columns[(a + 3 * d) % bits];
        int count = 0;
        for (int w = 0; w < words; w++) {
          count += Long.bitCount(c0[w] & c1[w] & c2[w] & c3[w]);
        }
        if (count > best[top - 1]) {
          int i = top - 1;
          while (i > 0 && best[i - 1] < count) {
            best[i] = best[i - 1];
            i--;
          }
          best[i] = count;
        }
      }
    }
    return best;
  }
}
