package org.pprl.core.link;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.pprl.core.cluster.Clusters;
import org.pprl.core.extract.ExtractHeader;
import org.pprl.core.match.FilterMatrix;

class EntitiesTest {
  @Test
  void of_clusters_listsOnlyEntitiesOfTwoOrMoreInOrderOfFirstRecord() {
    List<Party> parties = List.of(party("a", 2), party("b", 2), party("c", 2));
    // Records a0 a1 b0 b1 c0 c1: {a1, c0}, {a0}, {b0, b1, c1}.
    Clusters clusters = new Clusters(new int[] {1, 0, 2, 2, 0, 2}, 3);

    Entities e = Entities.of(result(List.of(), clusters), parties);

    assertEquals(2, e.count());
    assertEquals(5, e.members());
    assertArrayEquals(new int[] {0, 1, 2, 0}, members(e, 0));
    assertArrayEquals(new int[] {1, 0, 1, 1, 2, 1}, members(e, 1));
  }

  @Test
  void of_clustersOfAnotherSize_isRefused() {
    List<Party> parties = List.of(party("a", 2));
    Clusters clusters = new Clusters(new int[] {0, 0, 0}, 1);

    IllegalArgumentException x =
        assertThrows(
            IllegalArgumentException.class,
            () -> Entities.of(result(List.of(), clusters), parties));
    assertEquals("the clusters cover 3 records, expected the parties' 2", x.getMessage());
  }

  /** Entity e's members as (party, record) pairs, flattened. */
  private static int[] members(Entities e, int entity) {
    int[] out = new int[2 * (e.end(entity) - e.start(entity))];
    for (int k = e.start(entity), o = 0; k < e.end(entity); k++) {
      out[o++] = e.party(k);
      out[o++] = e.record(k);
    }
    return out;
  }

  private static Linker.Result result(List<Linker.Link> links, Clusters clusters) {
    return new Linker.Result(new ArrayList<>(links), clusters, List.of(), List.of(), 0, List.of());
  }

  private static Party party(String name, int records) {
    ExtractHeader header =
        ExtractHeader.builder()
            .schemaFingerprint(new byte[32])
            .agency(name)
            .toolVersion("test")
            .clkBits(64)
            .build();
    FilterMatrix.Builder clks = FilterMatrix.builder(64, records);
    String[] ids = new String[records];
    for (int i = 0; i < records; i++) {
      ids[i] = name + i;
      clks.add(new long[1]);
    }
    return Party.of(name, header, ids, clks.build());
  }
}
