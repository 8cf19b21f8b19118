package org.pprl.core.cluster;

/**
 * Scored candidate links between records, in primitive arrays: edge {@code k} joins records {@code
 * x(k)} and {@code y(k)} with similarity {@code score(k)}. Records are dense numbers {@code
 * 0..n-1}.
 */
public final class Edges {
  private final int[] x;
  private final int[] y;
  private final double[] score;

  private Edges(int[] x, int[] y, double[] score) {
    this.x = x;
    this.y = y;
    this.score = score;
  }

  /**
   * Wraps the arrays (not copied; callers must not change them afterwards).
   *
   * @throws IllegalArgumentException if the lengths differ, a record number is negative, or an edge
   *     joins a record to itself
   */
  public static Edges of(int[] x, int[] y, double[] score) {
    if (x.length != y.length || y.length != score.length) {
      throw new IllegalArgumentException(
          "edge arrays differ in length: " + x.length + ", " + y.length + ", " + score.length);
    }
    for (int k = 0; k < x.length; k++) {
      if (x[k] < 0 || y[k] < 0) {
        throw new IllegalArgumentException("edge " + k + ": negative record number");
      }
      if (x[k] == y[k]) {
        throw new IllegalArgumentException("edge " + k + ": joins record " + x[k] + " to itself");
      }
      if (Double.isNaN(score[k])) {
        throw new IllegalArgumentException("edge " + k + ": score is NaN");
      }
    }
    return new Edges(x, y, score);
  }

  public int size() {
    return x.length;
  }

  public int x(int k) {
    return x[k];
  }

  public int y(int k) {
    return y[k];
  }

  public double score(int k) {
    return score[k];
  }

  /**
   * Edge indices from the highest score to the lowest; ties broken by the smaller record number of
   * each edge, then the larger, so the order (and every greedy result built on it) is fully
   * determined by the input.
   */
  int[] byScoreDescending() {
    int[] order = new int[x.length];
    for (int k = 0; k < order.length; k++) {
      order[k] = k;
    }
    // A stable merge sort on primitive indices: millions of edges, no boxing.
    int[] scratch = new int[order.length];
    sort(order, scratch, 0, order.length);
    return order;
  }

  private int compare(int p, int q) {
    int c = Double.compare(score[q], score[p]);
    if (c != 0) {
      return c;
    }
    c = Integer.compare(Math.min(x[p], y[p]), Math.min(x[q], y[q]));
    if (c != 0) {
      return c;
    }
    return Integer.compare(Math.max(x[p], y[p]), Math.max(x[q], y[q]));
  }

  private void sort(int[] a, int[] scratch, int from, int to) {
    if (to - from < 24) {
      for (int i = from + 1; i < to; i++) {
        int v = a[i];
        int j = i - 1;
        while (j >= from && compare(a[j], v) > 0) {
          a[j + 1] = a[j];
          j--;
        }
        a[j + 1] = v;
      }
      return;
    }
    int mid = (from + to) >>> 1;
    sort(a, scratch, from, mid);
    sort(a, scratch, mid, to);
    if (compare(a[mid - 1], a[mid]) <= 0) {
      return;
    }
    System.arraycopy(a, from, scratch, from, to - from);
    int i = from;
    int j = mid;
    for (int k = from; k < to; k++) {
      if (j >= to || (i < mid && compare(scratch[i], scratch[j]) <= 0)) {
        a[k] = scratch[i++];
      } else {
        a[k] = scratch[j++];
      }
    }
  }
}
