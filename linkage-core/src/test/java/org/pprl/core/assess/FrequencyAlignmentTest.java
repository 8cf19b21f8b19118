package org.pprl.core.assess;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The frequency attack on filters made here from known values: deterministic encodings of skewed
 * values fall to it, per-record noise alone does not stop it once groups are clustered, and
 * encodings split into many strata (salting) leave it no better than guessing.
 */
class FrequencyAlignmentTest {
  private static final int BITS = 256;
  private static final int VALUES = 40;

  /** Value v's share falls like 1 / (v + 1), as names do. */
  private static int drawValue(SplittableRandom random) {
    double total = 0;
    for (int v = 0; v < VALUES; v++) {
      total += 1.0 / (v + 1);
    }
    double u = random.nextDouble() * total;
    for (int v = 0; v < VALUES; v++) {
      u -= 1.0 / (v + 1);
      if (u <= 0) {
        return v;
      }
    }
    return VALUES - 1;
  }

  private static long[] pattern(long seed) {
    SplittableRandom r = new SplittableRandom(seed);
    long[] words = new long[BITS / 64];
    for (int i = 0; i < 100; i++) {
      int bit = r.nextInt(BITS);
      words[bit >>> 6] |= 1L << bit;
    }
    return words;
  }

  /** A public list counted from another draw of the same distribution. */
  private static PublicFrequencies publicList() {
    PublicFrequencies.Builder b = PublicFrequencies.builder(List.of());
    SplittableRandom random = new SplittableRandom(99);
    for (int i = 0; i < 50_000; i++) {
      b.add("name", "v" + drawValue(random), 1);
    }
    return b.build();
  }

  /**
   * Records with their true values; each record's filter is its value's pattern (in its stratum
   * when {@code strata} > 1), with each bit flipped with probability {@code flip}.
   */
  private static long[][] records(String[] truth, int strata, double flip, long seed) {
    SplittableRandom random = new SplittableRandom(seed);
    long[][] filters = new long[truth.length][];
    for (int r = 0; r < truth.length; r++) {
      int v = drawValue(random);
      int stratum = random.nextInt(strata);
      truth[r] = "v" + v;
      long[] f = pattern(1_000L * stratum + v).clone();
      for (int bit = 0; bit < BITS; bit++) {
        if (random.nextDouble() < flip) {
          f[bit >>> 6] ^= 1L << bit;
        }
      }
      filters[r] = f;
    }
    return filters;
  }

  private static double attack(FilterGroups groups, String[] truth, PublicFrequencies list) {
    return FrequencyAlignment.success(
        FrequencyAlignment.attack(groups.groupOf(), null, list, "name", 1).guesses(), truth);
  }

  private static double chance(FilterGroups groups, String[] truth, PublicFrequencies list) {
    return FrequencyAlignment.success(
        FrequencyAlignment.commonestGuesses(groups.groupOf(), null, list, "name"), truth);
  }

  @Test
  void deterministicEncodings_areNamedFarBeyondChance_andTheEstimateSaysSo() {
    String[] truth = new String[20_000];
    long[][] filters = records(truth, 1, 0, 1);
    PublicFrequencies list = publicList();
    FilterGroups groups = FilterGroups.exact(filters);
    FrequencyAlignment.Result r =
        FrequencyAlignment.attack(groups.groupOf(), null, list, "name", 1);
    double success = FrequencyAlignment.success(r.guesses(), truth);

    assertEquals(VALUES, groups.groupCount());
    assertTrue(success > 0.3, "success " + success);
    assertTrue(success > 2 * chance(groups, truth, list));
    assertEquals(success, r.estimatedSuccess(), 0.15);
    assertEquals(chance(groups, truth, list), r.chance(), 0.02);
  }

