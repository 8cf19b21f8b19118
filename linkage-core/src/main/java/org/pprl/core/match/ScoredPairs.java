package org.pprl.core.match;

import java.util.Arrays;

/**
 * Pairs {@code (a, b)} of filter indices with their Dice score, in primitive arrays: what the
 * kernel returns. Sorted by {@code a}, then {@code b}.
 */
public final class ScoredPairs {
  private final int[] a;
  private final int[] b;
  private final double[] score;

  ScoredPairs(int[] a, int[] b, double[] score) {
    assert a.length == b.length && b.length == score.length;
    this.a = a;
    this.b = b;
    this.score = score;
  }

  public int size() {
    return a.length;
  }

  public int a(int k) {
    return a[k];
  }

  public int b(int k) {
    return b[k];
  }

  public double score(int k) {
    return score[k];
  }

  /** A growable buffer that one kernel task appends to; not thread-safe. */
  static class Buffer {
    int[] a = new int[64];
    int[] b = new int[64];
    double[] score = new double[64];
    int size;

    /** Called by the kernel for every pair that reaches the threshold. */
    void add(int i, int j, double s) {
      if (size == a.length) {
        int capacity = Math.multiplyExact(size, 2);
        a = Arrays.copyOf(a, capacity);
        b = Arrays.copyOf(b, capacity);
        score = Arrays.copyOf(score, capacity);
      }
      a[size] = i;
      b[size] = j;
      score[size] = s;
      size++;
    }
  }

  /** Concatenates the buffers and sorts the pairs by {@code (a, b)}. */
  static ScoredPairs merge(Iterable<Buffer> buffers) {
    int total = 0;
    for (Buffer buffer : buffers) {
      total = Math.addExact(total, buffer.size);
    }
    long[] keys = new long[total];
    double[] scores = new double[total];
    int n = 0;
    for (Buffer buffer : buffers) {
      for (int k = 0; k < buffer.size; k++) {
        keys[n] = ((long) buffer.a[k] << 32) | buffer.b[k];
        scores[n] = buffer.score[k];
        n++;
      }
    }
    // Each (a, b) is scored once, so keys are unique and a binary search finds each key's rank.
    long[] sorted = keys.clone();
    Arrays.sort(sorted);
    int[] outA = new int[total];
    int[] outB = new int[total];
    double[] outScore = new double[total];
    for (int k = 0; k < total; k++) {
      int rank = Arrays.binarySearch(sorted, keys[k]);
      outA[rank] = (int) (keys[k] >>> 32);
      outB[rank] = (int) keys[k];
      outScore[rank] = scores[k];
    }
    return new ScoredPairs(outA, outB, outScore);
  }
}
