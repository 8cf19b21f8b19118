package org.pprl.core.encode;

import java.util.Arrays;

/**
 * The token cache for short tokens: up to 7 Latin-1 characters packed into one {@code long} key (8
 * bits each, length in the top byte), mapped to a {@code long} of hash data.
 *
 * <p>Why: the FEBRL schema's tokens are bigrams and positional unigrams of 2 to 4 characters, and a
 * look-up per token dominates encoding once MACs are cached. Keys and values sit side by side in
 * one {@code long[]} (open addressing, linear probing), so a hit costs one cache line and no
 * pointer chasing; {@link TokenCache} remains for longer tokens. Bounded: when half the slots are
 * used, or the hasher's storage is full, everything is dropped and refilled from the input (an
 * epoch reset), so memory stays flat for any input.
 */
final class PackedTokenTable {
  private final long[] slots;
  private final int mask;
  private final int shift;
  private int used;

  /** A table of {@code capacity} entries, a power of two of at least 16. */
  PackedTokenTable(int capacity) {
    if (capacity < 16 || Integer.bitCount(capacity) != 1) {
      throw new IllegalArgumentException("capacity must be a power of two >= 16, got " + capacity);
    }
    slots = new long[2 * capacity];
    mask = capacity - 1;
    shift = 64 - Integer.numberOfTrailingZeros(capacity);
  }

  /** Marks a miss in {@link #get}; stored values are never negative. */
  static final long ABSENT = Long.MIN_VALUE;

  /** The packed key of {@code len} (1..7) Latin-1 characters accumulated in {@code chars}. */
  static long key(long chars, int len) {
    assert len >= 1 && len <= 7;
    return (long) len << 56 | chars;
  }

  long get(long key) {
    int i = (int) ((key * 0x9E3779B97F4A7C15L) >>> shift);
    while (true) {
      long k = slots[2 * i];
      if (k == key) {
        return slots[2 * i + 1];
      }
      if (k == 0) {
        return ABSENT;
      }
      i = (i + 1) & mask;
    }
  }

  /** Whether {@link #put} needs a {@link #clear} first. */
  boolean full() {
    return used >= (mask + 1) >>> 1;
  }

  /** Maps {@code key} to {@code value >= 0}; the table must not be {@link #full}. */
  void put(long key, long value) {
    assert value >= 0 && !full();
    int i = (int) ((key * 0x9E3779B97F4A7C15L) >>> shift);
    while (true) {
      long k = slots[2 * i];
      if (k == key) {
        slots[2 * i + 1] = value;
        return;
      }
      if (k == 0) {
        slots[2 * i] = key;
        slots[2 * i + 1] = value;
        used++;
        return;
      }
      i = (i + 1) & mask;
    }
  }

  void clear() {
    Arrays.fill(slots, 0L);
    used = 0;
  }

  /** The token text of a packed key (on a miss, to hash it). */
  static String text(long key) {
    int len = (int) (key >>> 56);
    char[] c = new char[len];
    for (int i = len - 1; i >= 0; i--) {
      c[i] = (char) (key & 0xFF);
      key >>>= 8;
    }
    return new String(c);
  }
}
