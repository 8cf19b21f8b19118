package org.pprl.core.link;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.pprl.core.extract.ExtractHeader;
import org.pprl.core.match.FilterMatrix;

class CandidateStageTest {
  private static Party party(String name, int n, boolean keys) {
    ExtractHeader.Builder header =
        ExtractHeader.builder()
            .schemaFingerprint(new byte[32])
            .agency(name)
            .toolVersion("test")
            .clkBits(64);
    if (keys) {
      header.blockingKeys("k0");
    }
    SplittableRandom random = new SplittableRandom(n);
    FilterMatrix.Builder clks = FilterMatrix.builder(64, n);
    String[] ids = new String[n];
    long[][] blockingKeys = new long[keys ? 1 : 0][n];
    for (int i = 0; i < n; i++) {
      ids[i] = name + i;
      clks.add(new long[] {random.nextLong() | 1});
      if (keys) {
        blockingKeys[0][i] = (long) random.nextInt(3) << 32;
      }
    }
    return Party.withKeys(
        name, header.build(), RecordIds.of(ids), clks.build(), FieldFilters.of(), blockingKeys);
  }

  private static CandidateStage stage(Linker.Blocking mode, long exhaustiveLimit) {
    Linker.Options d = Linker.Options.defaults();
    Linker.Options options =
        new Linker.Options(
            mode,
            1,
            d.nearest(),
            d.minPosterior(),
            exhaustiveLimit,
            d.maxBlockPairs(),
            d.seed(),
            d.diceThreshold(),
            d.maxDicePairs(),
            false,
            d.progressMillis());
    return new CandidateStage(options, line -> {}, null);
  }

  @Test
  void blockingFor_auto_isAllPairsWhenFewElseKeysWhereThereAreKeysElseLsh() {
    Party keyedA = party("a", 30, true);
    Party keyedB = party("b", 40, true);
    Party plain = party("c", 30, false);
    assertEquals(
        Linker.Blocking.NONE, stage(Linker.Blocking.AUTO, 1200).blockingFor(keyedA, keyedB));
    assertEquals(
        Linker.Blocking.KEYS, stage(Linker.Blocking.AUTO, 1199).blockingFor(keyedA, keyedB));
    assertEquals(Linker.Blocking.LSH, stage(Linker.Blocking.AUTO, 899).blockingFor(plain, plain));
    // A mode set by hand is kept as it is.
    assertEquals(Linker.Blocking.LSH, stage(Linker.Blocking.LSH, 1200).blockingFor(keyedA, keyedB));
  }

  @Test
  void find_keysAskedForWithoutKeys_isRefusedNamingTheExtract() {
    Party plain = party("plain", 10, false);
    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class,
            () -> stage(Linker.Blocking.KEYS, 0).find(plain, plain, true, new ArrayList<>(), null));
    assertEquals(
        "keyed blocking asked for, but extract plain has no blocking keys", e.getMessage());
  }

  @Test
  void find_countsTheComparisonsOverEverySearch_andReportsEachPairOfParties() {
    Party a = party("a", 30, true);
    Party b = party("b", 40, true);
    CandidateStage stage = stage(Linker.Blocking.NONE, 0);
    List<String> report = new ArrayList<>();
    List<CandidateStage.Levels> rawLevels = new ArrayList<>();
    long[] across = stage.find(a, b, false, report, rawLevels);
    long[] inside = stage.find(a, a, true, report, rawLevels);
    // All pairs: 30 x 40 across, and 30 x 29 / 2 inside, each compared once.
    assertEquals(30 * 40 + 30 * 29 / 2, stage.stats.compared);
    assertEquals(2, rawLevels.size()); // the built-in search compares no fields: null for each
    assertEquals(CandidateStage.Levels.NONE, rawLevels.get(0));
    assertEquals(
        List.of(
            "a x b: " + across.length + " candidate pairs from all pairs",
            "a: " + inside.length + " candidate pairs from all pairs"),
        report);
    for (int k = 1; k < across.length; k++) {
      assertTrue(across[k - 1] < across[k], "sorted and distinct");
    }
  }
}
