package org.pprl.core.bits;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.BitSet;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.Size;
import org.junit.jupiter.api.Test;

class BitFiltersTest {

  /** Builds the same random filter as our words and as a {@link BitSet} oracle. */
  private static long[] filter(BitSet oracle, int bits, long seed, double density) {
    java.util.SplittableRandom random = new java.util.SplittableRandom(seed);
    long[] words = new long[BitFilters.wordCount(bits)];
    for (int i = 0; i < bits; i++) {
      if (random.nextDouble() < density) {
        BitFilters.set(words, i);
        oracle.set(i);
      }
    }
    return words;
  }

  @Property
  void dice_agreesWithBitSetOracle(
      @ForAll @IntRange(min = 1, max = 2100) int bits,
      @ForAll long seedA,
      @ForAll long seedB,
      @ForAll @IntRange(min = 0, max = 100) int percent) {
    BitSet oa = new BitSet();
    BitSet ob = new BitSet();
    long[] a = filter(oa, bits, seedA, percent / 100.0);
    long[] b = filter(ob, bits, seedB, percent / 100.0);
    BitSet both = (BitSet) oa.clone();
    both.and(ob);
    int sum = oa.cardinality() + ob.cardinality();
    double expected = sum == 0 ? 0.0 : 2.0 * both.cardinality() / sum;

    assertEquals(oa.cardinality(), BitFilters.popcount(a));
    assertEquals(both.cardinality(), BitFilters.intersectionCount(a, b));
    assertEquals(expected, BitFilters.dice(a, b), 1e-12);
  }

  @Property
  void clkhashBytes_roundTrip(@ForAll @Size(min = 1, max = 300) byte[] bytes) {
    int bits = bytes.length * 8;
    long[] words = BitFilters.fromClkhashBytes(bytes, bits);
    assertArrayEquals(bytes, BitFilters.toClkhashBytes(words, bits));
  }

  @Test
  void clkhashBytes_firstBitIsMostSignificantBitOfFirstByte() {
    byte[] bytes = new byte[16];
    bytes[0] = (byte) 0x80;
    bytes[15] = 0x01;
    long[] words = BitFilters.fromClkhashBytes(bytes, 128);
    assertEquals(2, BitFilters.popcount(words));
    assertEquals(true, BitFilters.get(words, 0));
    assertEquals(true, BitFilters.get(words, 127));
  }

  @Test
  void fromClkhashBytes_bitPastLength_isRefused() {
    byte[] bytes = {(byte) 0xFF, (byte) 0xFF};
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> BitFilters.fromClkhashBytes(bytes, 12));
    assertEquals("bit 12 is set in a filter of 12 bits", e.getMessage());
  }

  @Test
  void intersectionCount_differentSizes_isRefused() {
    assertThrows(
        IllegalArgumentException.class,
        () -> BitFilters.intersectionCount(new long[16], new long[8]));
  }
}
