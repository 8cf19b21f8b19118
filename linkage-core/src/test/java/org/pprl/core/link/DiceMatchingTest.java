package org.pprl.core.link;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.SplittableRandom;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import org.junit.jupiter.api.Test;
import org.pprl.core.bits.BitFilters;
import org.pprl.core.extract.ExtractHeader;
import org.pprl.core.match.FilterMatrix;

/** Dice threshold matching on CLKs ({@code Linker.Options.withDiceThreshold}). */
class DiceMatchingTest {
  private static final ExtractHeader HEADER =
      ExtractHeader.builder()
          .schemaFingerprint(new byte[32])
          .agency("x")
          .toolVersion("test")
          .clkBits(256)
          .build();

  /**
   * Records of random 256-bit filters, a third of them noisy copies of a few shared bases, so that
   * many pairs score high and ties and competing partners are common.
   */
  private static Party party(String name, SplittableRandom random, long[][] bases, int n) {
    FilterMatrix.Builder clks = FilterMatrix.builder(256, n);
    String[] ids = new String[n];
    for (int i = 0; i < n; i++) {
      long[] filter = new long[4];
      if (random.nextInt(3) == 0) {
        filter = BitFilters.copy(bases[random.nextInt(bases.length)]);
        for (int flip = random.nextInt(12); flip > 0; flip--) {
          int bit = random.nextInt(256);
          filter[bit >>> 6] ^= 1L << bit;
        }
      } else {
        for (int k = 0; k < 4; k++) {
          filter[k] = random.nextLong() & random.nextLong();
        }
      }
      clks.add(filter);
      ids[i] = name + i;
    }
    return Party.of(name, HEADER, ids, clks.build());
  }

  private static long[][] bases(SplittableRandom random) {
    long[][] bases = new long[4][4];
    for (long[] base : bases) {
      for (int k = 0; k < 4; k++) {
        base[k] = random.nextLong();
      }
    }
    return bases;
  }

  /** Dice threshold matching with the extracts declared free of duplicates (one-to-one). */
  private static Linker linker(double t, int threads) {
    return linker(t, threads, true);
  }

  private static Linker linker(double t, int threads, boolean oneToOne) {
    return new Linker(
        Linker.Options.defaults()
            .withBlocking(Linker.Blocking.NONE)
            .withThreads(threads)
            .withDiceThreshold(t)
            .withOneToOne(oneToOne),
        step -> {});
  }

  /**
   * The oracle: every pair's Dice computed directly, those at or above t taken greedily from the
   * highest Dice down, ties to the smaller (i, j), each record at most once.
   */
  private static List<String> greedy(Party a, Party b, double t, boolean same) {
    List<double[]> edges = new ArrayList<>();
    for (int i = 0; i < a.size(); i++) {
      for (int j = same ? i + 1 : 0; j < b.size(); j++) {
        long[] x = a.clks().filter(i);
        long[] y = b.clks().filter(j);
        int sum = BitFilters.popcount(x) + BitFilters.popcount(y);
        if (sum > 0 && 2.0 * BitFilters.intersectionCount(x, y) >= t * sum) {
          edges.add(new double[] {i, j, BitFilters.dice(x, y)});
        }
      }
    }
    edges.sort(
        (e, f) -> {
          int c = Double.compare(f[2], e[2]);
          if (c != 0) {
            return c;
          }
          c = Double.compare(e[0], f[0]);
          return c != 0 ? c : Double.compare(e[1], f[1]);
        });
    Set<Integer> takenA = new HashSet<>();
    Set<Integer> takenB = new HashSet<>();
    List<String> out = new ArrayList<>();
    for (double[] e : edges) {
      int i = (int) e[0];
      int j = (int) e[1];
      Set<Integer> left = takenA;
      Set<Integer> right = same ? takenA : takenB;
      if (!left.contains(i) && !right.contains(j)) {
        left.add(i);
        right.add(j);
        out.add(i + "," + j + "," + e[2]);
      }
    }
    out.sort(null);
    return out;
  }

  private static List<String> listed(Linker.Result result) {
    List<String> out = new ArrayList<>();
    for (Linker.Link l : result.links()) {
      out.add(l.i() + "," + l.j() + "," + l.score());
    }
    out.sort(null);
    return out;
  }

  @Property(tries = 30)
  void twoParties_linksAreTheGreedyOneToOneAssignmentOfPairsAtTheThreshold(
      @ForAll long seed,
      @ForAll @IntRange(min = 50, max = 95) int percent,
      @ForAll @IntRange(min = 1, max = 2) int threads) {
    SplittableRandom random = new SplittableRandom(seed);
    long[][] bases = bases(random);
    Party a = party("a", random, bases, 60);
    Party b = party("b", random, bases, 80);
    double t = percent / 100.0;

    Linker.Result result = linker(t, threads).link(List.of(a, b));

    assertEquals(greedy(a, b, t, false), listed(result));
    assertEquals(a.size() + b.size(), result.clusters().clusterOf().length);
    assertEquals(60L * 80, result.comparisons());
    // No model, no estimates: nothing to qualify.
    assertFalse(result.report().contains(Linker.MISSED_CAVEAT));
  }

