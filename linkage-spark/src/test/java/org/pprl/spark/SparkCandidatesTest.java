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
        new SparkCandidates(spark, 3, true, true).find(a, b, same, 10, 1_000_000);

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
        new SparkCandidates(spark, 5, true, true).find(a, b, false, 10, 1_000_000);
    CandidateFinder.Found byPartition =
        new SparkCandidates(spark, 5, true, true, 1).find(a, b, false, 10, 1_000_000);

    assertArrayEquals(whole.pairs(), byPartition.pairs());
    assertArrayEquals(whole.rawLevels(), byPartition.rawLevels());
    // Each fetch left nothing behind: the sorted pairs were kept only until they were fetched.
    assertTrue(spark.getPersistentRDDs().isEmpty(), spark.getPersistentRDDs().toString());
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
