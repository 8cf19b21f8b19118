package org.pprl.bench;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.pprl.core.bits.BitFilters;
import org.pprl.core.encode.ClkEncoder;

/** The benchmark measures the real thing: its setup and one operation give the encoder's answer. */
class EncodeBenchmarkTest {

  @Test
  void encodeRecord_afterSetup_equalsDirectEncoding() throws Exception {
    EncodeBenchmark b = new EncodeBenchmark();
    b.rows = 1000;
    b.setup();
    ClkEncoder direct = new ClkEncoder(EncodeBenchmark.febrlSchema(), EncodeBenchmark.SECRET);
    for (int i = 0; i < 1500; i++) {
      long[] expected = direct.encode(b.data[i % b.rows], i % b.rows);
      long[] actual = b.encodeRecord().clone();
      assertArrayEquals(expected, actual, "row " + i);
      int bits = BitFilters.popcount(actual);
      // 1000+ insertions into 1024 bits: a FEBRL CLK is dense but never full.
      assertTrue(bits > 300 && bits < 1000, "popcount " + bits);
    }
  }

  @Test
  void generate_sameSeed_sameRows_andMatchesFebrlHeader() {
    String[][] a = FebrlLikeRows.generate(50, 1);
    String[][] c = FebrlLikeRows.generate(50, 1);
    for (int i = 0; i < a.length; i++) {
      assertArrayEquals(a[i], c[i]);
      assertEquals(FebrlLikeRows.HEADER.length, a[i].length);
    }
  }
}
