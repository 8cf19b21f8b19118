package org.pprl.core.harden;

/**
 * SipHash-2-4 (Aumasson and Bernstein 2012), the keyed pseudo-random function for short inputs, and
 * the SplitMix64 sequence used to stretch one of its outputs.
 *
 * <p>Why here. Salted encoding hashes every token of a salted feature under a key that differs per
 * record, so no cache helps, and BLIP draws fresh noise per record: both need a keyed function of a
 * few bytes that costs nanoseconds. HMAC-SHA256 and BLAKE2b cost hundreds. SipHash was designed for
 * exactly this (a 128-bit key, a 64-bit output, secure as a PRF for short messages), and written
 * out on {@code long}s it runs in about 20 ns for a token. Bouncy Castle's {@code SipHash} gives
 * the same values ({@code SipHashTest} checks both against the reference vectors); this one takes a
 * token's {@code char}s without building a byte array.
 *
 * <p>Inputs: {@link #hash(long, long, byte[])} hashes bytes; {@link #hash(long, long, char[], int)}
 * hashes the UTF-16LE bytes of the chars, so both agree on a string's UTF-16LE encoding.
 */
public final class SipHash {
  private SipHash() {}

  /** SipHash-2-4 of {@code data} under the key {@code (k0, k1)} (little-endian halves). */
  public static long hash(long k0, long k1, byte[] data) {
    State s = new State(k0, k1);
    int len = data.length;
    int end = len - (len & 7);
    for (int i = 0; i < end; i += 8) {
      long m = 0;
      for (int b = 7; b >= 0; b--) {
        m = m << 8 | (data[i + b] & 0xFFL);
      }
      s.absorb(m);
    }
    long last = (long) len << 56;
    for (int b = len - 1; b >= end; b--) {
      last |= (data[b] & 0xFFL) << (8 * (b - end));
    }
    return s.finish(last);
  }

  /** SipHash-2-4 of the UTF-16LE bytes of {@code chars[0..len)} under {@code (k0, k1)}. */
  public static long hash(long k0, long k1, char[] chars, int len) {
    State s = new State(k0, k1);
    int end = len - (len & 3);
    for (int i = 0; i < end; i += 4) {
      s.absorb(
          chars[i]
              | (long) chars[i + 1] << 16
              | (long) chars[i + 2] << 32
              | (long) chars[i + 3] << 48);
    }
    long last = (long) (2 * len) << 56;
    for (int i = end; i < len; i++) {
      last |= (long) chars[i] << (16 * (i - end));
    }
    return s.finish(last);
  }

  /** The four state words (short-lived: the JIT keeps them in registers). */
  private static final class State {
    long v0;
    long v1;
    long v2;
    long v3;

    State(long k0, long k1) {
      v0 = 0x736f6d6570736575L ^ k0;
      v1 = 0x646f72616e646f6dL ^ k1;
      v2 = 0x6c7967656e657261L ^ k0;
      v3 = 0x7465646279746573L ^ k1;
    }

    void absorb(long m) {
      v3 ^= m;
      rounds(2);
      v0 ^= m;
    }

    long finish(long last) {
      absorb(last);
      v2 ^= 0xff;
      rounds(4);
      return v0 ^ v1 ^ v2 ^ v3;
    }

    private void rounds(int n) {
      for (int r = 0; r < n; r++) {
        v0 += v1;
        v1 = Long.rotateLeft(v1, 13) ^ v0;
        v0 = Long.rotateLeft(v0, 32);
        v2 += v3;
        v3 = Long.rotateLeft(v3, 16) ^ v2;
        v0 += v3;
        v3 = Long.rotateLeft(v3, 21) ^ v0;
        v2 += v1;
        v1 = Long.rotateLeft(v1, 17) ^ v2;
        v2 = Long.rotateLeft(v2, 32);
      }
    }
  }

  /** The SplitMix64 step: the state after {@code state}. */
  public static long nextState(long state) {
    return state + 0x9E3779B97F4A7C15L;
  }

  /** The SplitMix64 output of a state (Steele, Lea and Flood 2014; the JDK's SplittableRandom). */
  public static long mix(long state) {
    long z = state;
    z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
    z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
    return z ^ (z >>> 31);
  }

  /** The two halves of a 16-byte key, little-endian, as SipHash reads them. */
  public static long[] key(byte[] sixteen) {
    if (sixteen.length < 16) {
      throw new IllegalArgumentException("a SipHash key is 16 bytes, was " + sixteen.length);
    }
    long k0 = 0;
    long k1 = 0;
    for (int b = 7; b >= 0; b--) {
      k0 = k0 << 8 | (sixteen[b] & 0xFFL);
      k1 = k1 << 8 | (sixteen[8 + b] & 0xFFL);
    }
    return new long[] {k0, k1};
  }
}
