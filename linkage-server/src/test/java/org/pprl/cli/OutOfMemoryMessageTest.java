package org.pprl.cli;

import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** The line `pprl` prints when the heap ran out names the heap it had and a larger one. */
class OutOfMemoryMessageTest {
  private static final long GIB = 1L << 30;

  @Test
  void outOfMemory_namesTheHeapItHadAndTwiceAsMuch() {
    String large = Pprl.outOfMemory(18 * GIB);
    assertTrue(large.startsWith("pprl: out of memory with a heap of 18.0 GB;"), large);
    assertTrue(large.contains("PPRL_JAVA_OPTS=-Xmx36g"), large);

    // A default heap of a few hundred MB: at least 4 GB to try, never less than it had.
    String small = Pprl.outOfMemory(512L << 20);
    assertTrue(small.contains("a heap of 0.5 GB"), small);
    assertTrue(small.contains("-Xmx4g"), small);
    String odd = Pprl.outOfMemory(5 * GIB + 1);
    assertTrue(odd.contains("-Xmx12g"), odd);
  }
}
