package org.pprl.core.link;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.pprl.core.match.ComparisonPatterns;
import org.pprl.core.match.FellegiSunter;
import org.pprl.core.match.ProgressLine;
import org.pprl.fixtures.Agency;

class SharedValueModelTest {
  @TempDir static Path dir;
  static EncodedCity city;
  static List<Party> parties;
  static FieldGroups groups;
  static int[] levels;
  static double[][] u;

  @BeforeAll
  static void encodeCity() throws Exception {
    city =
        EncodedCity.generate(
            dir,
            23,
            20000,
            "shared value test secret",
            List.of(Agency.PUBLIC_ASSISTANCE, Agency.HOMELESS_SERVICES));
    parties = List.of(city.party(Agency.PUBLIC_ASSISTANCE), city.party(Agency.HOMELESS_SERVICES));
    int fields = parties.get(0).fieldCount();
    // Random pairs across, as the linker draws them: the joint fields and u.
    SplittableRandom random = new SplittableRandom(5);
    int[][] sample = new int[100_000][fields];
    for (int[] pair : sample) {
      Estimation.compare(
          parties.get(0),
          random.nextInt(parties.get(0).size()),
          parties.get(1),
          random.nextInt(parties.get(1).size()),
          pair);
    }
    groups = FieldGroups.detect(sample, fields);
    levels = groups.modelLevels(Estimation.LEVEL_CUTS.length + 1);
    ComparisonPatterns randomPatterns = new ComparisonPatterns(levels);
    int[] model = new int[levels.length];
    for (int[] pair : sample) {
      groups.apply(pair, model);
      randomPatterns.add(model);
    }
    u = FellegiSunter.frequencies(randomPatterns);
  }

  /** m measured on every pair of records across the two extracts that the truth calls one. */
  private static double[][] trueM() {
    Map<String, List<Integer>> inHomeless = new HashMap<>();
    Party b = parties.get(1);
    for (int j = 0; j < b.size(); j++) {
      inHomeless
          .computeIfAbsent(city.personOf.get(b.name() + "/" + b.id(j)), k -> new ArrayList<>())
          .add(j);
    }
    Party a = parties.get(0);
    ComparisonPatterns matches = new ComparisonPatterns(levels);
    int[] raw = new int[a.fieldCount()];
    int[] model = new int[levels.length];
    for (int i = 0; i < a.size(); i++) {
      for (int j :
          inHomeless.getOrDefault(city.personOf.get(a.name() + "/" + a.id(i)), List.of())) {
        Estimation.compare(a, i, b, j, raw);
        groups.apply(raw, model);
        matches.add(model);
      }
    }
    assertTrue(matches.pairs() > 500, "matches in the city: " + matches.pairs());
    return FellegiSunter.frequencies(matches);
  }

  @Test
  void indexBits_keepTodaysKeysBelow2To26Records_andHoldEveryIndexAbove() {
    // Below 2^26 records the sort keys are the ones the model was always drawn with.
    assertEquals(26, SharedValueModel.indexBits(0));
    assertEquals(26, SharedValueModel.indexBits(1_914_389));
    assertEquals(26, SharedValueModel.indexBits(1 << 26));
    // At 100M x 100M the model used to be left out; now the last record's index fits.
    for (int records : new int[] {(1 << 26) + 1, 200_000_000, Integer.MAX_VALUE}) {
      int bits = SharedValueModel.indexBits(records);
      assertTrue(records - 1L < 1L << bits, records + " records in " + bits + " bits");
      assertTrue(records - 1L >= 1L << (bits - 1), records + " records in " + bits + " bits");
    }
  }

