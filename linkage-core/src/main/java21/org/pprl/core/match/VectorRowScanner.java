package org.pprl.core.match;

import jdk.incubator.vector.LongVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * The Dice kernel's inner loop on the JDK's Vector API: AND and per-lane popcount over whole
 * vectors of words (VPOPCNTQ on AVX-512 machines), one horizontal sum per pair.
 *
 * <p>Compiled only on JDK 21+ and loaded reflectively by {@link RowScanner#best}, so the library
 * still runs on JDK 17 with the scalar loops. Handles filters whose word count is a multiple of the
 * preferred vector's lane count.
 */
final class VectorRowScanner extends RowScanner {
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
    return LANES >= 2 && wordsPerFilter % LANES == 0;
  }

  /**
   * No bound after half the words: on AVX-512 the bounded loop needed a reduction at the half, and
   * was slower than this one (283 M/s with 512-bit vectors, 280–351 with 256-bit ones, against
   * 310–320 without, on random filters at 0.8), and it lost more on dense filters.
   */
  @Override
  boolean bounds() {
    return false;
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
    int[] original = b.original;
    int w = b.wordsPerFilter;
    assert w % LANES == 0;
    for (int j = jFrom; j < jTo; j++) {
      int bOffset = j * w;
      LongVector counts = LongVector.zero(SPECIES);
      for (int k = 0; k < w; k += LANES) {
        LongVector x = LongVector.fromArray(SPECIES, aw, aOffset + k);
        LongVector y = LongVector.fromArray(SPECIES, bw, bOffset + k);
        counts = counts.add(x.and(y).lanewise(VectorOperators.BIT_COUNT));
      }
      int common = (int) counts.reduceLanes(VectorOperators.ADD);
      offer(out, row, aPop + bpop[j], common, threshold, original, j);
    }
    return 0;
  }
}
