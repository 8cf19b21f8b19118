package org.pprl.core.cluster;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import org.junit.jupiter.api.Test;

class ClustererTest {

  /** Random bipartite edges between records 0..n-1 and n..2n-1 with distinct scores. */
  private static Edges bipartite(Random random, int n, int m) {
    Set<Long> seen = new HashSet<>();
    List<int[]> pairs = new ArrayList<>();
    while (pairs.size() < m && seen.size() < n * n) {
      int x = random.nextInt(n);
      int y = n + random.nextInt(n);
      if (seen.add((long) x * 1000 + y)) {
        pairs.add(new int[] {x, y});
      }
    }
    List<Double> scores = new ArrayList<>();
    for (int k = 0; k < pairs.size(); k++) {
      scores.add(0.5 + 0.5 * (k + 1) / (pairs.size() + 1.0));
    }
    Collections.shuffle(scores, random);
    int[] xs = pairs.stream().mapToInt(p -> p[0]).toArray();
    int[] ys = pairs.stream().mapToInt(p -> p[1]).toArray();
    double[] ss = scores.stream().mapToDouble(Double::doubleValue).toArray();
    return Edges.of(xs, ys, ss);
  }

  /** Scores of a set of edges, highest first: greedy maximises this vector lexicographically. */
  private static double[] descendingScores(Edges edges, int[] chosen) {
    double[] s = new double[chosen.length];
    for (int i = 0; i < chosen.length; i++) {
      s[i] = -edges.score(chosen[i]);
    }
    Arrays.sort(s);
    for (int i = 0; i < s.length; i++) {
      s[i] = -s[i];
    }
    return s;
  }

  private static int compareLex(double[] a, double[] b) {
    for (int i = 0; i < Math.min(a.length, b.length); i++) {
      int c = Double.compare(a[i], b[i]);
      if (c != 0) {
        return c;
      }
    }
    return Integer.compare(a.length, b.length);
  }

  /** Brute force: the best score vector over every one-to-one subset of the edges. */
  private static double[] bestByEnumeration(Edges edges) {
    double[] best = new double[0];
    for (int mask = 0; mask < 1 << edges.size(); mask++) {
      Set<Integer> used = new HashSet<>();
      List<Integer> chosen = new ArrayList<>();
      boolean ok = true;
      for (int k = 0; k < edges.size() && ok; k++) {
        if ((mask & (1 << k)) != 0) {
          ok = used.add(edges.x(k)) && used.add(edges.y(k));
          chosen.add(k);
        }
      }
      if (ok) {
        double[] s = descendingScores(edges, chosen.stream().mapToInt(Integer::intValue).toArray());
        if (compareLex(s, best) > 0) {
          best = s;
        }
      }
    }
    return best;
  }

  @Property(tries = 200)
  void oneToOne_matchesTheBruteForceGreedyOptimum(
      @ForAll long seed,
      @ForAll @IntRange(min = 1, max = 5) int n,
      @ForAll @IntRange(min = 0, max = 12) int m) {
    Edges edges = bipartite(new Random(seed), n, m);

    int[] chosen = Clusterer.oneToOne(edges);

    Set<Integer> used = new HashSet<>();
    for (int k : chosen) {
      assertTrue(used.add(edges.x(k)) && used.add(edges.y(k)), "a record is linked twice");
    }
    assertArrayEquals(bestByEnumeration(edges), descendingScores(edges, chosen));
  }

  @Test
  void oneToOne_prefersTheStrongLinkOverTwoWeakerOnes() {
    // a=0, d=1 in one extract; b=2, c=3 in the other.
    Edges edges = Edges.of(new int[] {0, 0, 1}, new int[] {2, 3, 2}, new double[] {0.95, 0.8, 0.8});
    assertArrayEquals(new int[] {0}, Clusterer.oneToOne(edges));
  }

  /** Margins from a symmetric table; the edges are the pairs with a margin of at least 0. */
  private static Edges positive(double[][] margin) {
    List<int[]> pairs = new ArrayList<>();
    List<Double> scores = new ArrayList<>();
    for (int x = 0; x < margin.length; x++) {
      for (int y = x + 1; y < margin.length; y++) {
        if (margin[x][y] >= 0) {
          pairs.add(new int[] {x, y});
          scores.add(margin[x][y]);
        }
      }
    }
    return Edges.of(
        pairs.stream().mapToInt(p -> p[0]).toArray(),
        pairs.stream().mapToInt(p -> p[1]).toArray(),
        scores.stream().mapToDouble(Double::doubleValue).toArray());
  }

  private static double[][] symmetric(int n, double... upper) {
    double[][] m = new double[n][n];
    int k = 0;
    for (int x = 0; x < n; x++) {
      for (int y = x + 1; y < n; y++) {
        m[x][y] = upper[k];
        m[y][x] = upper[k++];
      }
    }
    return m;
  }

