package org.pprl.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.pprl.core.evaluate.Truth;
import org.pprl.core.link.Linker;
import org.pprl.core.link.Party;
import org.pprl.core.schema.ClkhashSchema;
import org.pprl.core.schema.DerivedBlockingKeys;
import org.pprl.core.schema.EngineSchema;

class ClkOnlyCityTest {

  @Test
  void make_smallCity_extractsWithoutKeysLinkByClks(@TempDir Path dir) throws Exception {
    ClkOnlyCity.make(dir, 4000, 1, false);

    List<String> cut =
        Files.readAllLines(dir.resolve("public_assistance.clk.csv"), StandardCharsets.UTF_8);
    assertEquals(String.join(",", ClkOnlyCity.COLUMNS), cut.get(0));
    String id = cut.get(1).substring(0, cut.get(1).indexOf(','));
    String rest = cut.get(1).substring(id.length());
    assertEquals(rest.toLowerCase(java.util.Locale.ROOT), rest, "lower case: " + rest);
    Party a = Party.load(dir.resolve("public_assistance.pprl"), "public_assistance");
    Party b = Party.load(dir.resolve("housing.pprl"), "housing");
    // No keyed blocking keys: only the CLKs can block them. A field filter per feature.
    assertEquals(0, a.header().blockingKeys().size());
    assertEquals(9, a.fieldCount());
    assertEquals(1024, a.header().clkBits());
    assertEquals(cut.size() - 1, a.size());

    ClkBlockingHarness.Figures all =
        ClkBlockingHarness.run(
            a, b, Truth.read(dir.resolve("truth.csv")), Linker.Blocking.NONE, 1, line -> {});
    assertTrue(all.truePairs() > 50, all.line());
    assertTrue(all.pairsCompleteness() > 0.95, all.line());

    // The sampled ceiling of 10 nearest agrees with the exhaustive linkage's 10 nearest.
    int[] ranks = NearestCeiling.ranks(a, b, Truth.read(dir.resolve("truth.csv")), 2000, 7);
    assertEquals(all.pairsCompleteness(), NearestCeiling.share(ranks, 10), 0.03, all.line());
    assertTrue(NearestCeiling.share(ranks, 1) <= NearestCeiling.share(ranks, 10));
  }

  @Test
  void make_derivedKeys_linkByKeysAtLeastAsCompletelyAsLsh(@TempDir Path dir) throws Exception {
    ClkOnlyCity.make(dir, 20_000, 3, true);
    Party a = Party.load(dir.resolve("public_assistance.pprl"), "public_assistance");
    Party b = Party.load(dir.resolve("housing.pprl"), "housing");
    Truth truth = Truth.read(dir.resolve("truth.csv"));
    ClkhashSchema schema = EngineSchema.parse(ClkOnlyCity.schemaJson()).clkhash();
    assertEquals(
        DerivedBlockingKeys.of(schema).keys().stream().map(k -> k.name()).toList(),
        a.header().blockingKeys());
    assertEquals(4, a.header().blockingKeys().size());

    ClkBlockingHarness.Figures keys =
        ClkBlockingHarness.run(a, b, truth, Linker.Blocking.KEYS, 2, line -> {});
    ClkBlockingHarness.Figures lsh =
        ClkBlockingHarness.run(a, b, truth, Linker.Blocking.LSH, 2, line -> {});

    assertTrue(keys.truePairs() > 300, keys.line());
    assertTrue(
        keys.pairsCompleteness() >= lsh.pairsCompleteness(),
        "keys: " + keys.line() + "; LSH: " + lsh.line());
    assertTrue(keys.pairsCompleteness() >= 0.98, keys.line());
  }

  @Test
  void make_derivedKeys_leaveTheClksAsTheyWere(@TempDir Path dir) throws Exception {
    ClkOnlyCity.make(dir.resolve("plain"), 3000, 2, false);
    ClkOnlyCity.make(dir.resolve("keys"), 3000, 2, true);
    Party plain = Party.load(dir.resolve("plain/housing.pprl"), "housing");
    Party keys = Party.load(dir.resolve("keys/housing.pprl"), "housing");

    assertEquals(plain.size(), keys.size());
    for (int i = 0; i < plain.size(); i++) {
      assertEquals(1.0, plain.clks().dice(i, keys.clks(), i), 0.0, "record " + i);
    }
  }

  @Test
  void yyyymmdd_bothAgencyDateShapes() {
    assertEquals("19601122", ClkOnlyCity.yyyymmdd("11/22/1960"));
    assertEquals("19601122", ClkOnlyCity.yyyymmdd("1960-11-22"));
    assertEquals("", ClkOnlyCity.yyyymmdd(""));
  }
}
