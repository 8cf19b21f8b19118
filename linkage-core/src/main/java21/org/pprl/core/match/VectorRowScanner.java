package org.pprl.core.match;

import jdk.incubator.vector.LongVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * The Dice kernel's inner loop on the JDK's Vector API: one filter of A against B's filters a
 * vector's lanes at a time, each lane a different filter of B (VPOPCNTQ on AVX-512 machines).
 *
 * <p>Compiled only on JDK 21+ and loaded reflectively by {@link RowScanner#best}, so the library
 * still runs on JDK 17 with the scalar loops.
 */
final class VectorRowScanner extends RowScanner {
  /*
   * Design. B is read from its interleaved copy (DiceKernel.SortedSide#interleaved): for each group
   * of LANES consecutive sorted filters, word k of all of them is one vector. Word k of the A row
   * is broadcast to every lane, so AND, lane-wise popcount and add give LANES pairs' common-bit
   * counts at once, with no horizontal sum per pair (the loop before this one summed each pair's
   * lanes, and that reduction was most of its cost). The same layout is how hand-written AVX-512
   * C kernels reach their speed. Two groups are taken at a time, and B is scanned in chunks that
   * fit the L1 cache (see chunk); docs/performance.md has the figures.
   *
   * The threshold is tested in integers: a pair needs common ≥ ⌈t·(|a|+|b|)/2⌉, and within a
   * group the first lane has the smallest popcount (B is sorted), so one bound per group, from
   * that lane, is at most every lane's own. Lanes that pass it (rare: matches and near misses)
   * go through RowScanner.offer, the exact test every loop shares, so the output is the same as
   * the scalar loops'.
   */
  private static final VectorSpecies<Long> SPECIES = LongVector.SPECIES_PREFERRED;
  private static final int LANES = SPECIES.length();

  /** Public no-argument constructor for the reflective load. */
  public VectorRowScanner() {
    // Touch the species so a JVM without the module fails here, inside the loader's catch.
    if (LANES < 1) {
      throw new IllegalStateException("no vector lanes");
    }
  }

  @Override
  String name() {
    return "vector";
  }

  @Override
  boolean supports(int wordsPerFilter) {
    // A one-lane "vector" is no faster than the scalar loops.
    return LANES >= 2;
  }

  /** No bound after half the words: each lane would need its own, and the groups would split. */
  @Override
  boolean bounds() {
    return false;
  }

  @Override
  int lanes() {
    return LANES;
  }

  /**
   * About 24 KB of B, so that a chunk stays in the L1 data cache while the rows of a block are
   * scanned against it (with 2,048 filters, 256 KB, the loop ran at two thirds of the speed).
   */
  @Override
  int chunk(int wordsPerFilter) {
    int pairOfGroups = 2 * LANES;
    return Math.max(pairOfGroups, 24 * 1024 / (8 * wordsPerFilter) / pairOfGroups * pairOfGroups);
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
    assert b.lanes == LANES;
    scanPairsOfGroups(aw, aOffset, aPop, row, b, jFrom, jTo, threshold, out);
    return 0;
  }

  /**
   * Two groups at a time, so each broadcast word of the row serves two loads of B and the two sums
   * run side by side (one group at a time ran at about 0.7 of this speed, four at a time at 0.85).
   */
  private static void scanPairsOfGroups(
      long[] aw,
      int aOffset,
      int aPop,
      int row,
      DiceKernel.SortedSide b,
      int jFrom,
      int jTo,
      double threshold,
      ScoredPairs.Buffer out) {
    long[] bi = b.interleaved;
    int[] bpop = b.popcounts;
    int w = b.wordsPerFilter;
    int last = bpop.length - 1;
    int step = w * LANES;
    // A range of an odd number of groups reads one group past it: there is always one more
    // (SortedSide pads the interleaved copy), and offerLanes keeps only filters inside the range.
    for (int g = jFrom / LANES, gTo = (jTo + LANES - 1) / LANES; g < gTo; g += 2) {
      int base = g * step;
      LongVector c0 = LongVector.zero(SPECIES);
      LongVector c1 = LongVector.zero(SPECIES);
      for (int k = 0; k < w; k++) {
        LongVector x = LongVector.broadcast(SPECIES, aw[aOffset + k]);
        LongVector y0 = LongVector.fromArray(SPECIES, bi, base + k * LANES);
        LongVector y1 = LongVector.fromArray(SPECIES, bi, base + step + k * LANES);
        c0 = c0.add(x.and(y0).lanewise(VectorOperators.BIT_COUNT));
        c1 = c1.add(x.and(y1).lanewise(VectorOperators.BIT_COUNT));
      }
      int first = g * LANES;
      long need0 = RowScanner.need(aPop + bpop[first], threshold);
      long need1 = RowScanner.need(aPop + bpop[Math.min(first + LANES, last)], threshold);
      long passed0 = c0.compare(VectorOperators.GE, need0).toLong();
      long passed1 = c1.compare(VectorOperators.GE, need1).toLong();
      if ((passed0 | passed1) != 0) {
        long both = passed0 | passed1 << LANES;
        offerLanes(both, first, aw, aOffset, aPop, row, b, jFrom, jTo, threshold, out);
      }
    }
  }

  /**
   * Offers the pairs of B's sorted filters {@code first + lane} for each lane set in {@code lanes}
   * and inside {@code jFrom..jTo-1}, counting their common bits again from B's plain copy (this is
   * the rare path, and a vector handed to a method that is not inlined would be boxed).
   */
  private static void offerLanes(
      long lanes,
      int first,
      long[] aw,
      int aOffset,
      int aPop,
      int row,
      DiceKernel.SortedSide b,
      int jFrom,
      int jTo,
      double threshold,
      ScoredPairs.Buffer out) {
    int w = b.wordsPerFilter;
    for (long rest = lanes; rest != 0; rest &= rest - 1) {
      int j = first + Long.numberOfTrailingZeros(rest);
      if (j >= jFrom && j < jTo) {
        int common = 0;
        for (int k = 0; k < w; k++) {
          common += Long.bitCount(aw[aOffset + k] & b.words[j * w + k]);
        }
        offer(out, row, aPop + b.popcounts[j], common, threshold, b.original, j);
      }
    }
  }
}
