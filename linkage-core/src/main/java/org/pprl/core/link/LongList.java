package org.pprl.core.link;

import java.util.Arrays;

/** A growable list of longs; {@link #sortedDistinct} gives its values sorted, without repeats. */
final class LongList {
  private long[] values;
  private int size;

  LongList() {
    this(1024);
  }

  /** A list with room for {@code capacity} values before it grows. */
  LongList(int capacity) {
    values = new long[Math.max(16, capacity)];
  }

  void add(long v) {
    if (size == values.length) {
      values = Arrays.copyOf(values, Math.multiplyExact(size, 2));
    }
    values[size++] = v;
  }

  int size() {
    return size;
  }

  /** The values in the order they were added. */
  long[] toArray() {
    return Arrays.copyOf(values, size);
  }

  /**
   * The values sorted, without repeats. Sorts the list's own array in place (no copy when it is
   * full), so the list is empty afterwards.
   */
  long[] sortedDistinct() {
    long[] out = size == values.length ? values : Arrays.copyOf(values, size);
    values = new long[16];
    size = 0;
    return sortedDistinct(out);
  }

  /** {@code values} sorted in place, then without repeats (a copy only when there were any). */
  static long[] sortedDistinct(long[] values) {
    Arrays.sort(values);
    return distinct(values);
  }

  /** Sorted {@code values} without repeats, in place (a copy only when there were any). */
  static long[] distinct(long[] values) {
    int n = 0;
    for (int k = 0; k < values.length; k++) {
      if (k == 0 || values[k] != values[k - 1]) {
        values[n++] = values[k];
      }
    }
    return n == values.length ? values : Arrays.copyOf(values, n);
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
