package org.pprl.spark;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.Iterator;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.pprl.core.link.Party;

/** An extract read in stretches by several tasks gives the records the driver holds, in order. */
class ExtractsOnExecutorsTest {
  @TempDir static Path dir;
  static Party party;

  @BeforeAll
  static void city() throws Exception {
    party = SparkEngineTest.city(dir).get(0);
  }

  @Test
  void sources_inStretches_readTheDriversRecordsEachOnce() throws Exception {
    assertTrue(party.size() > Party.OFFSET_EVERY, "records: " + party.size());
    List<SparkCandidates.Keyed> expected = SparkCandidates.keyed(party, 1, true);
    for (int stretches = 1; stretches <= 12; stretches++) {
      List<ExtractsOnExecutors.Source> sources =
          ExtractsOnExecutors.sources(party, 1, true, stretches);
      assertTrue(sources.size() <= stretches, sources.size() + " sources for " + stretches);
      int next = 0;
      for (ExtractsOnExecutors.Source source : sources) {
        assertEquals(next, source.first);
        for (Iterator<SparkCandidates.Keyed> it = ExtractsOnExecutors.read(source);
            it.hasNext(); ) {
          SparkCandidates.Keyed got = it.next();
          SparkCandidates.Keyed want = expected.get(next++);
          assertEquals(want.member().record(), got.member().record());
          assertEquals(1, got.member().side());
          assertArrayEquals(want.member().clk(), got.member().clk());
          assertArrayEquals(want.member().fields(), got.member().fields());
          assertArrayEquals(want.blocks(), got.blocks());
        }
      }
      assertEquals(party.size(), next, stretches + " stretches");
    }
    assertEquals(1, ExtractsOnExecutors.sources(party, 0, false, 1).size());
    assertTrue(ExtractsOnExecutors.sources(party, 0, false, 3).size() > 1);
  }
}