  @Test
  void noisyEncodings_hideExactGroups_butClusteringRegroupsThem() {
    String[] truth = new String[20_000];
    long[][] filters = records(truth, 1, 0.04, 2);
    PublicFrequencies list = publicList();
    FilterGroups exact = FilterGroups.exact(filters);
    FilterGroups near = FilterGroups.near(filters, BITS, BITS / 8, 3);
    FrequencyAlignment.Result exactResult =
        FrequencyAlignment.attack(exact.groupOf(), null, list, "name", 1);

    assertTrue(attack(exact, truth, list) < 0.01);
    assertTrue(exactResult.estimatedSuccess() < 0.01, "" + exactResult.estimatedSuccess());
    assertTrue(attack(near, truth, list) > 0.3, "near " + attack(near, truth, list));
  }

  @Test
  void nearSampled_groupsASampleOnly_andFindsTheSameValues() {
    String[] truth = new String[20_000];
    long[][] filters = records(truth, 1, 0.04, 5);
    PublicFrequencies list = publicList();
    FilterGroups sampled = FilterGroups.nearSampled(filters, BITS, BITS / 8, 3, 5_000);

    assertEquals(5_000, java.util.Arrays.stream(sampled.groupOf()).filter(g -> g >= 0).count());
    assertTrue(
        attack(sampled, truth, list) > 0.3 * 5_000 / 20_000, "" + attack(sampled, truth, list));
  }

  @Test
  void encodingsSplitIntoManyStrata_leaveTheAttackAtChance() {
    String[] truth = new String[20_000];
    long[][] filters = records(truth, 80, 0, 4);
    PublicFrequencies list = publicList();
    FilterGroups groups = FilterGroups.exact(filters);
    FrequencyAlignment.Result r =
        FrequencyAlignment.attack(groups.groupOf(), null, list, "name", 1);
    double success = FrequencyAlignment.success(r.guesses(), truth);

    assertTrue(success <= chance(groups, truth, list) + 0.005, "success " + success);
    assertTrue(r.estimatedSuccess() <= r.chance() + 0.005, "" + r.estimatedSuccess());
  }

  @Test
  void strata_alignEachWithItsOwnCounts() {
    // Stratum a holds values x (common) and y; stratum b holds y (common) and x.
    PublicFrequencies list =
        PublicFrequencies.builder(List.of("g"))
            .add("name", "x", 90, "a")
            .add("name", "y", 10, "a")
            .add("name", "y", 90, "b")
            .add("name", "x", 10, "b")
            .build();
    int[] groupOf = {0, 0, 0, 1, 1, 1, 1, 0};
    String[][] strata = {{"a"}, {"a"}, {"a"}, {"a"}, {"b"}, {"b"}, {"b"}, {"b"}};
    String[] guesses = FrequencyAlignment.attack(groupOf, strata, list, "name", 1).guesses();

    assertEquals(List.of("x", "x", "x", "y", "y", "y", "y", "x"), List.of(guesses));
  }

  @Test
  void read_badRows_areNamed(@TempDir Path dir) throws Exception {
    Path good = dir.resolve("good.csv");
    Files.writeString(good, "field,value,count,gender\nname,ann,10,\nname,ann,4,woman\n");
    Path badCount = dir.resolve("bad.csv");
    Files.writeString(badCount, "field,value,count\nname,ann,ten\n");
    Path badHeader = dir.resolve("header.csv");
    Files.writeString(badHeader, "name,count\n");
    PublicFrequencies list = PublicFrequencies.read(good);

    assertEquals(List.of("gender"), list.attributes());
    assertEquals(10, list.ranked("name", null).total());
    assertEquals(4, list.ranked("name", new String[] {"woman"}).total());
    assertEquals(10, list.ranked("name", new String[] {"man"}).total(), "falls back to overall");
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> PublicFrequencies.read(badCount));
    assertEquals("bad.csv row 2: count is not a whole number", e.getMessage());
    assertThrows(IllegalArgumentException.class, () -> PublicFrequencies.read(badHeader));
  }
}
