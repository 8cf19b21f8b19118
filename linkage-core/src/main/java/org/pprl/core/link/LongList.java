package org.pprl.core.link;

import java.util.Arrays;

/** A growable list of longs; {@link #sortedDistinct} gives its values sorted, without repeats. */
final class LongList {
  private long[] values = new long[1024];
  private int size;

  void add(long v) {
    if (size == values.length) {
      values = Arrays.copyOf(values, Math.multiplyExact(size, 2));
    }
    values[size++] = v;
  }

  int size() {
    return size;
  }

  long[] sortedDistinct() {
    long[] out = Arrays.copyOf(values, size);
    Arrays.sort(out);
    int n = 0;
    for (int k = 0; k < out.length; k++) {
      if (k == 0 || out[k] != out[k - 1]) {
        out[n++] = out[k];
      }
    }
    return Arrays.copyOf(out, n);
  }

  /** A pair of record numbers packed into one long, first in the high half. */
  static long pair(int i, int j) {
    return ((long) i << 32) | (j & 0xFFFFFFFFL);
  }

  static int first(long pair) {
    return (int) (pair >>> 32);
  }

  static int second(long pair) {
    return (int) pair;
  }
}
