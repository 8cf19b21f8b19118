package org.pprl.spark;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.apache.spark.SparkConf;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.util.Utils$;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.pprl.core.link.CandidateFinder;
import org.pprl.core.link.FieldRows;
import org.pprl.core.link.Party;
import org.pprl.core.link.PatternCoder;
import org.pprl.core.match.ComparisonPatterns;

/** The search on Spark in local mode: its pairs' raw field levels are the core's. */
class SparkCandidatesTest {
  @TempDir static Path dir;
  static List<Party> parties;
  static JavaSparkContext spark;

  @BeforeAll
  static void start() throws Exception {
    parties = SparkEngineTest.city(dir);
    Utils$.MODULE$.clearLocalRootDirs();
    spark =
        new JavaSparkContext(
            new SparkConf()
                .setAppName("SparkCandidatesTest")
                .setMaster("local[2]")
                .set("spark.local.dir", dir.toString())
                .set("spark.ui.enabled", "false")
                .set("spark.driver.host", "127.0.0.1")
                .set("spark.driver.bindAddress", "127.0.0.1"));
  }

  @AfterAll
  static void stop() throws Exception {
    spark.close();
    Utils$.MODULE$.clearLocalRootDirs();
  }

  private static FieldRows.Block all(Party p) {
    List<long[]> rows = new ArrayList<>();
    for (int r = 0; r < p.size(); r++) {
      rows.add(FieldRows.row(p, r));
    }
    return FieldRows.of(p).block(rows);
  }

  private static void assertLevelsOfTheCore(Party a, Party b, boolean same) {
    CandidateFinder.Found found =
        new SparkCandidates(spark, 3, true, false, true, SparkCandidates.FETCH_PAIRS)
            .find(a, b, same, 10, 1_000_000);

    assertNotNull(found.rawLevels());
    // Inside one extract few records share a block: the blocking keys are nearly identifying.
    assertTrue(found.pairs().length > (same ? 10 : 100), "pairs: " + found.pairs().length);
    FieldRows.Block x = all(a);
    FieldRows.Block y = same ? x : all(b);
    int[] scratch = new int[a.fieldCount()];
    for (int k = 0; k < found.pairs().length; k++) {
      if (k > 0) {
        assertTrue(found.pairs()[k - 1] < found.pairs()[k], "sorted and distinct at " + k);
      }
      int i = (int) (found.pairs()[k] >>> 32);
      int j = (int) found.pairs()[k];
      assertEquals(FieldRows.rawLevels(x, i, y, j, scratch), found.rawLevels()[k], "pair " + k);
    }
  }

  @Test
  void find_acrossTwoParties_givesEachPairTheCoresRawLevels() {
    assertLevelsOfTheCore(parties.get(0), parties.get(1), false);
  }

  @Test
  void find_insideOneParty_givesEachPairTheCoresRawLevels() {
    assertLevelsOfTheCore(parties.get(0), parties.get(0), true);
  }

  @Test
  void find_fetchingOnePartitionAJob_givesWhatOneFetchGives() {
    Party a = parties.get(0);
    Party b = parties.get(1);
    CandidateFinder.Found whole =
        new SparkCandidates(spark, 5, true, false, true, SparkCandidates.FETCH_PAIRS)
            .find(a, b, false, 10, 1_000_000);
    CandidateFinder.Found byPartition =
        new SparkCandidates(spark, 5, true, false, true, 1).find(a, b, false, 10, 1_000_000);

    assertArrayEquals(whole.pairs(), byPartition.pairs());
    assertArrayEquals(whole.rawLevels(), byPartition.rawLevels());
    // Each fetch left nothing behind: the sorted pairs were kept only until they were fetched.
    assertTrue(spark.getPersistentRDDs().isEmpty(), spark.getPersistentRDDs().toString());
  }

  @Test
  void find_keepingTheLevels_countsThemIntoThePatternsTheRawLevelsGiveOneByOne() {
    Party a = parties.get(0);
    CandidateFinder.Found[] raw = {
      new SparkCandidates(spark, 5, true, false, true, SparkCandidates.FETCH_PAIRS)
          .find(a, parties.get(1), false, 10, 1_000_000),
      new SparkCandidates(spark, 5, true, false, true, SparkCandidates.FETCH_PAIRS)
          .find(a, a, true, 10, 1_000_000)
    };
    // A coder with the joint fields found in the candidates' own levels: what matters is that
    // both counts code alike.
    int[][] sample = new int[raw[0].pairs().length][a.fieldCount()];
    for (int k = 0; k < sample.length; k++) {
      FieldRows.unpack(raw[0].rawLevels()[k], sample[k]);
    }
    PatternCoder coder = PatternCoder.fromSample(sample, a.fieldCount());
    ComparisonPatterns want = coder.newPatterns();
    List<int[]> wantOf = new ArrayList<>();
    java.util.function.LongUnaryOperator coding = coder.coding();
    for (CandidateFinder.Found f : raw) {
      int[] of = new int[f.pairs().length];
      for (int k = 0; k < of.length; k++) {
        of[k] = want.addCode(coding.applyAsLong(f.rawLevels()[k]));
      }
      wantOf.add(of);
    }
    assertTrue(want.size() > 20, "patterns: " + want.size());

    // One fetch for all, and one partition's numbers a job; both sets into the same patterns.
    for (long fetch : new long[] {SparkCandidates.FETCH_PAIRS, 1}) {
      ComparisonPatterns got = coder.newPatterns();
      CandidateFinder.Found[] kept = {
        new SparkCandidates(spark, 5, true, true, true, fetch)
            .find(a, parties.get(1), false, 10, 1_000_000),
        new SparkCandidates(spark, 7, true, true, true, fetch).find(a, a, true, 10, 1_000_000)
      };
      for (int s = 0; s < kept.length; s++) {
        assertNull(kept[s].rawLevels());
        assertNotNull(kept[s].keptLevels());
        assertArrayEquals(raw[s].pairs(), kept[s].pairs());
      }
      for (int s = 0; s < kept.length; s++) {
        assertArrayEquals(wantOf.get(s), kept[s].keptLevels().count(coder, got), "set " + s);
      }
      assertEquals(want.size(), got.size());
      for (int p = 0; p < want.size(); p++) {
        assertEquals(want.count(p), got.count(p), "pattern " + p);
        assertArrayEquals(want.levelsOf(p), got.levelsOf(p), "pattern " + p);
      }
      // Counted, the kept levels went.
      assertTrue(spark.getPersistentRDDs().isEmpty(), spark.getPersistentRDDs().toString());
    }
  }

  @Test
  void find_withoutComparingFields_givesNoLevels() {
    CandidateFinder.Found found =
        new SparkCandidates(spark, 3, false, true)
            .find(parties.get(0), parties.get(1), false, 10, 1_000_000);

    assertNull(found.rawLevels());
    assertTrue(found.pairs().length > 100);
  }
}
