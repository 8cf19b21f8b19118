package org.pprl.core.encode;

import java.util.List;
import org.pprl.core.schema.Comparison;
import org.pprl.core.schema.FeatureSpec;
import org.pprl.core.schema.HashFunction;
import org.pprl.core.schema.Strategy;

/**
 * Tokenizes one feature's formatted value and sets its bits, for one thread.
 *
 * <p>Hot path: n-grams are built into a reusable {@code char[]} and looked up in the {@link
 * TokenCache} without allocating; only a cache miss builds a {@code String}, encodes it and runs
 * the MACs. The token sequence equals {@link Comparison#tokens} (a test checks this against the
 * reference), including positional prefixes and the {@code n - 1} spaces of padding.
 */
final class FeatureEncoder {
  /** Cache slots per feature and thread; a power of two. Bounds memory whatever the input. */
  static final int CACHE_SLOTS = 1 << 14;

  private final Comparison comparison;
  private final Strategy strategy;
  private final TokenHasher hasher;
  private final TokenCache cache;
  private final PackedTokenTable packed;
  private final int n;
  private final boolean positional;
  private char[] token = new char[64];

  /** The record's salt while {@link #add(String, String, long[])} runs; null when unsalted. */
  private String salt;

  private final SaltedTokens salted;

  private int[] cps = new int[64];

  FeatureEncoder(FeatureSpec spec, byte[][] keys, int hashBits, int cacheSlots) {
    this.comparison = spec.comparison();
    this.strategy = spec.strategy();
    HashFunction h = spec.hashFunction();
    this.hasher =
        h == HashFunction.BLAKE_HASH
            ? new TokenHasher.Blake(hashBits, spec.encoding(), keys[0])
            : new TokenHasher.DoubleHash(
                hashBits,
                spec.encoding(),
                keys[0],
                keys[1],
                h == HashFunction.DOUBLE_HASH_NON_SINGULAR);
    this.salted = new SaltedTokens(keys[0], hashBits);
    this.cache = new TokenCache(cacheSlots);
    this.packed = new PackedTokenTable(cacheSlots);
    if (comparison instanceof Comparison.Ngram) {
      Comparison.Ngram ngram = (Comparison.Ngram) comparison;
      this.n = ngram.n();
      this.positional = ngram.positional();
    } else {
      this.n = 0;
      this.positional = false;
    }
  }

  /**
   * Sets the bits of {@code value} (already formatted) in {@code words}.
   *
   * @throws IllegalArgumentException if a numeric comparison cannot read the value (the message has
   *     no value in it)
   */
  void add(String value, long[] words) {
    if (value.isEmpty()) {
      return;
    }
    if (n > 0) {
      addNgrams(value, words);
    } else if (comparison instanceof Comparison.Exact) {
      int len = value.length();
      ensureToken(len);
      value.getChars(0, len, token, 0);
      addToken(len, strategy.bitsFor(0, 1), words);
    } else {
      List<String> tokens = comparison.tokens(value);
      int count = tokens.size();
      for (int j = 0; j < count; j++) {
        String t = tokens.get(j);
        ensureToken(t.length());
        t.getChars(0, t.length(), token, 0);
        addToken(t.length(), strategy.bitsFor(j, count), words);
      }
    }
  }

  private void addNgrams(String value, long[] words) {
    int pad = n - 1;
    int len = value.length();
    if (cps.length < len + 2 * pad) {
      cps = new int[len + 2 * pad + 16];
    }
    int m = 0;
    for (int i = 0; i < pad; i++) {
      cps[m++] = ' ';
    }
    for (int i = 0; i < len; ) {
      int cp = value.codePointAt(i);
      cps[m++] = cp;
      i += Character.charCount(cp);
    }
    for (int i = 0; i < pad; i++) {
      cps[m++] = ' ';
    }
    int count = m - n + 1;
    ensureToken(12 + 2 * n);
    for (int j = 0; j < count; j++) {
      int k = strategy.bitsFor(j, count);
      if (k == 0) {
        continue;
      }
      int t = 0;
      if (positional) {
        t = writeDecimal(j + 1);
        token[t++] = ' ';
      }
      for (int i = j; i < j + n; i++) {
        int cp = cps[i];
        if (cp < Character.MIN_SUPPLEMENTARY_CODE_POINT) {
          token[t++] = (char) cp;
        } else {
          token[t++] = Character.highSurrogate(cp);
          token[t++] = Character.lowSurrogate(cp);
        }
      }
      addToken(t, k, words);
    }
  }

  /** Writes {@code v > 0} in decimal at the start of {@link #token}; returns its length. */
  private int writeDecimal(int v) {
    int digits = v < 10 ? 1 : v < 100 ? 2 : v < 1000 ? 3 : (int) Math.log10(v) + 1;
    for (int i = digits - 1; i >= 0; i--) {
      token[i] = (char) ('0' + v % 10);
      v /= 10;
    }
    return digits;
  }

  private void ensureToken(int len) {
    if (token.length < len) {
      token = new char[Math.max(len, 2 * token.length)];
    }
  }

  /**
   * As {@link #add(String, long[])}, with every token hashed by {@link SaltedTokens} under the
   * record's {@code salt}: records with different salts get unrelated bits (salting with a stable
   * attribute).
   */
  void add(String value, String salt, long[] words) {
    this.salt = salt == null || salt.isEmpty() ? null : salt;
    if (this.salt != null) {
      salted.salt(this.salt);
    }
    try {
      add(value, words);
    } finally {
      this.salt = null;
    }
  }

  private void addToken(int len, int k, long[] words) {
    if (k == 0) {
      return;
    }
    if (salt != null) {
      salted.add(token, len, k, words);
      return;
    }
    if (len <= 7) {
      long chars = 0;
      int i = 0;
      for (; i < len; i++) {
        char c = token[i];
        if (c > 0xFF) {
          break;
        }
        chars = chars << 8 | c;
      }
      if (i == len) {
        addPacked(PackedTokenTable.key(chars, len), k, words);
        return;
      }
    }
    int hash = TokenCache.hash(token, len);
    int[] data = cache.get(token, len, hash);
    if (data == null || !hasher.covers(data, k)) {
      data = hasher.compute(new String(token, 0, len), k);
      cache.put(token, len, hash, data);
    }
    hasher.apply(data, k, words);
  }

  private void addPacked(long key, int k, long[] words) {
    long stored = packed.get(key);
    if (stored == PackedTokenTable.ABSENT || !hasher.coversStored(stored, k)) {
      int[] data = hasher.compute(PackedTokenTable.text(key), k);
      stored = packed.full() ? TokenHasher.FULL : hasher.store(data);
      if (stored == TokenHasher.FULL) {
        packed.clear();
        hasher.clearStored();
        stored = hasher.store(data);
      }
      packed.put(key, stored);
    }
    hasher.applyStored(stored, k, words);
  }
}
