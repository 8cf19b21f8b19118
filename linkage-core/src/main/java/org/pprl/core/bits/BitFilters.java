package org.pprl.core.bits;

import java.util.Arrays;

/**
 * Bloom filters of a fixed bit length stored as {@code long[]} words: the one representation every
 * encoder, extract file and matcher in the engine shares.
 *
 * <p>Layout. Bit {@code i} of a filter of length {@code L} lives in word {@code i >>> 6} at bit
 * position {@code i & 63} (so {@code words[i >>> 6] & (1L << i)} tests it). A filter has {@code
 * wordCount(L) = ceil(L / 64)} words.
 *
 * <p><b>Invariant (tail bits are zero):</b> in the last word, the bits at positions {@code L & 63}
 * and above are zero whenever {@code L} is not a multiple of 64. Popcount and Dice rely on it;
 * every method here that builds a filter keeps it, and {@link #checkTail} verifies it on input from
 * outside.
 *
 * <p>clkhash byte order. clkhash serialises a filter with bitarray's big-endian {@code tobytes()}:
 * bit {@code i} is bit {@code 7 - (i & 7)} (counting from the least significant) of byte {@code i
 * >>> 3}. {@link #fromClkhashBytes} and {@link #toClkhashBytes} convert between the two.
 */
public final class BitFilters {
  private BitFilters() {}

  /** Number of 64-bit words that hold a filter of {@code bits} bits. */
  public static int wordCount(int bits) {
    if (bits <= 0) {
      throw new IllegalArgumentException("filter length must be positive, was " + bits);
    }
    return (bits + 63) >>> 6;
  }

  /** Sets bit {@code i}; relies on {@code i} being below the filter length (tail invariant). */
  public static void set(long[] words, int i) {
    assert i >= 0 && (i >>> 6) < words.length : "bit " + i + " outside " + words.length + " words";
    words[i >>> 6] |= 1L << i;
  }

  /** Whether bit {@code i} is set. */
  public static boolean get(long[] words, int i) {
    return (words[i >>> 6] & (1L << i)) != 0;
  }

  /** Number of set bits. Relies on the tail invariant. */
  public static int popcount(long[] words) {
    int n = 0;
    for (long w : words) {
      n += Long.bitCount(w);
    }
    return n;
  }

  /** Number of bits set in both {@code a} and {@code b}, which have the same length. */
  public static int intersectionCount(long[] a, long[] b) {
    if (a.length != b.length) {
      throw new IllegalArgumentException(
          "filters differ in size: " + a.length + " vs " + b.length + " words");
    }
    int n = 0;
    for (int k = 0; k < a.length; k++) {
      n += Long.bitCount(a[k] & b[k]);
    }
    return n;
  }

  /**
   * Dice coefficient {@code 2|a∩b| / (|a| + |b|)}; two empty filters have Dice 0, as in anonlink.
   * Relies on the tail invariant.
   */
  public static double dice(long[] a, long[] b) {
    int sum = popcount(a) + popcount(b);
    return sum == 0 ? 0.0 : 2.0 * intersectionCount(a, b) / sum;
  }

  /**
   * Reads a filter of {@code bits} bits from clkhash's big-endian bytes.
   *
   * @throws IllegalArgumentException if the byte count is not {@code ceil(bits / 8)} or a bit past
   *     the filter length is set
   */
  public static long[] fromClkhashBytes(byte[] bytes, int bits) {
    int expected = (bits + 7) >>> 3;
    if (bytes.length != expected) {
      throw new IllegalArgumentException(
          "filter has " + bytes.length + " bytes, expected " + expected + " for " + bits + " bits");
    }
    long[] words = new long[wordCount(bits)];
    for (int j = 0; j < bytes.length; j++) {
      // Reverse the bit order within the byte: clkhash's first bit is the byte's top bit.
      long b = Integer.reverse(bytes[j] & 0xFF) >>> 24;
      words[j >>> 3] |= b << ((j & 7) << 3);
    }
    checkTail(words, bits);
    return words;
  }

  /** Writes a filter of {@code bits} bits as clkhash's big-endian bytes. */
  public static byte[] toClkhashBytes(long[] words, int bits) {
    assert words.length == wordCount(bits);
    byte[] bytes = new byte[(bits + 7) >>> 3];
    for (int j = 0; j < bytes.length; j++) {
      int b = (int) (words[j >>> 3] >>> ((j & 7) << 3)) & 0xFF;
      bytes[j] = (byte) (Integer.reverse(b) >>> 24);
    }
    return bytes;
  }

  /**
   * Verifies the tail invariant and the word count for a filter read from outside.
   *
   * @throws IllegalArgumentException naming the length and the first offending bit
   */
  public static void checkTail(long[] words, int bits) {
    if (words.length != wordCount(bits)) {
      throw new IllegalArgumentException(
          "filter has " + words.length + " words, expected " + wordCount(bits) + " for " + bits);
    }
    int used = bits & 63;
    if (used != 0) {
      long tail = words[words.length - 1] & (-1L << used);
      if (tail != 0) {
        throw new IllegalArgumentException(
            "bit "
                + ((words.length - 1) * 64 + Long.numberOfTrailingZeros(tail))
                + " is set in a filter of "
                + bits
                + " bits");
      }
    }
  }

  /** Copies {@code words} (filters are shared between threads only as immutable copies). */
  public static long[] copy(long[] words) {
    return Arrays.copyOf(words, words.length);
  }
}
