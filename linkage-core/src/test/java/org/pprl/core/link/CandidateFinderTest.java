package org.pprl.core.link;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.pprl.fixtures.Agency;

class CandidateFinderTest {
  @TempDir static Path dir;
  static List<Party> parties;

  @BeforeAll
  static void encodeCity() throws Exception {
    EncodedCity city =
        EncodedCity.generate(
            dir,
            5,
            3000,
            "finder test secret",
            List.of(Agency.PUBLIC_ASSISTANCE, Agency.HOMELESS_SERVICES));
    parties = List.of(city.party(Agency.PUBLIC_ASSISTANCE), city.party(Agency.HOMELESS_SERVICES));
  }

  private static Linker.Options keys() {
    return Linker.Options.defaults().withThreads(2).withBlocking(Linker.Blocking.KEYS);
  }

  @Test
  void link_finderKeepingTheSamePairsInAnyOrder_linksAsTheBuiltInSearch() {
    List<Boolean> calls = new ArrayList<>();
    CandidateFinder reversed =
        (a, b, same, nearest, maxBlockPairs) -> {
          calls.add(same);
          CandidateSearch.Stats stats = new CandidateSearch.Stats();
          long[] pairs = CandidateSearch.byKeys(a, b, same, nearest, maxBlockPairs, 1, stats);
          long[] shuffled = new long[2 * pairs.length];
          for (int k = 0; k < pairs.length; k++) {
            shuffled[k] = pairs[pairs.length - 1 - k];
            shuffled[pairs.length + k] = pairs[k]; // each twice
          }
          return new CandidateFinder.Found(
              shuffled,
              stats.compared,
              stats.blockedPairs,
              stats.skippedBlocks,
              stats.skippedPairs);
        };

    Linker.Result expected = new Linker(keys(), step -> {}).link(parties);
    Linker.Result found = new Linker(keys(), step -> {}, reversed).link(parties);

    assertEquals(List.of(true, false, true), calls, "inside, across, inside");
    assertEquals(expected.links(), found.links());
    assertEquals(expected.comparisons(), found.comparisons());
    for (int c = 0; c < expected.candidates().size(); c++) {
      assertTrue(
          java.util.Arrays.equals(
              expected.candidates().get(c).pairs(), found.candidates().get(c).pairs()));
    }
  }

  /** The built-in search's pairs with their raw field levels computed from {@link FieldRows}. */
  private static CandidateFinder.Found withRawLevels(
      Party a, Party b, boolean same, int nearest, long maxBlockPairs) {
    CandidateSearch.Stats stats = new CandidateSearch.Stats();
    long[] pairs = CandidateSearch.byKeys(a, b, same, nearest, maxBlockPairs, 1, stats);
    FieldRows rows = FieldRows.of(a);
    FieldRows.Block x = rows.block(rowsOf(a));
    FieldRows.Block y = same ? x : rows.block(rowsOf(b));
    int[] scratch = new int[a.fieldCount()];
    long[] raw = new long[pairs.length];
    for (int k = 0; k < pairs.length; k++) {
      raw[k] =
          FieldRows.rawLevels(x, LongList.first(pairs[k]), y, LongList.second(pairs[k]), scratch);
    }
    return new CandidateFinder.Found(
        pairs, stats.compared, stats.blockedPairs, stats.skippedBlocks, stats.skippedPairs, raw);
  }

  private static List<long[]> rowsOf(Party p) {
    List<long[]> rows = new ArrayList<>();
    for (int r = 0; r < p.size(); r++) {
      rows.add(FieldRows.row(p, r));
    }
    return rows;
  }

  @Test
  void link_finderComparingTheFields_linksAsTheBuiltInSearch() {
    Linker.Result expected = new Linker(keys(), step -> {}).link(parties);
    Linker.Result found =
        new Linker(keys(), step -> {}, CandidateFinderTest::withRawLevels).link(parties);

    assertFalse(expected.links().isEmpty());
    assertEquals(expected.links(), found.links());
    assertEquals(expected.cuts(), found.cuts());
    assertTrue(
        java.util.Arrays.equals(expected.clusters().clusterOf(), found.clusters().clusterOf()));
  }

  @Test
  void link_finderWithRawLevelsOfPairsOutOfOrder_isRefused() {
    CandidateFinder reversed =
        (a, b, same, nearest, maxBlockPairs) -> {
          CandidateFinder.Found f = withRawLevels(a, b, same, nearest, maxBlockPairs);
          long[] pairs = f.pairs().clone();
          long[] raw = f.rawLevels().clone();
          for (int k = 0; k < pairs.length / 2; k++) {
            long p = pairs[k];
            pairs[k] = pairs[pairs.length - 1 - k];
            pairs[pairs.length - 1 - k] = p;
            long r = raw[k];
            raw[k] = raw[raw.length - 1 - k];
            raw[raw.length - 1 - k] = r;
          }
          return new CandidateFinder.Found(pairs, 0, 0, 0, 0, raw);
        };

    IllegalStateException e =
        assertThrows(
            IllegalStateException.class,
            () -> new Linker(keys(), step -> {}, reversed).link(parties));
    assertTrue(e.getMessage().contains("not sorted and distinct"), e.getMessage());
  }

  @Test
  void rawLevels_packed_unpackToTheLevelsOfCompare() {
    Party a = parties.get(0);
    Party b = parties.get(1);
    FieldRows.Block x = FieldRows.of(a).block(rowsOf(a));
    FieldRows.Block y = FieldRows.of(a).block(rowsOf(b));
    int fields = a.fieldCount();
    int[] expected = new int[fields];
    int[] unpacked = new int[fields];
    int[] scratch = new int[fields];
    java.util.SplittableRandom random = new java.util.SplittableRandom(7);
    boolean missingSeen = false;
    for (int s = 0; s < 2000; s++) {
      int i = random.nextInt(a.size());
      int j = random.nextInt(b.size());
      Estimation.compare(a, i, b, j, expected);
      FieldRows.unpack(FieldRows.rawLevels(x, i, y, j, scratch), unpacked);
      assertArrayEquals(expected, unpacked, "records " + i + " and " + j);
      for (int level : expected) {
        missingSeen |= level == org.pprl.core.match.ComparisonPatterns.MISSING;
      }
    }
    int[] extremes = new int[FieldRows.MAX_FIELDS];
    java.util.Arrays.fill(extremes, Estimation.LEVEL_CUTS.length);
    extremes[0] = org.pprl.core.match.ComparisonPatterns.MISSING;
    int[] back = new int[FieldRows.MAX_FIELDS];
    FieldRows.unpack(FieldRows.pack(extremes), back);
    assertArrayEquals(extremes, back);
    assertTrue(missingSeen, "the sample holds missing fields");
  }

  @Test
  void link_finderFindingNothingAcross_hasNoLinksAcross() {
    CandidateFinder insideOnly =
        (a, b, same, nearest, maxBlockPairs) ->
            same
                ? new CandidateFinder.Found(
                    CandidateSearch.byKeys(
                        a, b, true, nearest, maxBlockPairs, 1, new CandidateSearch.Stats()),
                    0,
                    0,
                    0,
                    0)
                : new CandidateFinder.Found(new long[0], 0, 0, 0, 0);

    Linker.Result result = new Linker(keys(), step -> {}, insideOnly).link(parties);

    assertTrue(result.links().stream().noneMatch(l -> l.a() != l.b()));
    assertNotEquals(
        0,
        new Linker(keys(), step -> {})
            .link(parties).links().stream().filter(l -> l.a() != l.b()).count());
  }
}
