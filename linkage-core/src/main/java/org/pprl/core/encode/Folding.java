package org.pprl.core.encode;

/**
 * XOR folding (Schnell, Borgs and Encarnação 2016) as clkhash's {@code fold_xor}: a filter of
 * {@code 2h} bits becomes {@code h} bits, bit {@code i} being bit {@code i} XOR bit {@code h + i};
 * repeated once per fold. Relies on and keeps the tail invariant of {@code BitFilters} (bits past
 * the length are zero).
 */
final class Folding {
  private Folding() {}

  /**
   * Folds {@code in} ({@code bits} long) {@code folds} times into {@code out}, which has {@code
   * wordCount(bits >> folds)} words. {@code in} is used as scratch and destroyed.
   */
  static void fold(long[] in, int bits, int folds, long[] out) {
    int len = bits;
    for (int f = 0; f < folds; f++) {
      assert (len & 1) == 0 : "odd length " + len + " cannot be folded";
      int half = len >>> 1;
      foldOnce(in, half);
      len = half;
    }
    int words = (len + 63) >>> 6;
    assert out.length == words;
    System.arraycopy(in, 0, out, 0, words);
  }

  /** {@code w[0..half) ^= w[half..2*half)}, then clears bits from {@code half} on. */
  static void foldOnce(long[] w, int half) {
    int words = (half + 63) >>> 6;
    int shift = half & 63;
    int base = half >>> 6;
    for (int i = 0; i < words; i++) {
      long upper;
      if (shift == 0) {
        upper = w[base + i];
      } else {
        long lo = w[base + i] >>> shift;
        long hi = base + i + 1 < w.length ? w[base + i + 1] << (64 - shift) : 0L;
        upper = lo | hi;
      }
      w[i] ^= upper;
    }
    // Everything from bit `half` on is now stale: clear it to keep the tail invariant.
    if (shift != 0) {
      w[words - 1] &= (1L << shift) - 1;
    }
    for (int i = words; i < w.length; i++) {
      w[i] = 0;
    }
  }
}
