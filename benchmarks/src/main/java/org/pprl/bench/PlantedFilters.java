package org.pprl.bench;

import java.util.SplittableRandom;
import java.util.function.Function;
import org.pprl.core.match.FilterMatrix;

/**
 * Two matrices of random filters with known answers, for the kernel and blocking benchmarks: every
 * {@code plantEvery}th filter j of B is a copy of A's filter {@link #planted planted(j)} with
 * {@code flips} random bits flipped, the rest of both are drawn independently.
 */
final class PlantedFilters {
  private PlantedFilters() {}

  /** The filter of A that B's filter {@code j} was copied from, when j is a planted one. */
  static int planted(int j, int size) {
    return (j * 7 + 3) % size;
  }

  /** A and B, in that order, each {@code size} filters of {@code bits} bits. */
  static FilterMatrix[] make(
      SplittableRandom random,
      int size,
      int bits,
      int plantEvery,
      int flips,
      Function<SplittableRandom, long[]> filter) {
    long[][] as = new long[size][];
    long[][] bs = new long[size][];
    for (int i = 0; i < size; i++) {
      as[i] = filter.apply(random);
    }
    for (int j = 0; j < size; j++) {
      if (j % plantEvery == 0) {
        bs[j] = as[planted(j, size)].clone();
        for (int flip = 0; flip < flips; flip++) {
          int bit = random.nextInt(bits);
          bs[j][bit >>> 6] ^= 1L << bit;
        }
      } else {
        bs[j] = filter.apply(random);
      }
    }
    return new FilterMatrix[] {FilterMatrix.of(bits, as), FilterMatrix.of(bits, bs)};
  }

  /** A filter whose every bit is set with probability {@code density}, bit by bit. */
  static long[] dense(SplittableRandom random, int bits, double density) {
    long[] words = new long[(bits + 63) / 64];
    for (int bit = 0; bit < bits; bit++) {
      if (random.nextDouble() < density) {
        words[bit >>> 6] |= 1L << bit;
      }
    }
    return words;
  }
}
