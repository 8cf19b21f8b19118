package org.pprl.core.harden;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.charset.StandardCharsets;
import java.util.SplittableRandom;
import org.bouncycastle.crypto.params.KeyParameter;
import org.junit.jupiter.api.Test;

class SipHashTest {
  private static byte[] sequence(int n) {
    byte[] b = new byte[n];
    for (int i = 0; i < n; i++) {
      b[i] = (byte) i;
    }
    return b;
  }

  @Test
  void hash_referenceVectors() {
    // The reference implementation's vectors: key 00..0f, messages 00..(n-1).
    long[] key = SipHash.key(sequence(16));
    assertEquals(0x726fdb47dd0e0e31L, SipHash.hash(key[0], key[1], new byte[0]));
    assertEquals(0xa129ca6149be45e5L, SipHash.hash(key[0], key[1], sequence(15)));
  }

  @Test
  void hash_agreesWithBouncyCastle_onBytesAndOnUtf16Chars() {
    SplittableRandom random = new SplittableRandom(1);
    for (int t = 0; t < 500; t++) {
      byte[] k = new byte[16];
      random.nextBytes(k);
      char[] chars = new char[random.nextInt(12)];
      for (int i = 0; i < chars.length; i++) {
        chars[i] = (char) random.nextInt(0x3000);
      }
      byte[] bytes = new String(chars).getBytes(StandardCharsets.UTF_16LE);
      org.bouncycastle.crypto.macs.SipHash bc = new org.bouncycastle.crypto.macs.SipHash(2, 4);
      bc.init(new KeyParameter(k));
      bc.update(bytes, 0, bytes.length);
      long expected = bc.doFinal();
      long[] key = SipHash.key(k);

      assertEquals(expected, SipHash.hash(key[0], key[1], bytes));
      assertEquals(expected, SipHash.hash(key[0], key[1], chars, chars.length));
    }
  }

  @Test
  void mix_isSplittableRandomsSequence() {
    // SplittableRandom(seed).nextLong() is mix(seed + gamma): the documented SplitMix64.
    long seed = 42;
    SplittableRandom jdk = new SplittableRandom(seed);
    long state = seed;
    for (int i = 0; i < 5; i++) {
      state = SipHash.nextState(state);
      assertEquals(jdk.nextLong(), SipHash.mix(state));
    }
  }
}
