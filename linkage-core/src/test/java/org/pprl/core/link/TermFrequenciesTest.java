package org.pprl.core.link;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.pprl.core.match.FilterMatrix;

class TermFrequenciesTest {
  /** A party whose one field holds these 64-bit filters (0: missing). */
  private static Party party(String name, long... values) {
    FilterMatrix.Builder clks = FilterMatrix.builder(64, values.length);
    FilterMatrix.Builder field = FilterMatrix.builder(64, values.length);
    String[] ids = new String[values.length];
    for (int i = 0; i < values.length; i++) {
      ids[i] = name + i;
      clks.add(new long[] {1L << i});
      field.add(new long[] {values[i]});
    }
    return Party.of(name, GroupingTest.HEADER, ids, clks.build(), field.build());
  }

  private static final boolean[] LONE = {true};

  private static double log2(double x) {
    return Math.log(x) / Math.log(2);
  }

  @Test
  void adjustment_isLog2OfSumOfSquaredSharesOverTheValuesShare_countedOncePerGroup() {
    // Records a0..a4 are 0..4, b0..b2 are 5..7. Value 7 is held by a0 and a1 (one group) and by
    // b0 and b1: three groups. Value 9 by a2 and b2: two. Value 5 by a3: one. a4 has none.
    List<Party> parties = List.of(party("a", 7, 7, 9, 5, 0), party("b", 7, 7, 9));
    int[] offset = Grouping.offsets(parties);
    int[] group = {0, 0, 2, 3, 4, 5, 6, 7};
    TermFrequencies tf = TermFrequencies.of(parties, offset, group, 2);
    double sumOfSquares = (9 + 4 + 1) / 36.0; // shares 3/6, 2/6, 1/6
    assertEquals(log2(sumOfSquares / (3 / 6.0)), tf.adjustment(LONE, 0, 5), 1e-12);
    assertEquals(log2(sumOfSquares / (3 / 6.0)), tf.adjustment(LONE, 0, 1), 1e-12);
    assertEquals(log2(sumOfSquares / (2 / 6.0)), tf.adjustment(LONE, 2, 7), 1e-12);
    // The rarer value weighs more, the commoner less.
    assertEquals(true, tf.adjustment(LONE, 2, 7) > tf.adjustment(LONE, 0, 5));
    // Counted per record, 7 would be four of seven values and weigh less.
    int[] apart = {0, 1, 2, 3, 4, 5, 6, 7};
    assertEquals(
        log2((16 + 4 + 1) / 49.0 / (4 / 7.0)),
        TermFrequencies.of(parties, offset, apart, 1).adjustment(LONE, 0, 5),
        1e-12);
    // Values not shared exactly, a missing field, and a field in a joint field weigh nothing.
    assertEquals(0, tf.adjustment(LONE, 0, 2));
    assertEquals(0, tf.adjustment(LONE, 4, 4));
    assertEquals(0, tf.adjustment(new boolean[] {false}, 0, 5));
  }

  /**
   * The attack the adjustment answers: persons joined by a value many persons share. Three records
   * linked pairwise at 0.3 above the cut share a value four other records hold; three others,
   * linked the same, share a value only they hold. A single link always joins its two records; a
   * third record joins a group by the mean margin to its members, and the clustering keeps it apart
   * in the first case and joins it in the second.
   */
  @Test
  void cluster_holdsApartRecordsSharingACommonValue_andJoinsOnesSharingARareOne() {
    long common = 0b0111;
    long rare = 0b1011;
    List<Party> parties =
        List.of(
            party(
                "a", common, common, common, common, common, common, common, rare, rare, rare,
                0b1101));
    int[] offset = Grouping.offsets(parties);
    PairModel model = new PairModel(FieldGroups.none(1), 1, levels -> levels[0] == 7 ? 0.3 : -20);
    long[] pairs = {
      LongList.pair(0, 1),
      LongList.pair(0, 2),
      LongList.pair(1, 2),
      LongList.pair(7, 8),
      LongList.pair(7, 9),
      LongList.pair(8, 9)
    };
    Decided.Model d =
        new Decided.Model(0, 0, pairs, new int[pairs.length], new double[] {0.3}, model, 0, 0);
    d.edges = Decided.atOrAbove(d, null);
    assertEquals(pairs.length, d.edges.length);

    int[] clusterOf = Grouping.cluster(parties, offset, List.of(d), false, 1, s -> {}).clusterOf();

    assertEquals(clusterOf[0], clusterOf[1]);
    assertEquals(true, clusterOf[2] != clusterOf[0], "a common value shared: kept apart");
    assertEquals(clusterOf[7], clusterOf[8]);
    assertEquals(clusterOf[7], clusterOf[9], "a rare value shared: one entity");
  }

  @Test
  void groupsOf_areTheConnectedPartsOfTheLinks_numberedByTheirSmallestRecord() {
    List<Party> parties = List.of(party("a", 1, 2, 3), party("b", 1, 2));
    int[] offset = Grouping.offsets(parties);
    Decided across =
        new Decided.Dice(
            0, 1, new long[] {LongList.pair(0, 0), LongList.pair(2, 1)}, new double[] {1, 1}, 0.5);
    across.edges = new int[] {0, 1};
    Decided inside =
        new Decided.Dice(0, 0, new long[] {LongList.pair(1, 2)}, new double[] {1}, 0.5);
    inside.edges = new int[] {0};
    // a0-b0; a1-a2-b1.
    assertArrayEquals(
        new int[] {0, 1, 1, 0, 1},
        TermFrequencies.groupsOf(offset[2], offset, List.of(across, inside)));
  }

  @Test
  void loneFields_leaveOutTheMembersOfAJointField() {
    FieldGroups none = FieldGroups.none(3);
    assertArrayEquals(new boolean[] {true, true, true}, TermFrequencies.loneFields(none, 3));
  }
}
