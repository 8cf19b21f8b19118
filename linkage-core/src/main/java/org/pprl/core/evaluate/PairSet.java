package org.pprl.core.evaluate;

import java.util.Arrays;

/**
 * A set of unordered pairs of dense record numbers, packed into sorted, distinct longs: compact
 * enough for millions of pairs and compared with one merge pass.
 */
final class PairSet {
  private final long[] keys;

  private PairSet(long[] keys) {
    this.keys = keys;
  }

  int size() {
    return keys.length;
  }

  /** Number of pairs in both sets. */
  long intersectionCount(PairSet other) {
    long[] x = keys;
    long[] y = other.keys;
    int i = 0;
    int j = 0;
    long common = 0;
    while (i < x.length && j < y.length) {
      if (x[i] < y[j]) {
        i++;
      } else if (x[i] > y[j]) {
        j++;
      } else {
        common++;
        i++;
        j++;
      }
    }
    return common;
  }

  /** Calls {@code action} with each pair, smaller record number first. */
  void forEach(PairAction action) {
    for (long key : keys) {
      action.accept((int) (key >>> 32), (int) key);
    }
  }

  interface PairAction {
    void accept(int i, int j);
  }

  PairMetrics against(PairSet truth) {
    long tp = intersectionCount(truth);
    return new PairMetrics(tp, size() - tp, truth.size() - tp);
  }

  /** Collects pairs in any order, with repeats; {@link #build} sorts and removes duplicates. */
  static final class Builder {
    private long[] keys = new long[1024];
    private int size;

    /** Adds the unordered pair {i, j}; a record paired with itself is ignored. */
    Builder add(int i, int j) {
      assert i >= 0 && j >= 0;
      if (i == j) {
        return this;
      }
      long key = i < j ? ((long) i << 32) | j : ((long) j << 32) | i;
      if (size == keys.length) {
        keys = Arrays.copyOf(keys, Math.multiplyExact(size, 2));
      }
      keys[size++] = key;
      return this;
    }

    PairSet build() {
      long[] sorted = Arrays.copyOf(keys, size);
      Arrays.sort(sorted);
      int distinct = 0;
      for (int k = 0; k < sorted.length; k++) {
        if (k == 0 || sorted[k] != sorted[k - 1]) {
          sorted[distinct++] = sorted[k];
        }
      }
      return new PairSet(Arrays.copyOf(sorted, distinct));
    }
  }
}
