package org.pprl.core.harden;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.BitSet;
import java.util.SplittableRandom;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import org.junit.jupiter.api.Test;
import org.pprl.core.bits.BitFilters;

class HardenTest {
  private static final byte[] SECRET =
      "shared secret of the agencies".getBytes(StandardCharsets.UTF_8);
  private static final byte[] OTHER =
      "shared secret of the agencie5".getBytes(StandardCharsets.UTF_8);

  /** A random filter, as our words and as a {@link BitSet} oracle. */
  private static long[] filter(BitSet oracle, int bits, long seed, double density) {
    SplittableRandom random = new SplittableRandom(seed);
    long[] words = new long[BitFilters.wordCount(bits)];
    for (int i = 0; i < bits; i++) {
      if (random.nextDouble() < density) {
        BitFilters.set(words, i);
        oracle.set(i);
      }
    }
    return words;
  }

  private static long[] toWords(BitSet set, int bits) {
    long[] words = new long[BitFilters.wordCount(bits)];
    for (int i = set.nextSetBit(0); i >= 0; i = set.nextSetBit(i + 1)) {
      assertTrue(i < bits);
      BitFilters.set(words, i);
    }
    return words;
  }

  // ---- XOR folding --------------------------------------------------------------------------

  @Property(tries = 300)
  void xorFold_agreesWithBitSetOracle(
      @ForAll @IntRange(min = 1, max = 1100) int half,
      @ForAll long seed,
      @ForAll @IntRange(min = 0, max = 100) int percent) {
    int bits = 2 * half;
    BitSet oracle = new BitSet();
    long[] words = filter(oracle, bits, seed, percent / 100.0);
    BitSet expected = oracle.get(0, half);
    expected.xor(oracle.get(half, bits));

    long[] folded = XorFold.fold(words, bits);
    BitFilters.checkTail(folded, half); // tail bits stay zero
    assertArrayEquals(toWords(expected, half), folded);
  }

  @Property(tries = 200)
  void xorFold_isLinear(
      @ForAll @IntRange(min = 1, max = 700) int half, @ForAll long seedA, @ForAll long seedB) {
    int bits = 2 * half;
    long[] a = filter(new BitSet(), bits, seedA, 0.3);
    long[] b = filter(new BitSet(), bits, seedB, 0.3);
    long[] ab = new long[a.length];
    for (int k = 0; k < a.length; k++) {
      ab[k] = a[k] ^ b[k];
    }
    long[] fa = XorFold.fold(a, bits);
    long[] fb = XorFold.fold(b, bits);
    long[] fab = XorFold.fold(ab, bits);
    for (int k = 0; k < fab.length; k++) {
      assertEquals(fa[k] ^ fb[k], fab[k]);
    }
  }

  @Property(tries = 100)
  void xorFold_repeated_equalsFoldingTheFoldedFilter(
      @ForAll @IntRange(min = 1, max = 300) int eighth, @ForAll long seed) {
    int bits = 8 * eighth;
    long[] words = filter(new BitSet(), bits, seed, 0.4);
    long[] thrice = XorFold.fold(words, bits, 3);
    long[] stepwise = XorFold.fold(XorFold.fold(XorFold.fold(words, bits), bits / 2), bits / 4);
    assertArrayEquals(stepwise, thrice);
    assertArrayEquals(words, XorFold.fold(words, bits, 0));
  }

  @Test
  void xorFold_clkhashBitOrder_smallExample() {
    // clkhash: bitarray('11000011') folded once is '1100' ^ '0011' = '1111' -> byte 0xF0.
    long[] words = BitFilters.fromClkhashBytes(new byte[] {(byte) 0xC3}, 8);
    long[] folded = XorFold.fold(words, 8);
    assertEquals(4, BitFilters.popcount(folded));
    assertArrayEquals(new byte[] {(byte) 0xF0}, BitFilters.toClkhashBytes(folded, 4));
  }

