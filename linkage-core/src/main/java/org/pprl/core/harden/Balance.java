package org.pprl.core.harden;

import org.pprl.core.bits.BitFilters;

/**
 * Balanced Bloom filters: a filter of {@code L} bits becomes one of {@code 2L} bits, its
 * concatenation with its complement under a keyed permutation, so every output has exactly {@code
 * L} bits set.
 *
 * <p>Why (Schnell and Borgs 2016, "Randomized response and balanced Bloom filters for privacy
 * preserving record linkage", IEEE ICDM Workshops 2016): the popcount of a plain filter grows with
 * the number of q-grams, so it reveals the length of the name and anchors frequency attacks that
 * pair heavy filters with long names. A balanced filter's popcount is the same for every record;
 * each original bit and its complement sit at two secret positions among {@code 2L}, so an attacker
 * cannot tell which positions carry a q-gram and which its absence. Cost: twice the storage and
 * comparison time, and the Dice score changes meaning: for two balanced filters it is {@code 1 -
 * hamming(a, b) / L}, i.e. shared zeros count as agreement, so every score rises towards 1 and
 * thresholds must be re-tuned (the ranking follows Hamming distance, not Dice, of the original
 * filters).
 *
 * <p>Definition. {@code c[j] = b[j]} and {@code c[L + j] = NOT b[j]} for {@code j < L}; the output
 * has bit {@code perm[j]} equal to {@code c[j]}. {@code perm} is the Fisher–Yates shuffle of {@code
 * 0..2L-1} (for {@code i} from {@code 2L-1} down to 1, swap {@code i} with {@code nextInt(i + 1)})
 * driven by the {@link KeyedStream} of {@code HKDF-SHA256(secret, info = "pprl-balance:" + L)}.
 * Instances are immutable and thread-safe.
 */
public final class Balance {
  private final int bits;
  private final int[] perm;

  private Balance(int bits, int[] perm) {
    this.bits = bits;
    this.perm = perm;
  }

  /**
   * The balancing transform for filters of {@code bits} bits under {@code secret}.
   *
   * @throws IllegalArgumentException if {@code bits} is not in {@code 1..2^30 - 1} or the secret is
   *     empty
   */
  public static Balance create(byte[] secret, int bits) {
    if (bits < 1 || bits >= 1 << 30) {
      throw new IllegalArgumentException("filter length must be in 1..2^30-1, was " + bits);
    }
    KeyedStream stream = new KeyedStream(Kdf.hkdf(secret, "pprl-balance:" + bits));
    int n = 2 * bits;
    int[] perm = new int[n];
    for (int i = 0; i < n; i++) {
      perm[i] = i;
    }
    for (int i = n - 1; i > 0; i--) {
      int j = stream.nextInt(i + 1);
      int t = perm[i];
      perm[i] = perm[j];
      perm[j] = t;
    }
    return new Balance(bits, perm);
  }

  /** Length of the filters this transform accepts. */
  public int inputBits() {
    return bits;
  }

  /** Length of the filters it produces: {@code 2 * inputBits()}. */
  public int outputBits() {
    return 2 * bits;
  }

  /**
   * The balanced filter of {@code words}: {@link #outputBits()} bits, exactly {@link #inputBits()}
   * of them set, tail bits zero.
   *
   * @throws IllegalArgumentException if {@code words} is not a filter of {@link #inputBits()} bits
   *     with a zero tail
   */
  public long[] apply(long[] words) {
    BitFilters.checkTail(words, bits);
    long[] out = new long[BitFilters.wordCount(2 * bits)];
    for (int j = 0; j < bits; j++) {
      BitFilters.set(out, BitFilters.get(words, j) ? perm[j] : perm[bits + j]);
    }
    assert BitFilters.popcount(out) == bits : "balanced popcount " + BitFilters.popcount(out);
    assert Kdf.tailIsZero(out, 2 * bits);
    return out;
  }

  /** The permutation, for tests: output position of concatenated bit {@code j}. */
  int[] permutation() {
    return perm.clone();
  }
}
