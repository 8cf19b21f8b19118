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

  @Test
  void readWithoutFilters_theRunsChecksumsAreThoseOfTheWholeParty() throws Exception {
    Party light =
        new SparkEngine()
            .load(
                party.source().orElseThrow(),
                party.name(),
                org.pprl.core.link.Linker.Options.defaults(),
                java.util.Map.of("master", "local[2]", "release", "filters"),
                line -> {});
    assertTrue(light.filtersReleased());
    for (int stretches = 1; stretches <= 5; stretches++) {
      List<ExtractsOnExecutors.Source> want =
          ExtractsOnExecutors.sources(party, 0, true, stretches);
      List<ExtractsOnExecutors.Source> got = ExtractsOnExecutors.sources(light, 0, true, stretches);
      assertEquals(want.size(), got.size());
      for (int k = 0; k < want.size(); k++) {
        assertEquals(want.get(k).first, got.get(k).first);
        assertEquals(want.get(k).records, got.get(k).records);
        assertEquals(want.get(k).offset, got.get(k).offset);
        assertEquals(want.get(k).checksum, got.get(k).checksum, stretches + " stretches, " + k);
        int read = 0;
        for (Iterator<SparkCandidates.Keyed> it = ExtractsOnExecutors.read(got.get(k));
            it.hasNext(); ) {
          it.next();
          read++;
        }
        assertEquals(got.get(k).records, read);
      }
    }
  }
}
