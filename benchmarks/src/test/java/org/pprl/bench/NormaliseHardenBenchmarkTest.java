package org.pprl.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.pprl.core.bits.BitFilters;

/** Checks that the benchmarks compute real results on their seeded inputs. */
class NormaliseHardenBenchmarkTest {

  @Test
  void normaliseBenchmark_computesNormalisedValuesAndKeys() {
    NormaliseBenchmark b = new NormaliseBenchmark();
    b.setUp();
    for (int k = 0; k < 64; k++) {
      String folded = b.fold();
      assertEquals(folded, folded.toLowerCase(java.util.Locale.ROOT));
      assertTrue(b.date().matches("\\d{4}-\\d{2}-\\d{2}"));
      assertTrue(b.blockingKeySoundexYear().isPresent());
      assertTrue(b.blockingKeysBeiderMorse().length >= 1);
      assertTrue(!b.name().isEmpty() && !b.nickname().isEmpty());
    }
  }

  @Test
  void hardenBenchmark_keepsInvariants() {
    HardenBenchmark b = new HardenBenchmark();
    b.setUp();
    for (int k = 0; k < 16; k++) {
      BitFilters.checkTail(b.xorFold(), HardenBenchmark.BITS / 2);
      assertEquals(HardenBenchmark.BITS, BitFilters.popcount(b.balance()));
      BitFilters.checkTail(b.blip(), HardenBenchmark.BITS);
      assertEquals(32, b.saltedKey().length);
    }
  }
}