  @Test
  void xorFold_oddLength_isRefusedWithActualAndExpected() {
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> XorFold.fold(new long[16], 1000, 4));
    assertEquals(
        "cannot XOR-fold a filter of 1000 bits 4 times: the length must be a multiple of 16 (even"
            + " at each fold)",
        e.getMessage());
    assertThrows(IllegalArgumentException.class, () -> XorFold.fold(new long[1], 63));
  }

  @Test
  void xorFold_setTailBit_isRefused() {
    long[] words = {1L << 40};
    assertThrows(IllegalArgumentException.class, () -> XorFold.fold(words, 40));
  }

  // ---- balancing ---------------------------------------------------------------------------

  @Property(tries = 150)
  void balance_popcountIsExactlyBits_andAgreesWithDefinition(
      @ForAll @IntRange(min = 1, max = 1100) int bits,
      @ForAll long seed,
      @ForAll @IntRange(min = 0, max = 100) int percent) {
    BitSet oracle = new BitSet();
    long[] words = filter(oracle, bits, seed, percent / 100.0);
    Balance balance = Balance.create(SECRET, bits);
    long[] out = balance.apply(words);

    assertEquals(2 * bits, balance.outputBits());
    BitFilters.checkTail(out, 2 * bits);
    assertEquals(bits, BitFilters.popcount(out));
    int[] perm = balance.permutation();
    BitSet expected = new BitSet();
    for (int j = 0; j < bits; j++) {
      expected.set(perm[oracle.get(j) ? j : bits + j]);
    }
    assertArrayEquals(toWords(expected, 2 * bits), out);
  }

  @Test
  void balance_permutationIsAPermutation_andDependsOnTheSecret() {
    int[] a = Balance.create(SECRET, 1000).permutation();
    int[] sorted = a.clone();
    Arrays.sort(sorted);
    for (int i = 0; i < sorted.length; i++) {
      assertEquals(i, sorted[i]);
    }
    assertArrayEquals(a, Balance.create(SECRET, 1000).permutation());
    assertFalse(Arrays.equals(a, Balance.create(OTHER, 1000).permutation()));
    int fixed = 0;
    for (int i = 0; i < a.length; i++) {
      fixed += a[i] == i ? 1 : 0;
    }
    assertTrue(fixed < 10, "fixed points: " + fixed); // about 1 expected for a random one
  }

  @Test
  void balance_wrongLength_isRefused() {
    Balance balance = Balance.create(SECRET, 100);
    assertThrows(IllegalArgumentException.class, () -> balance.apply(new long[1]));
    assertThrows(IllegalArgumentException.class, () -> Balance.create(new byte[0], 100));
  }

  // ---- BLIP ---------------------------------------------------------------------------------

  @Property(tries = 100)
  void blip_fNearZero_isIdentity(
      @ForAll @IntRange(min = 1, max = 2100) int bits, @ForAll long seed) {
    long[] words = filter(new BitSet(), bits, seed, 0.3);
    assertArrayEquals(words, Blip.create(SECRET, 1e-12).apply(words, bits, "record-1"));
  }

  @Test
  void blip_sameSecretAndSalt_isDeterministic_otherSaltOrSecretDiffers() {
    int bits = 1024;
    long[] words = filter(new BitSet(), bits, 42, 0.3);
    long[] a = Blip.create(SECRET, 0.2).apply(words, bits, "record-1");
    assertArrayEquals(a, Blip.create(SECRET, 0.2).apply(words, bits, "record-1"));
    assertFalse(Arrays.equals(a, Blip.create(SECRET, 0.2).apply(words, bits, "record-2")));
    assertFalse(Arrays.equals(a, Blip.create(OTHER, 0.2).apply(words, bits, "record-1")));
    assertArrayEquals(filter(new BitSet(), bits, 42, 0.3), words); // input untouched
  }

  @Test
  void blip_flipRate_isWithinToleranceOfHalfF() {
    for (double f : new double[] {0.05, 0.2, 1.0}) {
      Blip blip = Blip.create(SECRET, f);
      int bits = 1000; // not a multiple of 64: tail handling is exercised
      long flipped = 0;
      long total = 0;
      for (int r = 0; r < 200; r++) {
        BitSet oracle = new BitSet();
        long[] words = filter(oracle, bits, r, 0.3);
        long[] out = blip.apply(words, bits, "record-" + r);
        BitFilters.checkTail(out, bits);
        BitSet diff = (BitSet) oracle.clone();
        diff.xor(BitSet.valueOf(out));
        flipped += diff.cardinality();
        total += bits;
      }
      double rate = (double) flipped / total;
      // 200,000 draws: the standard deviation is at most 0.0012, so 0.006 is 5 sigma.
      assertEquals(f / 2, rate, 0.006, "f=" + f);
    }
  }

  @Test
  void blip_epsilon_followsRapporFormula() {
    assertEquals(2 * Math.log(3), Blip.epsilon(0.5, 1), 1e-12);
    assertEquals(2 * 20 * Math.log(0.95 / 0.05), Blip.epsilon(0.1, 20), 1e-9);
    assertEquals(0.0, Blip.epsilon(1.0, 30), 1e-12);
  }

  @Test
  void blip_badParams_areRefused_withoutTheSalt() {
    assertThrows(IllegalArgumentException.class, () -> Blip.create(SECRET, 0));
    assertThrows(IllegalArgumentException.class, () -> Blip.create(SECRET, 1.5));
    assertThrows(IllegalArgumentException.class, () -> Blip.create(SECRET, Double.NaN));
    Blip blip = Blip.create(SECRET, 0.1);
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> blip.apply(new long[3], 100, "1984"));
    assertFalse(e.getMessage().contains("1984"), e.getMessage());
    assertThrows(IllegalArgumentException.class, () -> blip.apply(new long[2], 128, ""));
  }

  // ---- salting ------------------------------------------------------------------------------

  @Test
  void saltedKey_isHmacOfLabelledSalt() throws Exception {
    byte[] featureKey = "feature key".getBytes(StandardCharsets.UTF_8);
    Mac mac = Mac.getInstance("HmacSHA256");
    mac.init(new SecretKeySpec(featureKey, "HmacSHA256"));
    byte[] expected = mac.doFinal("pprl-salt\u00001984".getBytes(StandardCharsets.UTF_8));
    assertArrayEquals(expected, SaltedKey.derive(featureKey, "1984"));
    assertEquals(32, expected.length);
  }

  @Test
  void saltedKey_dependsOnSaltAndKey() {
    byte[] k1 = {1, 2, 3};
    byte[] k2 = {1, 2, 4};
    assertArrayEquals(SaltedKey.derive(k1, "1984"), SaltedKey.derive(k1, "1984"));
    assertNotEquals(
        Arrays.toString(SaltedKey.derive(k1, "1984")),
        Arrays.toString(SaltedKey.derive(k1, "1985")));
    assertNotEquals(
        Arrays.toString(SaltedKey.derive(k1, "1984")),
        Arrays.toString(SaltedKey.derive(k2, "1984")));
  }

  @Test
  void saltedKey_missingSalt_isRefused() {
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> SaltedKey.derive(new byte[] {1}, ""));
    assertEquals(
        "salt is missing: a salted feature needs a value in its salt attribute", e.getMessage());
    assertThrows(IllegalArgumentException.class, () -> SaltedKey.derive(new byte[0], "1984"));
  }

  // ---- keyed stream -------------------------------------------------------------------------

  @Test
  void keyedStream_isAes256CtrKeystream_withZeroCounter() throws Exception {
    byte[] key = new byte[32];
    for (int i = 0; i < key.length; i++) {
      key[i] = (byte) (7 * i + 1);
    }
    // Oracle: ECB-encrypt the counter blocks 0, 1, ... and read the bytes as little-endian ints.
    javax.crypto.Cipher ecb = javax.crypto.Cipher.getInstance("AES/ECB/NoPadding");
    ecb.init(javax.crypto.Cipher.ENCRYPT_MODE, new SecretKeySpec(key, "AES"));
    byte[] counters = new byte[16 * 80];
    for (int block = 0; block < 80; block++) {
      counters[16 * block + 15] = (byte) block;
    }
    java.nio.ByteBuffer expected =
        java.nio.ByteBuffer.wrap(ecb.doFinal(counters)).order(java.nio.ByteOrder.LITTLE_ENDIAN);
    KeyedStream stream = new KeyedStream(key);
    for (int i = 0; i < 16 * 80 / 4; i++) { // crosses the 1 KiB refill
      assertEquals(expected.getInt(), stream.nextInt(), "int " + i);
    }
    // Known answer (FIPS-197 style): AES-256 of the zero block under the zero key.
    KeyedStream zero = new KeyedStream(new byte[32]);
    assertEquals(0x78c095dc, zero.nextInt());
  }

  @Test
  void keyedStream_nextIntBound_staysInRange() {
    KeyedStream stream = new KeyedStream(new byte[32]);
    int[] counts = new int[3];
    for (int i = 0; i < 3000; i++) {
      counts[stream.nextInt(3)]++;
    }
    for (int c : counts) {
      assertTrue(c > 850 && c < 1150, Arrays.toString(counts));
    }
    assertEquals(0, stream.nextInt(1));
  }
}
