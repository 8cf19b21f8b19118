package org.pprl.core.cluster;

import java.util.Arrays;

/**
 * Turns scored candidate links into entities: one-to-one assignment for two extracts, clusters with
 * at most one record per extract for three or more, and unconstrained clusters for de-duplicating
 * one extract.
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
   * their extracts are disjoint, and (b) at least mergeFraction of all record pairs between the
   * two clusters are candidate edges. Rule (b) is what keeps a chain a–b, b–c from pulling c into
   * a's cluster when a and c do not resemble each other: merging on single edges (single linkage)
   * is what makes naive multi-party grouping produce many false links.
   */

  private Clusterer() {}

  /**
   * Chooses a one-to-one subset of the edges, greedily by score.
   *
   * @return indices of the chosen edges, ascending
   */
  public static int[] oneToOne(Edges edges) {
    int records = maxRecord(edges) + 1;
    boolean[] taken = new boolean[records];
    int[] chosen = new int[edges.size()];
    int n = 0;
    for (int k : edges.byScoreDescending()) {
      int x = edges.x(k);
      int y = edges.y(k);
      if (!taken[x] && !taken[y]) {
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
   * Groups records into entities.
   *
   * @param records number of records; every edge's records must be below it
   * @param extractOf each record's extract (0..63), or null for no constraint (de-duplication)
   * @param mergeFraction in (0, 1]: the share of record pairs between two clusters that must be
   *     candidate edges before they merge
   * @throws IllegalArgumentException if an argument is out of range
   */
  public static Clusters cluster(Edges edges, int records, int[] extractOf, double mergeFraction) {
    if (!(mergeFraction > 0 && mergeFraction <= 1)) {
      throw new IllegalArgumentException("mergeFraction must be in (0, 1], was " + mergeFraction);
    }
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
    long[] keys = new long[edges.size()];
    for (int k = 0; k < keys.length; k++) {
      keys[k] = key(edges.x(k), edges.y(k));
    }
    Arrays.sort(keys);

    int[] parent = new int[records];
    int[][] members = new int[records][];
    long[] extracts = new long[records];
    for (int r = 0; r < records; r++) {
      parent[r] = r;
      members[r] = new int[] {r};
      extracts[r] = extractOf == null ? 0 : 1L << extractOf[r];
    }
    for (int k : edges.byScoreDescending()) {
      int rx = find(parent, edges.x(k));
      int ry = find(parent, edges.y(k));
      if (rx == ry || (extracts[rx] & extracts[ry]) != 0) {
        continue;
      }
      if (support(keys, members[rx], members[ry]) < mergeFraction) {
        continue;
      }
      if (members[rx].length < members[ry].length) {
        int t = rx;
        rx = ry;
        ry = t;
      }
      parent[ry] = rx;
      int[] merged = Arrays.copyOf(members[rx], members[rx].length + members[ry].length);
      System.arraycopy(members[ry], 0, merged, members[rx].length, members[ry].length);
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

  /** Share of the record pairs between two clusters that are candidate edges. */
  private static double support(long[] keys, int[] a, int[] b) {
    int found = 0;
    for (int x : a) {
      for (int y : b) {
        if (Arrays.binarySearch(keys, key(x, y)) >= 0) {
          found++;
        }
      }
    }
    return (double) found / ((long) a.length * b.length);
  }

  private static long key(int x, int y) {
    return x < y ? ((long) x << 32) | y : ((long) y << 32) | x;
  }

  private static int find(int[] parent, int x) {
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
