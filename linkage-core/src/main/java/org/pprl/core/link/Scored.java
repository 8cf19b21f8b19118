package org.pprl.core.link;

import java.util.Arrays;

/**
 * The candidate pairs of one pair of parties as weighted edges between records numbered across both
 * parties (the second party's after the first's), computed on demand from the packed pairs and
 * their patterns rather than held as two int arrays and a double array.
 */
final class Scored {
  private final long[] pairs;
  private final int[] patternOf;
  private final double[] patternWeight;
  private final int offset;

  Scored(long[] pairs, int[] patternOf, double[] patternWeight, int offset) {
    assert pairs.length == patternOf.length;
    this.pairs = pairs;
    this.patternOf = patternOf;
    this.patternWeight = patternWeight;
    this.offset = offset;
  }

  int size() {
    return pairs.length;
  }

  int x(int k) {
    return LongList.first(pairs[k]);
  }

  int y(int k) {
    return LongList.second(pairs[k]) + offset;
  }

  double weight(int k) {
    return patternWeight[patternOf[k]];
  }

  /**
   * Candidate numbers by weight descending, ties in candidate order: a counting sort over the
   * patterns' weights (a candidate's weight is its pattern's), stable, so one int per candidate.
   * Candidates are sorted by (x, y) and x < y, so this is the order of Clusterer's edges.
   */
  int[] byWeightDescending() {
    double[] distinct = patternWeight.clone();
    Arrays.sort(distinct); // Double.compare's order, as Edges uses
    int d = 0;
    for (int i = 0; i < distinct.length; i++) {
      if (i == 0 || Double.compare(distinct[i], distinct[d - 1]) != 0) {
        distinct[d++] = distinct[i];
      }
    }
    int[] rank = new int[patternWeight.length]; // 0 for the largest weight
    for (int p = 0; p < rank.length; p++) {
      rank[p] = d - 1 - Arrays.binarySearch(distinct, 0, d, patternWeight[p]);
    }
    int[] start = new int[d + 1];
    for (int k = 0; k < pairs.length; k++) {
      if (Double.isNaN(patternWeight[patternOf[k]])) {
        throw new IllegalStateException("candidate " + k + ": match weight is NaN");
      }
      start[rank[patternOf[k]] + 1]++;
    }
    for (int r = 0; r < d; r++) {
      start[r + 1] += start[r];
    }
    int[] order = new int[pairs.length];
    for (int k = 0; k < pairs.length; k++) {
      order[start[rank[patternOf[k]]]++] = k;
    }
    return order;
  }

  /**
   * Greedy one-to-one assignment by weight, as {@link Clusterer#oneToOne} on the same edges, with
   * records numbered below {@code records}: the chosen candidate numbers, ascending.
   */
  static int[] oneToOne(Scored s, int records) {
    return org.pprl.core.cluster.Clusterer.oneToOne(s.byWeightDescending(), s::x, s::y, records);
  }

  /** The prior among assigned pairs: EM on lambda alone, m and u fixed (their weights given). */
  static double assignedPrior(int[] chosen, Scored s) {
    if (chosen.length == 0) {
      return 0.5;
    }
    double lambda = 0.5;
    for (int iteration = 0; iteration < 500; iteration++) {
      double logPrior = Math.log(lambda / (1 - lambda));
      double sum = 0;
      for (int k : chosen) {
        sum += 1 / (1 + Math.exp(-(s.weight(k) * Math.log(2) + logPrior)));
      }
      double next = Math.min(1 - 1e-6, Math.max(1e-6, sum / chosen.length));
      if (Math.abs(next - lambda) < 1e-9) {
        return next;
      }
      lambda = next;
    }
    return lambda;
  }
}
