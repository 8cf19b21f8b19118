package org.pprl.core.encode;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.pprl.core.bits.BitFilters;

class SaltedTokensTest {
  private static final byte[] KEY = "feature key".getBytes(StandardCharsets.UTF_8);

  private static long[] encode(SaltedTokens t, String salt, String token, int k, int bits) {
    long[] words = new long[BitFilters.wordCount(bits)];
    t.salt(salt);
    t.add(token.toCharArray(), token.length(), k, words);
    return words;
  }

  @ParameterizedTest
  @ValueSource(ints = {1024, 1000, 64})
  void add_sameSaltSameBits_otherSaltOtherBits_allInsideTheFilter(int bits) {
    SaltedTokens t = new SaltedTokens(KEY, bits);
    long[] a = encode(t, "1990-01-01", "an", 20, bits);
    long[] again = encode(t, "1990-01-01", "an", 20, bits);
    long[] otherSalt = encode(t, "1990-01-02", "an", 20, bits);
    long[] otherToken = encode(t, "1990-01-01", "na", 20, bits);

    assertArrayEquals(a, again);
    assertFalse(Arrays.equals(a, otherSalt));
    assertFalse(Arrays.equals(a, otherToken));
    BitFilters.checkTail(a, bits);
    int set = BitFilters.popcount(a);
    assertTrue(set > 0 && set <= 20, "popcount " + set);
  }

  @ParameterizedTest
  @ValueSource(ints = {1024, 1000})
  void add_positionsAreSpreadEvenly(int bits) {
    SaltedTokens t = new SaltedTokens(KEY, bits);
    int[] hits = new int[bits];
    for (int r = 0; r < 4000; r++) {
      long[] words = encode(t, "salt " + r, "ab", 50, bits);
      for (int i = 0; i < bits; i++) {
        if (BitFilters.get(words, i)) {
          hits[i]++;
        }
      }
    }
    // About 4000 * 50 / bits draws per position (a few fewer for repeats within a record).
    double mean = Arrays.stream(hits).average().orElse(0);
    for (int i = 0; i < bits; i++) {
      assertTrue(Math.abs(hits[i] - mean) < 6 * Math.sqrt(mean), "position " + i + ": " + hits[i]);
    }
    assertEquals(4000.0 * 50 / bits, mean, 0.05 * mean);
  }
}
