package org.pprl.core.encode;

import java.util.Arrays;

/**
 * A bounded map from a token's characters to its hash data ({@code int[]}), looked up without
 * allocating.
 *
 * <p>Why: tokens repeat heavily across records (a few hundred bigrams cover most names), and a
 * token's hash costs one or two MACs, so caching turns encoding into table look-ups. Design: a
 * two-way set-associative table of {@code capacity} slots. A token may live in slot {@code h} or
 * {@code h ^ 1}; a new entry goes to slot {@code h} and the entry there moves to {@code h ^ 1},
 * evicting what was there. Memory is therefore bounded by capacity, whatever the input size. Not
 * thread-safe: each encoding thread owns its caches.
 */
final class TokenCache {
  private final char[][] keys;
  private final int[][] values;
  private final int mask;

  /** A cache of {@code capacity} slots, a power of two of at least 2. */
  TokenCache(int capacity) {
    if (capacity < 2 || Integer.bitCount(capacity) != 1) {
      throw new IllegalArgumentException("capacity must be a power of two >= 2, got " + capacity);
    }
    keys = new char[capacity][];
    values = new int[capacity][];
    mask = capacity - 1;
  }

  static int hash(char[] token, int len) {
    int h = len;
    for (int i = 0; i < len; i++) {
      h = 31 * h + token[i];
    }
    // Short tokens have small, clustered polynomial hashes (bigrams differ by 1 in their last
    // character): spread them over the whole table with a Fibonacci multiply before masking.
    h *= 0x9E3779B9;
    return h ^ (h >>> 15);
  }

  /** The value cached for {@code token[0..len)}, or {@code null}. */
  int[] get(char[] token, int len, int hash) {
    int a = hash & mask;
    if (matches(keys[a], token, len)) {
      return values[a];
    }
    int b = a ^ 1;
    if (matches(keys[b], token, len)) {
      return values[b];
    }
    return null;
  }

  /** Caches {@code value} for {@code token[0..len)}, replacing an entry for the same token. */
  void put(char[] token, int len, int hash, int[] value) {
    int a = hash & mask;
    int b = a ^ 1;
    if (matches(keys[a], token, len)) {
      values[a] = value;
      return;
    }
    if (matches(keys[b], token, len)) {
      values[b] = value;
      return;
    }
    keys[b] = keys[a];
    values[b] = values[a];
    keys[a] = Arrays.copyOf(token, len);
    values[a] = value;
  }

  private static boolean matches(char[] key, char[] token, int len) {
    if (key == null || key.length != len) {
      return false;
    }
    for (int i = 0; i < len; i++) {
      if (key[i] != token[i]) {
        return false;
      }
    }
    return true;
  }
}
