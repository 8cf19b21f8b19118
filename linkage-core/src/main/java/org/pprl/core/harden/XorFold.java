package org.pprl.core.harden;

import org.pprl.core.bits.BitFilters;

/**
 * XOR folding: halves a filter by XOR-ing its two halves, {@code out[i] = b[i] XOR b[i + L/2]},
 * optionally repeated; the semantics of clkhash v3's {@code xorFolds}.
 *
 * <p>Why (R. Schnell et al. 2016, "XOR-folding for hardening Bloom filter based encryptions for
 * PPRL", German Record Linkage Center working paper; the reference clkhash gives for {@code
 * xorFolds}): a set bit of the folded filter no longer identifies the hash position of one q-gram,
 * which defeats the pattern-mining attacks that map frequent bit patterns back to frequent q-grams.
 * The cost is a shorter filter with more collisions, so Dice scores of non-matches rise and the
 * threshold has to be re-tuned; the authors report little effect on linkage accuracy for one fold.
 *
 * <p>Bit order matches {@link BitFilters}: bit {@code i} here is bit {@code i} of clkhash's
 * bitarray, so folding {@code fromClkhashBytes(b)} equals clkhash's fold of {@code b}. Relies on
 * and keeps the tail invariant (bits past the length are zero). Cost: one pass over the words.
 */
public final class XorFold {
  private XorFold() {}

  /**
   * Folds once: a filter of {@code bits / 2} bits.
   *
   * @throws IllegalArgumentException if {@code bits} is odd or below 2, or the words do not hold a
   *     filter of {@code bits} bits with a zero tail
   */
  public static long[] fold(long[] words, int bits) {
    return fold(words, bits, 1);
  }

  /**
   * Folds {@code folds} times: a filter of {@code bits / 2^folds} bits. As in clkhash, the length
   * must be divisible by {@code 2^folds}, i.e. even at each fold.
   *
   * @throws IllegalArgumentException for a negative {@code folds}, a length not divisible by {@code
   *     2^folds}, or words that do not hold a filter of {@code bits} bits with a zero tail
   */
  public static long[] fold(long[] words, int bits, int folds) {
    if (folds < 0 || folds > 30) {
      throw new IllegalArgumentException("xor folds must be in 0..30, was " + folds);
    }
    BitFilters.checkTail(words, bits);
    if ((bits & ((1 << folds) - 1)) != 0 || bits >> folds == 0) {
      throw new IllegalArgumentException(
          "cannot XOR-fold a filter of "
              + bits
              + " bits "
              + folds
              + " times: the length must be a multiple of "
              + (1L << folds)
              + " (even at each fold)");
    }
    long[] out = BitFilters.copy(words);
    int length = bits;
    for (int f = 0; f < folds; f++) {
      out = foldOnce(out, length);
      length /= 2;
    }
    return out;
  }

  private static long[] foldOnce(long[] words, int bits) {
    assert (bits & 1) == 0 && bits >= 2;
    int half = bits >>> 1;
    long[] out = new long[BitFilters.wordCount(half)];
    for (int w = 0; w < out.length; w++) {
      int lo = w << 6;
      out[w] = wordAt(words, lo) ^ wordAt(words, lo + half);
    }
    int used = half & 63;
    if (used != 0) {
      out[out.length - 1] &= -1L >>> (64 - used);
    }
    assert Kdf.tailIsZero(out, half);
    return out;
  }

  /** The 64 bits starting at bit {@code pos}; bits past the array are zero. */
  private static long wordAt(long[] words, int pos) {
    int i = pos >>> 6;
    int shift = pos & 63;
    if (i >= words.length) {
      return 0;
    }
    long v = words[i] >>> shift;
    if (shift != 0 && i + 1 < words.length) {
      v |= words[i + 1] << (64 - shift);
    }
    return v;
  }
}
