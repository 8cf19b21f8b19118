package org.pprl.core.disclose;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;
import org.junit.jupiter.api.Test;

class RecordKeysTest {

  private static byte[] secret(long seed) {
    byte[] s = new byte[32];
    SplittableRandom random = new SplittableRandom(seed);
    for (int i = 0; i < s.length; i++) {
      s[i] = (byte) random.nextInt(256);
    }
    return s;
  }

  @Provide
  Arbitrary<String> ids() {
    return Arbitraries.strings().ofMinLength(0).ofMaxLength(20);
  }

  @Provide
  Arbitrary<String> agencies() {
    return Arbitraries.strings().ofMinLength(1).ofMaxLength(12).filter(a -> a.indexOf('\0') < 0);
  }

  @Test
  void of_shortSecret_throwsNamingLengthNotBytes() {
    byte[] s = new byte[31];
    Arrays.fill(s, (byte) 0x5A);
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> RecordKeys.of(s));
    assertEquals("secret is 31 bytes, expected at least 32", e.getMessage());
  }

  @Test
  void of_callerChangesSecretAfterwards_keysUnchanged() {
    byte[] s = secret(1);
    RecordKeys keys = RecordKeys.of(s);
    long before = keys.key("hospital", "A-17");
    Arrays.fill(s, (byte) 0);
    assertEquals(before, keys.key("hospital", "A-17"));
    assertEquals(before, RecordKeys.of(secret(1)).key("hospital", "A-17"));
  }

  @Property(tries = 300, seed = "4101")
  void key_sameSecret_isDeterministic(
      @ForAll("agencies") String agency, @ForAll("ids") String id, @ForAll long seed) {
    RecordKeys a = RecordKeys.of(secret(seed));
    RecordKeys b = RecordKeys.of(secret(seed));
    assertEquals(a.key(agency, id), b.key(agency, id));
    assertEquals(a.rank(agency, id), b.rank(agency, id));
    assertEquals(a.key(agency, id), a.key(agency, id));
  }

  @Property(tries = 300, seed = "4102")
  void key_differentSecret_differs(
      @ForAll("agencies") String agency, @ForAll("ids") String id, @ForAll long seed) {
    RecordKeys a = RecordKeys.of(secret(seed));
    RecordKeys b = RecordKeys.of(secret(seed + 1));
    // Equal 64-bit outputs under different secrets have probability 2^-64 per try.
    assertNotEquals(a.key(agency, id), b.key(agency, id));
    assertNotEquals(a.rank(agency, id), b.rank(agency, id));
  }

  @Property(tries = 300, seed = "4103")
  void rank_sameRecord_differsFromKey(
      @ForAll("agencies") String agency, @ForAll("ids") String id, @ForAll long seed) {
    RecordKeys keys = RecordKeys.of(secret(seed));
    assertNotEquals(keys.rank(agency, id), keys.key(agency, id));
  }

  @Property(tries = 200, seed = "4104")
  void key_anyRecord_isFirst8BytesOfHmacOfLabelAgencyAndId(
      @ForAll("agencies") String agency, @ForAll("ids") String id, @ForAll long seed)
      throws Exception {
    byte[] s = secret(seed);
    RecordKeys keys = RecordKeys.of(s);
    assertEquals(oracle(s, "key", agency, id), keys.key(agency, id));
    assertEquals(oracle(s, "rank", agency, id), keys.rank(agency, id));
  }

  /** HMAC-SHA256 of the documented message, computed here from scratch. */
  private static long oracle(byte[] secret, String label, String agency, String id)
      throws Exception {
    ByteArrayOutputStream message = new ByteArrayOutputStream();
    message.write(label.getBytes(StandardCharsets.UTF_8));
    message.write(0);
    message.write(agency.getBytes(StandardCharsets.UTF_8));
    message.write(0);
    message.write(id.getBytes(StandardCharsets.UTF_8));
    Mac mac = Mac.getInstance("HmacSHA256");
    mac.init(new SecretKeySpec(secret, "HmacSHA256"));
    return ByteBuffer.wrap(mac.doFinal(message.toByteArray())).getLong();
  }

  @Test
  void key_agencyAndIdSwapped_differs() {
    RecordKeys keys = RecordKeys.of(secret(2));
    assertNotEquals(keys.key("a", "b"), keys.key("b", "a"));
    assertNotEquals(keys.key("ab", "c"), keys.key("a", "bc"));
  }

  @Test
  void key_agencyWithNul_throwsWithoutTheName() {
    RecordKeys keys = RecordKeys.of(secret(3));
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> keys.key("secret\0agency", "7"));
    assertFalse(e.getMessage().contains("secret"), e.getMessage());
    assertThrows(IllegalArgumentException.class, () -> keys.rank("\0", "7"));
    // The id is last in the message, so a NUL in it is unambiguous and allowed.
    assertNotEquals(keys.key("a", "x\0y"), keys.key("a", "x"));
  }

  @Test
  void key_tenThousandIds_everyBitIsBalanced() {
    RecordKeys keys = RecordKeys.of(secret(4));
    int n = 10_000;
    int[] ones = new int[64];
    int[] rankOnes = new int[64];
    for (int i = 0; i < n; i++) {
      long k = keys.key("registry", Integer.toString(i));
      long r = keys.rank("registry", Integer.toString(i));
      for (int b = 0; b < 64; b++) {
        ones[b] += (int) ((k >>> b) & 1);
        rankOnes[b] += (int) ((r >>> b) & 1);
      }
    }
    // Each mean has standard deviation 0.005; 0.03 is six of them.
    for (int b = 0; b < 64; b++) {
      assertEquals(0.5, (double) ones[b] / n, 0.03, "key bit " + b);
      assertEquals(0.5, (double) rankOnes[b] / n, 0.03, "rank bit " + b);
    }
  }

  @Test
  void key_manyThreads_agreeWithOneThread() throws Exception {
    RecordKeys keys = RecordKeys.of(secret(5));
    int n = 2_000;
    long[] expected = new long[n];
    for (int i = 0; i < n; i++) {
      expected[i] = keys.key("clinic", "id" + i) ^ keys.rank("clinic", "id" + i);
    }
    ExecutorService pool = Executors.newFixedThreadPool(8);
    try {
      List<Future<long[]>> results = new ArrayList<>();
      for (int t = 0; t < 8; t++) {
        results.add(
            pool.submit(
                () -> {
                  long[] got = new long[n];
                  for (int i = 0; i < n; i++) {
                    got[i] = keys.key("clinic", "id" + i) ^ keys.rank("clinic", "id" + i);
                  }
                  return got;
                }));
      }
      for (Future<long[]> f : results) {
        assertTrue(Arrays.equals(expected, f.get()));
      }
    } finally {
      pool.shutdownNow();
    }
  }

  @Test
  void personKey_rankNegativeAsSigned_picksMinimumUnsigned() {
    // As signed numbers -1 and MIN_VALUE are the smallest; as unsigned they are the largest.
    long[] ranks = {-1L, 5L, Long.MIN_VALUE, 7L};
    long[] keys = {100L, 200L, 300L, 400L};
    assertEquals(200L, RecordKeys.personKey(ranks, keys, 0, 4)); // signed order would give 300
    // Unsigned, MIN_VALUE is 2^63 and -1 is 2^64 - 1.
    assertEquals(
        300L,
        RecordKeys.personKey(new long[] {-1L, Long.MIN_VALUE}, new long[] {100L, 300L}, 0, 2));
  }

  @Test
  void personKey_equalRanks_picksSmallerKeyUnsigned() {
    long[] ranks = {9L, 3L, 3L, 3L};
    long[] keys = {1L, -5L, 42L, Long.MIN_VALUE};
    assertEquals(42L, RecordKeys.personKey(ranks, keys, 0, 4));
  }

  @Test
  void personKey_subRange_looksOnlyInsideIt() {
    long[] ranks = {1L, 50L, 40L, 2L};
    long[] keys = {10L, 20L, 30L, 40L};
    assertEquals(30L, RecordKeys.personKey(ranks, keys, 1, 3));
    assertEquals(20L, RecordKeys.personKey(ranks, keys, 1, 2));
  }

  @Test
  void personKey_emptyOrOutsideRange_throws() {
    long[] a = {1L, 2L};
    assertThrows(IllegalArgumentException.class, () -> RecordKeys.personKey(a, a, 1, 1));
    assertThrows(IndexOutOfBoundsException.class, () -> RecordKeys.personKey(a, a, 1, 3));
    assertThrows(IndexOutOfBoundsException.class, () -> RecordKeys.personKey(a, new long[1], 0, 2));
  }

  @Property(tries = 300, seed = "4105")
  void personKey_recordAddedOrOtherDropped_keepsKeyUnlessChosenGoes(
      @ForAll @IntRange(min = 1, max = 8) int size, @ForAll long seed) {
    RecordKeys keys = RecordKeys.of(secret(6));
    SplittableRandom random = new SplittableRandom(seed);
    long[] ranks = new long[size + 1];
    long[] ks = new long[size + 1];
    for (int m = 0; m <= size; m++) {
      String id = Long.toHexString(random.nextLong());
      ranks[m] = keys.rank("agency", id);
      ks[m] = keys.key("agency", id);
    }
    long before = RecordKeys.personKey(ranks, ks, 0, size);
    long after = RecordKeys.personKey(ranks, ks, 0, size + 1); // one record added
    boolean newIsChosen = Long.compareUnsigned(ranks[size], minRankUnsigned(ranks, size)) < 0;
    assertEquals(newIsChosen ? ks[size] : before, after);
    // Dropping any record other than the chosen one keeps the key.
    for (int drop = 0; drop < size; drop++) {
      if (ks[drop] == before || size == 1) {
        continue;
      }
      long[] r2 = new long[size - 1];
      long[] k2 = new long[size - 1];
      for (int m = 0, n = 0; m < size; m++) {
        if (m != drop) {
          r2[n] = ranks[m];
          k2[n++] = ks[m];
        }
      }
      assertEquals(before, RecordKeys.personKey(r2, k2, 0, size - 1));
    }
  }

  private static long minRankUnsigned(long[] ranks, int size) {
    long min = ranks[0];
    for (int m = 1; m < size; m++) {
      if (Long.compareUnsigned(ranks[m], min) < 0) {
        min = ranks[m];
      }
    }
    return min;
  }

  @Test
  void personKey_entitiesOfFive_topBitStaysBalancedUnlikeMinimumKey() {
    RecordKeys keys = RecordKeys.of(secret(7));
    int persons = 10_000;
    int chosenTop = 0;
    int minTop = 0;
    long[] ranks = new long[5];
    long[] ks = new long[5];
    for (int p = 0; p < persons; p++) {
      long minKey = -1L; // the largest unsigned number
      for (int m = 0; m < 5; m++) {
        String id = p + "-" + m;
        ranks[m] = keys.rank("agency", id);
        ks[m] = keys.key("agency", id);
        if (Long.compareUnsigned(ks[m], minKey) < 0) {
          minKey = ks[m];
        }
      }
      chosenTop += (int) (RecordKeys.personKey(ranks, ks, 0, 5) >>> 63);
      minTop += (int) (minKey >>> 63);
    }
    assertEquals(0.5, (double) chosenTop / persons, 0.03);
    // The minimum of five keys has its top bit set with probability 2^-5 = 0.031.
    assertEquals(1.0 / 32, (double) minTop / persons, 0.01);
  }
}
