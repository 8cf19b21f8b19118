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

class ClkOnlyCityTest {

  @Test
  void make_smallCity_extractsWithoutKeysLinkByClks(@TempDir Path dir) throws Exception {
    ClkOnlyCity.make(dir, 4000, 1);

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
  void yyyymmdd_bothAgencyDateShapes() {
    assertEquals("19601122", ClkOnlyCity.yyyymmdd("11/22/1960"));
    assertEquals("19601122", ClkOnlyCity.yyyymmdd("1960-11-22"));
    assertEquals("", ClkOnlyCity.yyyymmdd(""));
  }
}
