package org.pprl.core.link;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.pprl.core.bits.BitFilters;
import org.pprl.core.cluster.Clusters;
import org.pprl.core.extract.ExtractHeader;
import org.pprl.core.match.FilterMatrix;

/** Step 6 on its own: entities from decisions, and every pair inside them. */
class GroupingTest {
  /** A header for parties of 64-bit CLKs built in memory. */
  static final ExtractHeader HEADER =
      ExtractHeader.builder()
          .schemaFingerprint(new byte[32])
          .agency("x")
          .toolVersion("test")
          .clkBits(64)
          .build();

  private static Party party(String name, long... clks) {
    FilterMatrix.Builder b = FilterMatrix.builder(64, clks.length);
    String[] ids = new String[clks.length];
    for (int i = 0; i < clks.length; i++) {
      b.add(new long[] {clks[i]});
      ids[i] = name + i;
    }
    return Party.of(name, HEADER, ids, b.build());
  }

  /**
   * Dice decisions at threshold t over every pair of the two parties (each pair once inside one).
   */
  private static Decided dice(List<Party> parties, int p, int q, double t) {
    List<Long> pairs = new ArrayList<>();
    List<Double> scores = new ArrayList<>();
    Party a = parties.get(p);
    Party b = parties.get(q);
    for (int i = 0; i < a.size(); i++) {
      for (int j = p == q ? i + 1 : 0; j < b.size(); j++) {
        pairs.add(LongList.pair(i, j));
        scores.add(BitFilters.dice(a.clks().filter(i), b.clks().filter(j)));
      }
    }
    Decided d =
        new Decided.Dice(
            p,
            q,
            pairs.stream().mapToLong(Long::longValue).toArray(),
            scores.stream().mapToDouble(Double::doubleValue).toArray(),
            t);
    d.edges = Decided.atOrAbove(d, null);
    return d;
  }

  // a0 and b0 are one filter, a1 lacks one of its 16 bits; a2 and b1 are strangers.
  private final List<Party> parties =
      List.of(party("a", 0xFFFFL, 0xFFFEL, 0xFFFF_0000L), party("b", 0xFFFFL, 0xFF_0000_0000L));

  private List<Decided> decisions() {
    return List.of(dice(parties, 0, 0, 0.8), dice(parties, 0, 1, 0.8), dice(parties, 1, 1, 0.8));
  }

  @Test
  void offsetsAndPartyOf_numberRecordsPartyByParty() {
    int[] offset = Grouping.offsets(parties);
    assertArrayEquals(new int[] {0, 3, 5}, offset);
    assertArrayEquals(
        new int[] {0, 0, 0, 1, 1},
        new int[] {
          Grouping.partyOf(offset, 0),
          Grouping.partyOf(offset, 1),
          Grouping.partyOf(offset, 2),
          Grouping.partyOf(offset, 3),
          Grouping.partyOf(offset, 4)
        });
  }

  @Test
  void linksOf_listsEveryPairInsideAnEntity_inPartyPairThenRecordOrder_withItsScore() {
    int[] offset = Grouping.offsets(parties);
    Clusters clusters = Grouping.cluster(parties, offset, decisions(), false, 1, s -> {});

    // Records a0 a1 a2 b0 b1: {a0, a1, b0}, {a2}, {b1}.
    assertArrayEquals(new int[] {0, 0, 1, 0, 2}, clusters.clusterOf());
    List<Linker.Link> links = Grouping.linksOf(parties, offset, clusters, decisions());
    assertEquals(
        List.of(
            new Linker.Link(0, 0, 0, 1, 30.0 / 31),
            new Linker.Link(0, 0, 1, 0, 1.0),
            new Linker.Link(0, 1, 1, 0, 30.0 / 31)),
        links);
  }

  @Test
  void cluster_oneToOne_keepsOneRecordOfEachExtractInAnEntity() {
    int[] offset = Grouping.offsets(parties);
    Clusters clusters = Grouping.cluster(parties, offset, decisions(), true, 2, s -> {});

    // a0-b0 is the strongest link; a1 cannot join a0 under the constraint.
    assertArrayEquals(new int[] {0, 1, 2, 0, 3}, clusters.clusterOf());
    assertEquals(
        List.of(new Linker.Link(0, 0, 1, 0, 1.0)),
        Grouping.linksOf(parties, offset, clusters, decisions()));
  }

  @Test
  void keptApart_movesLinksTheEntitiesSplitFromFalseKeptToMissed_andSaysSo() {
    Party a = party("a", 1, 2, 3, 4);
    List<Party> one = List.of(a);
    int[] offset = Grouping.offsets(one);
    // Three links on their own: a0-a1 (pattern 0, posterior 0.9), a0-a2 and a2-a3 (pattern 1, 0.4).
    long[] pairs = {LongList.pair(0, 1), LongList.pair(0, 2), LongList.pair(2, 3)};
    PairModel model = new PairModel(FieldGroups.none(0), 0, levels -> 1);
    Decided.Model d =
        new Decided.Model(0, 0, pairs, new int[] {0, 1, 1}, new double[] {2, 1}, model, 0, 0);
    d.edges = new int[] {0, 1, 2};
    d.duplicateByPattern = new double[] {0.9, 0.4};
    d.cut = Linker.Cut.inside(0, 0, 0, 3.0, 0.1 + 0.6 + 0.6, 0.9 + 0.4 + 0.4);
    // The entities: {a0, a1} and {a2, a3}; a0-a2 is kept apart.
    Clusters clusters = new Clusters(new int[] {0, 0, 1, 1}, 2);
    List<String> report = new ArrayList<>();

    Grouping.keptApart(one, offset, clusters, List.of(d), report);

    assertEquals(1.3 - 0.6, d.cut.expectedFalse(), 1e-12);
    assertEquals(3.0 - 1.7 + 0.4, d.cut.expectedMissed(), 1e-12);
    assertEquals(3.0, d.cut.estimatedMatches(), 0);
    assertEquals(
        List.of(
            "a: the entities keep 1 of its 3 links on their own apart (about 1 of them false);"
                + " after them about 1 false links kept, 2 duplicates missed"),
        report);

    // Entities that keep every link change nothing and say nothing.
    Linker.Cut before = d.cut;
    report.clear();
    Grouping.keptApart(one, offset, new Clusters(new int[] {0, 0, 0, 0}, 1), List.of(d), report);
    assertEquals(before, d.cut);
    assertEquals(List.of(), report);
  }
}
