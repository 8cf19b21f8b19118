package org.pprl.core.cluster;

import java.util.Arrays;

/**
 * Turns scored candidate links into entities: one-to-one assignment of two extracts' records, and
 * clusters of any size by average linkage, with or without at most one record per extract.
 */
public final class Clusterer {
  /*
   * Both methods are greedy over edges from the highest score down, in the fully determined order
   * of Edges.byScoreDescending, so the same input always gives the same output.
   *
   * One-to-one takes an edge when neither record is taken yet: the "greedy solver" of anonlink
   * (Hall & Fienberg's "greedy best-first" assignment). It is maximal, and every edge it leaves
   * out meets a taken edge of at least its score at one end; on these inputs that is the property
   * that matters, because a maximum-weight assignment trades one strong link for two weaker ones.
   *
   * Clustering merges the clusters at the two ends of an edge only when (a) with a constraint,
   * their extracts are disjoint, and (b) the mean margin over all record pairs between the two
   * clusters is at least 0: average linkage cut where single pairs are cut. Rule (b) is what
   * keeps a chain a–b, b–c from pulling c into a's cluster when a and c do not resemble each
   * other: merging on single edges (single linkage) is what makes naive multi-party grouping
   * produce many false links. An earlier rule counted only whether the pairs between two
   * clusters were candidates (at least half of them); it could not tell a strong "no" between
   * two records from a pair that was never compared, and records of one extract, which were
   * never compared with each other, could not join one entity at all.
   */

  private Clusterer() {}

  /**
   * Chooses a one-to-one subset of the edges, greedily by score.
   *
   * @return indices of the chosen edges, ascending
   */
  public static int[] oneToOne(Edges edges) {
    return oneToOne(edges.byScoreDescending(), edges::x, edges::y, maxRecord(edges) + 1);
  }

  /**
   * The greedy one-to-one assignment over edges given by their ends, taken in {@code order}
   * (strongest first): an edge is chosen when neither of its records, numbered below {@code
   * records}, is taken yet.
   *
   * @return the chosen edge numbers, ascending
   */
  public static int[] oneToOne(
      int[] order,
      java.util.function.IntUnaryOperator first,
      java.util.function.IntUnaryOperator second,
      int records) {
    boolean[] taken = new boolean[records];
    int[] chosen = new int[Math.min(order.length, records / 2 + 1)];
    int n = 0;
    for (int k : order) {
      int x = first.applyAsInt(k);
      int y = second.applyAsInt(k);
      if (x != y && !taken[x] && !taken[y]) {
        taken[x] = true;
        taken[y] = true;
        chosen[n++] = k;
      }
    }
    int[] out = Arrays.copyOf(chosen, n);
    Arrays.sort(out);
    return out;
  }

  /**
   * A pair's evidence beyond the decision's cut: the match weight (or score) of records {@code x}
   * and {@code y} less the cut that applies to them, so that a pair alone would be linked exactly
   * when its margin is at least 0. Defined for every pair of records, compared or not.
   */
  @FunctionalInterface
  public interface Margin {
    double of(int x, int y);
  }

  /**
   * Groups records into entities of any size: greedy average linkage over the linked pairs.
   *
   * <p>Edges are the pairs whose margin is at least 0, scored by it. From the highest score down,
   * the clusters at an edge's two ends merge when the mean margin over <em>every</em> record pair
   * between them is at least 0 (and, with a constraint, their extracts are disjoint). A chain a–b,
   * b–c therefore pulls c into a's entity only when a and c are not evidence against it, however
   * strong each link is alone: single linkage (connected components) is what turns a few false
   * links into large false entities.
   *
   * @param records number of records; every edge's records must be below it
   * @param extractOf each record's extract (0..63), for at most one record per extract in an
   *     entity, or null for no constraint
   * @param margin the margin of any pair of records, evaluated for the pairs between two clusters
   *     before they merge (|X|·|Y| evaluations)
   * @throws IllegalArgumentException if an argument is out of range
   */
  public static Clusters cluster(Edges edges, int records, int[] extractOf, Margin margin) {
    if (edges.size() > 0 && maxRecord(edges) >= records) {
      throw new IllegalArgumentException(
          "an edge names record " + maxRecord(edges) + " but there are " + records);
    }
    if (extractOf != null) {
      if (extractOf.length != records) {
        throw new IllegalArgumentException(
            "extractOf has " + extractOf.length + " entries, expected " + records);
      }
      for (int e : extractOf) {
        if (e < 0 || e > 63) {
          throw new IllegalArgumentException("extract numbers must be in 0..63, found " + e);
        }
      }
    }
    int[] parent = new int[records];
    int[][] members = new int[records][];
    long[] extracts = new long[records];
    for (int r = 0; r < records; r++) {
      parent[r] = r;
      extracts[r] = extractOf == null ? 0 : 1L << extractOf[r];
    }
    for (int k : edges.byScoreDescending()) {
      if (!(edges.score(k) >= 0)) {
        break; // below the cut: no pair here would be linked alone
      }
      int rx = find(parent, edges.x(k));
      int ry = find(parent, edges.y(k));
      if (rx == ry || (extracts[rx] & extracts[ry]) != 0) {
        continue;
      }
      int[] a = members[rx] == null ? new int[] {rx} : members[rx];
      int[] b = members[ry] == null ? new int[] {ry} : members[ry];
      if (a.length * (long) b.length > 1 && meanMargin(margin, a, b) < 0) {
        continue;
      }
      if (a.length < b.length) {
        int t = rx;
        rx = ry;
        ry = t;
        int[] u = a;
        a = b;
        b = u;
      }
      parent[ry] = rx;
      int[] merged = Arrays.copyOf(a, a.length + b.length);
      System.arraycopy(b, 0, merged, a.length, b.length);
      members[rx] = merged;
      members[ry] = null;
      extracts[rx] |= extracts[ry];
    }
    // Number clusters in order of their smallest record, so numbering depends only on the result.
    int[] clusterOf = new int[records];
    int[] numberOfRoot = new int[records];
    Arrays.fill(numberOfRoot, -1);
    int count = 0;
    for (int r = 0; r < records; r++) {
      int root = find(parent, r);
      if (numberOfRoot[root] < 0) {
        numberOfRoot[root] = count++;
      }
      clusterOf[r] = numberOfRoot[root];
    }
    return new Clusters(clusterOf, count);
  }

  /** Mean margin over all record pairs between two clusters. */
  private static double meanMargin(Margin margin, int[] a, int[] b) {
    double sum = 0;
    for (int x : a) {
      for (int y : b) {
        sum += margin.of(x, y);
      }
    }
    return sum / ((double) a.length * b.length);
  }

  /**
   * The root of x in a union-find forest ({@code parent[r] == r} at a root), halving the path on
   * the way.
   */
  public static int find(int[] parent, int x) {
    while (parent[x] != x) {
      parent[x] = parent[parent[x]];
      x = parent[x];
    }
    return x;
  }

  private static int maxRecord(Edges edges) {
    int max = -1;
    for (int k = 0; k < edges.size(); k++) {
      max = Math.max(max, Math.max(edges.x(k), edges.y(k)));
    }
    return max;
  }
}
