package org.pprl.core.link;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
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
