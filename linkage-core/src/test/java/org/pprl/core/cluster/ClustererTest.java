package org.pprl.core.cluster;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
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

  @Test
  void cluster_chainWithoutSupport_staysApartAtAStrictFraction() {
    // Records 0, 1, 2 in extracts 0, 1, 2; 0-1 and 1-2 are candidates, 0-2 is not.
    Edges chain = Edges.of(new int[] {0, 1}, new int[] {1, 2}, new double[] {0.9, 0.85});
    int[] extractOf = {0, 1, 2};

    Clusters half = Clusterer.cluster(chain, 3, extractOf, 0.5);
    Clusters strict = Clusterer.cluster(chain, 3, extractOf, 0.6);

    assertEquals(1, half.count());
    assertArrayEquals(new int[] {0, 0, 1}, strict.clusterOf());
  }

  @Test
  void cluster_sameExtractTwice_isNeverMerged() {
    // 0 and 2 are both extract 0; both resemble 1.
    Edges edges = Edges.of(new int[] {0, 2}, new int[] {1, 1}, new double[] {0.9, 0.95});
    Clusters clusters = Clusterer.cluster(edges, 3, new int[] {0, 1, 0}, 0.5);
    assertArrayEquals(new int[] {0, 1, 1}, clusters.clusterOf());
  }

  @Test
  void cluster_withoutConstraint_deduplicatesOneExtract() {
    Edges edges =
        Edges.of(new int[] {0, 1, 0, 3}, new int[] {1, 2, 2, 4}, new double[] {0.9, 0.9, 0.9, 0.7});
    Clusters clusters = Clusterer.cluster(edges, 6, null, 0.5);
    assertArrayEquals(new int[] {0, 0, 0, 1, 1, 2}, clusters.clusterOf());
    assertArrayEquals(new int[] {3, 2, 1}, clusters.sizes());
  }

  @Property(tries = 100)
  void cluster_isIndependentOfEdgeOrderAndKeepsOneRecordPerExtract(
      @ForAll long seed,
      @ForAll @IntRange(min = 2, max = 30) int records,
      @ForAll @IntRange(min = 0, max = 80) int m) {
    Random random = new Random(seed);
    int[] extractOf = new int[records];
    for (int r = 0; r < records; r++) {
      extractOf[r] = random.nextInt(4);
    }
    List<int[]> pairs = new ArrayList<>();
    Set<Long> seen = new HashSet<>();
    for (int k = 0; k < m; k++) {
      int x = random.nextInt(records);
      int y = random.nextInt(records);
      if (x != y && seen.add((long) Math.min(x, y) * 1000 + Math.max(x, y))) {
        pairs.add(new int[] {x, y, random.nextInt(5)});
      }
    }
    Edges edges = toEdges(pairs);
    Collections.shuffle(pairs, random);
    Edges shuffled = toEdges(pairs);

    Clusters clusters = Clusterer.cluster(edges, records, extractOf, 0.5);

    assertArrayEquals(
        clusters.clusterOf(), Clusterer.cluster(shuffled, records, extractOf, 0.5).clusterOf());
    Set<String> seenExtract = new HashSet<>();
    for (int r = 0; r < records; r++) {
      assertTrue(
          seenExtract.add(clusters.clusterOf()[r] + "/" + extractOf[r]),
          "two records of one extract");
    }
  }

  private static Edges toEdges(List<int[]> pairs) {
    return Edges.of(
        pairs.stream().mapToInt(p -> p[0]).toArray(),
        pairs.stream().mapToInt(p -> p[1]).toArray(),
        pairs.stream().mapToDouble(p -> 0.5 + p[2] / 10.0).toArray());
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
  void cluster_fractionOutOfRange_isRefused() {
    Edges none = Edges.of(new int[0], new int[0], new double[0]);
    assertThrows(IllegalArgumentException.class, () -> Clusterer.cluster(none, 1, null, 0));
    assertNotEquals(0, Clusterer.cluster(none, 1, null, 1).count());
  }
}