  @Test
  void estimate_withoutLabels_isCloseToTheMatchesOfTheTruth() {
    SharedValueModel.Fit fit =
        SharedValueModel.estimate(
            parties,
            FieldSource.of(parties),
            groups,
            levels,
            u,
            groups.startM(Estimation.LEVEL_CUTS.length + 1),
            null,
            1L,
            2,
            ProgressLine.silent());
    assertNotNull(fit);
    assertEquals(groups.modelFields(), fit.blocks(), "a block for every field with shared values");
    double[][] truth = trueM();
    List<String> names = new ArrayList<>();
    parties.get(0).header().fieldFilters().forEach(filter -> names.add(filter.name()));
    for (int f = 0; f < levels.length; f++) {
      String name = groups.name(f, names);
      double distance = 0;
      for (int l = 0; l < levels[f]; l++) {
        distance += Math.abs(fit.m()[f][l] - truth[f][l]);
      }
      if (name.startsWith("street")) {
        // Not held to it, a known weakness (docs/linkage.md): a person who moved changes street
        // and house number at once, so in the block of one house number the matches mostly kept
        // their address, and in the block of one address their number; m overstates agreement
        // on both (measured L1 0.29 and 0.30), and movers weigh too low. Agreeing is still
        // evidence for one person.
        assertTrue(fit.m()[f][levels[f] - 1] > u[f][levels[f] - 1], name);
        continue;
      }
      // Measured: 0.014 to 0.05.
      assertTrue(distance <= 0.1, name + ": L1 distance " + distance);
    }
  }

  @Test
  void estimate_oneOrThreeThreadsAndFiltersInThePartiesOrAsRows_sameFit() {
    double[][] start = groups.startM(Estimation.LEVEL_CUTS.length + 1);
    SharedValueModel.Fit one =
        SharedValueModel.estimate(
            parties, FieldSource.of(parties), groups, levels, u, start, null, 7L, 1, silent());
    SharedValueModel.Fit three =
        SharedValueModel.estimate(
            parties, rowsElsewhere(parties), groups, levels, u, start, null, 7L, 3, silent());
    assertNotNull(one);
    assertEquals(one.pairs(), three.pairs());
    assertEquals(one.iterations(), three.iterations());
    for (int f = 0; f < levels.length; f++) {
      // The same pairs, compared on any number of threads and counted in the order drawn, their
      // filters where the parties hold them or copied as rows: the same m to the last bit.
      assertArrayEquals(one.m()[f], three.m()[f], 0.0, "field " + f);
    }
  }

  private static ProgressLine silent() {
    return ProgressLine.silent();
  }

  /**
   * The parties' filters as an engine elsewhere gives them: hashes from each record's row by the
   * public {@link FieldSource#hash}, and rows copied into a block of their own.
   */
  static FieldSource rowsElsewhere(List<Party> parties) {
    int[] offset = Grouping.offsets(parties);
    FieldRows layout = FieldRows.of(parties.get(0));
    return new FieldSource() {
      @Override
      public Hashes hashes(int[][] fieldSets, int bits) {
        long[][] out = new long[fieldSets.length][offset[parties.size()]];
        for (int p = 0; p < parties.size(); p++) {
          for (int i = 0; i < parties.get(p).size(); i++) {
            long[] row = FieldRows.row(parties.get(p), i);
            for (int s = 0; s < fieldSets.length; s++) {
              out[s][offset[p] + i] = FieldSource.hash(layout, row, fieldSets[s], bits);
            }
          }
        }
        return s -> out[s];
      }

      @Override
      public FieldRows.Block rows(int[] records) {
        List<long[]> rows = new ArrayList<>();
        for (int r : records) {
          int p = Grouping.partyOf(offset, r);
          rows.add(FieldRows.row(parties.get(p), r - offset[p]));
        }
        return layout.block(rows);
      }
    };
  }

  @Test
  void estimate_needsThreeFieldsAndTwoExtracts() {
    FieldGroups two = FieldGroups.none(2);
    assertNull(
        SharedValueModel.estimate(
            parties,
            FieldSource.of(parties),
            two,
            new int[] {8, 8},
            new double[2][8],
            new double[2][8],
            null,
            1L,
            2,
            ProgressLine.silent()));
    assertNull(
        SharedValueModel.estimate(
            List.of(parties.get(0)),
            FieldSource.of(List.of(parties.get(0))),
            groups,
            levels,
            u,
            groups.startM(Estimation.LEVEL_CUTS.length + 1),
            null,
            1L,
            2,
            ProgressLine.silent()));
  }
}