  @Property(tries = 20)
  void oneParty_linksPairsOfDistinctRecordsOnceEach(
      @ForAll long seed, @ForAll @IntRange(min = 60, max = 95) int percent) {
    SplittableRandom random = new SplittableRandom(seed);
    Party a = party("a", random, bases(random), 70);
    double t = percent / 100.0;

    Linker.Result result = linker(t, 1).link(List.of(a));

    assertEquals(greedy(a, a, t, true), listed(result));
    for (Linker.Link l : result.links()) {
      assertTrue(l.i() < l.j(), "pair " + l.i() + "," + l.j());
    }
    assertNotNull(result.clusters());
  }

  @Property(tries = 20)
  void byDefault_linksAreEveryPairInsideAnEntity_andNoEntityIsBelowTheThresholdOnAverage(
      @ForAll long seed, @ForAll @IntRange(min = 60, max = 95) int percent) {
    SplittableRandom random = new SplittableRandom(seed);
    long[][] bases = bases(random);
    List<Party> parties = List.of(party("a", random, bases, 40), party("b", random, bases, 40));
    double t = percent / 100.0;

    Linker.Result result = linker(t, 1, false).link(parties);

    // The oracle: records numbered a then b; each entity's pairs, and their Dice computed here.
    int[] clusterOf = result.clusters().clusterOf();
    List<String> expected = new ArrayList<>();
    double[] sum = new double[result.clusters().count()];
    for (int x = 0; x < 80; x++) {
      for (int y = x + 1; y < 80; y++) {
        if (clusterOf[x] != clusterOf[y]) {
          continue;
        }
        Party px = parties.get(x / 40);
        Party py = parties.get(y / 40);
        double dice = BitFilters.dice(px.clks().filter(x % 40), py.clks().filter(y % 40));
        sum[clusterOf[x]] += dice - t;
        expected.add(x / 40 + "," + x % 40 + "," + y / 40 + "," + y % 40 + "," + dice);
      }
    }
    List<String> listed = new ArrayList<>();
    for (Linker.Link l : result.links()) {
      listed.add(l.a() + "," + l.i() + "," + l.b() + "," + l.j() + "," + l.score());
    }
    expected.sort(null);
    listed.sort(null);
    // Every pair inside an entity was compared (all pairs are, without blocking), so each has
    // its Dice as the score.
    assertEquals(expected, listed);
    for (double s : sum) {
      assertTrue(s >= -1e-9, "an entity below the threshold on average: " + s);
    }
  }

  @Test
  void threeParties_clustersHoldAtMostOneRecordPerParty() {
    SplittableRandom random = new SplittableRandom(5);
    long[][] bases = bases(random);
    List<Party> parties =
        List.of(
            party("a", random, bases, 40),
            party("b", random, bases, 40),
            party("c", random, bases, 40));

    Linker.Result result = linker(0.8, 2).link(parties);

    assertEquals(3, result.candidates().size());
    assertTrue(!result.links().isEmpty());
    Entities entities = Entities.of(result, parties);
    for (int e = 0; e < entities.count(); e++) {
      Set<Integer> seen = new HashSet<>();
      for (int k = entities.start(e); k < entities.end(e); k++) {
        assertTrue(seen.add(entities.party(k)), "entity " + e + " has two records of one party");
      }
    }
  }

  @Test
  void thresholdTooLowForTheData_isRefusedNamingThePair() {
    SplittableRandom random = new SplittableRandom(9);
    long[][] bases = bases(random);
    Party a = party("a", random, bases, 50);
    Party b = party("b", random, bases, 50);
    Linker linker =
        new Linker(
            Linker.Options.defaults()
                .withBlocking(Linker.Blocking.NONE)
                .withDiceThreshold(0.01)
                .withMaxDicePairs(100),
            step -> {});

    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> linker.link(List.of(a, b)));

    // Inside extract a is searched first, unless the extracts are declared free of duplicates.
    assertEquals("a: more than 100 pairs reach Dice 0.01; raise the threshold", e.getMessage());
  }

  @Test
  void knownLinks_areRefused() {
    SplittableRandom random = new SplittableRandom(3);
    long[][] bases = bases(random);
    List<Party> parties = List.of(party("a", random, bases, 5), party("b", random, bases, 5));

    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class,
            () -> linker(0.8, 1).link(parties, List.of(new Linker.KnownLink(0, 0, 1, 0))));

    assertTrue(e.getMessage().contains("Dice threshold matching"), e.getMessage());
  }

  @Test
  void thresholdOutOfRange_isRefused() {
    assertThrows(IllegalArgumentException.class, () -> linker(1.5, 1));
    assertThrows(IllegalArgumentException.class, () -> linker(-0.1, 1));
  }
}