  @Test
  void cluster_chainWhoseEndsDisagree_staysApart() {
    // 0-1 and 1-2 are links on their own; 0 and 2 are strong evidence against each other.
    double[][] m = symmetric(3, 2.0, -5.0, 1.5);
    Clusters clusters = Clusterer.cluster(positive(m), 3, null, (x, y) -> m[x][y]);
    assertArrayEquals(new int[] {0, 0, 1}, clusters.clusterOf());
  }

  @Test
  void cluster_chainWhoseEndsMildlyDisagree_joinsOnTheMean() {
    // (1.5 - 1.0) / 2 >= 0: the third record joins although 0-2 alone would not be linked.
    double[][] m = symmetric(3, 2.0, -1.0, 1.5);
    Clusters clusters = Clusterer.cluster(positive(m), 3, null, (x, y) -> m[x][y]);
    assertArrayEquals(new int[] {0, 0, 0}, clusters.clusterOf());
  }

  @Test
  void cluster_sameExtractTwice_isNeverMergedUnderTheConstraint() {
    // 0 and 2 are both extract 0; both resemble 1 and each other.
    double[][] m = symmetric(3, 1.0, 3.0, 2.0);
    Clusters clusters = Clusterer.cluster(positive(m), 3, new int[] {0, 1, 0}, (x, y) -> m[x][y]);
    assertArrayEquals(new int[] {0, 1, 1}, clusters.clusterOf());
    Clusters free = Clusterer.cluster(positive(m), 3, null, (x, y) -> m[x][y]);
    assertEquals(1, free.count());
  }

  @Test
  void cluster_withoutConstraint_formsEntitiesOfAnySize() {
    // Records 0..3 are one person (every pair above the cut but one), 4-5 another, 6 alone.
    double[][] m = new double[7][7];
    for (double[] row : m) {
      Arrays.fill(row, -4);
    }
    for (int x = 0; x < 4; x++) {
      for (int y = 0; y < 4; y++) {
        m[x][y] = 3;
      }
    }
    m[0][3] = -0.5;
    m[3][0] = -0.5;
    m[4][5] = 1;
    m[5][4] = 1;
    Clusters clusters = Clusterer.cluster(positive(m), 7, null, (x, y) -> m[x][y]);
    assertArrayEquals(new int[] {0, 0, 0, 0, 1, 1, 2}, clusters.clusterOf());
    assertArrayEquals(new int[] {4, 2, 1}, clusters.sizes());
  }

  @Property(tries = 100)
  void cluster_isIndependentOfEdgeOrder_keepsOneRecordPerExtract_andNoEntityIsAgainstItself(
      @ForAll long seed, @ForAll @IntRange(min = 2, max = 30) int records) {
    Random random = new Random(seed);
    int[] extractOf = new int[records];
    for (int r = 0; r < records; r++) {
      extractOf[r] = random.nextInt(4);
    }
    double[][] m = new double[records][records];
    for (int x = 0; x < records; x++) {
      for (int y = x + 1; y < records; y++) {
        m[x][y] = random.nextInt(9) - 6; // mostly against, some for
        m[y][x] = m[x][y];
      }
    }
    Edges edges = positive(m);
    List<Integer> order = new ArrayList<>();
    for (int k = 0; k < edges.size(); k++) {
      order.add(k);
    }
    Collections.shuffle(order, random);
    Edges shuffled =
        Edges.of(
            order.stream().mapToInt(edges::x).toArray(),
            order.stream().mapToInt(edges::y).toArray(),
            order.stream().mapToDouble(edges::score).toArray());

    for (int[] constraint : new int[][] {extractOf, null}) {
      Clusters clusters = Clusterer.cluster(edges, records, constraint, (x, y) -> m[x][y]);
      assertArrayEquals(
          clusters.clusterOf(),
          Clusterer.cluster(shuffled, records, constraint, (x, y) -> m[x][y]).clusterOf());
      double[] sum = new double[clusters.count()];
      Set<String> seenExtract = new HashSet<>();
      for (int x = 0; x < records; x++) {
        if (constraint != null) {
          assertTrue(
              seenExtract.add(clusters.clusterOf()[x] + "/" + extractOf[x]),
              "two records of one extract");
        }
        for (int y = x + 1; y < records; y++) {
          if (clusters.clusterOf()[x] == clusters.clusterOf()[y]) {
            sum[clusters.clusterOf()[x]] += m[x][y];
          }
        }
      }
      for (int c = 0; c < sum.length; c++) {
        assertTrue(sum[c] >= 0, "entity " + c + " has a negative mean margin inside: " + sum[c]);
      }
    }
  }

  @Test
  void edges_selfLoop_isRefused() {
    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class,
            () -> Edges.of(new int[] {3}, new int[] {3}, new double[] {1}));
    assertEquals("edge 0: joins record 3 to itself", e.getMessage());
  }

  @Test
  void cluster_edgeBeyondTheRecords_isRefused() {
    Edges one = Edges.of(new int[] {0}, new int[] {5}, new double[] {1});
    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class, () -> Clusterer.cluster(one, 3, null, (x, y) -> 1));
    assertEquals("an edge names record 5 but there are 3", e.getMessage());
  }
}
