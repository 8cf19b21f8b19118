package org.pprl.core.link;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

import java.util.SplittableRandom;
import java.util.TreeSet;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import org.pprl.core.cluster.Clusterer;
import org.pprl.core.cluster.Edges;

class OneToOneTest {

  @Property(tries = 300)
  void oneToOne_packedCandidates_equalsClustererOnEdges(
      @ForAll long seed,
      @ForAll @IntRange(min = 1, max = 60) int na,
      @ForAll @IntRange(min = 1, max = 60) int nb,
      @ForAll @IntRange(min = 1, max = 6) int patterns,
      @ForAll boolean same) {
    SplittableRandom random = new SplittableRandom(seed);
    if (same && na < 2) {
      na = 2;
    }
    int second = same ? na : nb;
    TreeSet<Long> set = new TreeSet<>();
    int wanted = 1 + random.nextInt(4 * (na + second));
    for (int t = 0; t < wanted; t++) {
      int i = random.nextInt(na);
      int j = random.nextInt(second);
      if (same) {
        if (i == j) {
          continue;
        }
        set.add(LongList.pair(Math.min(i, j), Math.max(i, j)));
      } else {
        set.add(LongList.pair(i, j));
      }
    }
    long[] pairs = set.stream().mapToLong(Long::longValue).toArray();
    // Few patterns, so that many candidates tie; -0.0 and 0.0 are told apart as Edges does.
    double[] weight = new double[patterns];
    for (int p = 0; p < patterns; p++) {
      weight[p] = random.nextInt(4) == 0 ? (random.nextBoolean() ? 0.0 : -0.0) : random.nextInt(5);
    }
    int[] patternOf = new int[pairs.length];
    for (int k = 0; k < pairs.length; k++) {
      patternOf[k] = random.nextInt(patterns);
    }
    int offset = same ? 0 : na;
    int[] xs = new int[pairs.length];
    int[] ys = new int[pairs.length];
    double[] ws = new double[pairs.length];
    for (int k = 0; k < pairs.length; k++) {
      xs[k] = LongList.first(pairs[k]);
      ys[k] = LongList.second(pairs[k]) + offset;
      ws[k] = weight[patternOf[k]];
    }
    int[] expected = pairs.length == 0 ? new int[0] : Clusterer.oneToOne(Edges.of(xs, ys, ws));
    Scored scored = new Scored(pairs, patternOf, weight, offset);
    assertArrayEquals(expected, Scored.oneToOne(scored, offset + second));
  }
}
