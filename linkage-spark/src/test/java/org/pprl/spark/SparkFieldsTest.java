package org.pprl.spark;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Path;
import java.util.List;
import org.apache.spark.SparkConf;
import org.apache.spark.api.java.JavaSparkContext;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.pprl.core.link.FieldRows;
import org.pprl.core.link.FieldSource;
import org.pprl.core.link.Party;

/** The records' filters read on the executors against the parties' own, value for value. */
class SparkFieldsTest {
  @TempDir static Path dir;
  static List<Party> parties;
  static JavaSparkContext spark;

  @BeforeAll
  static void start() throws Exception {
    parties = SparkEngineTest.city(dir).subList(0, 2);
    spark =
        new JavaSparkContext(
            new SparkConf()
                .setMaster("local[2]")
                .setAppName("fields test")
                .set("spark.ui.enabled", "false")
                .set("spark.driver.host", "127.0.0.1")
                .set("spark.driver.bindAddress", "127.0.0.1"));
  }

  @AfterAll
  static void stop() {
    spark.close();
  }

  @Test
  void hashesAndRows_fetchedInSmallJobs_areTheParties() {
    int[][] sets = {{0}, {1, 2}, {5}};
    int bits = 26;
    // 1,000 values a job: the records come back in many jobs, each a few partitions.
    FieldSource.Hashes found = new SparkFields(spark, parties, 5, 1000).hashes(sets, bits);
    FieldSource.Hashes expected = FieldSource.of(parties).hashes(sets, bits);
    for (int s = 0; s < sets.length; s++) {
      assertArrayEquals(expected.take(s), found.take(s), "set " + s);
    }

    int total = parties.get(0).size() + parties.get(1).size();
    int[] records = {0, total - 1, 17, 17, parties.get(0).size()};
    FieldRows.Block rows = new SparkFields(spark, parties, 5).rows(records);
    FieldRows layout = FieldRows.of(parties.get(0));
    int[] offset = {0, parties.get(0).size()};
    assertEquals(records.length, rows.size());
    for (int k = 0; k < records.length; k++) {
      int p = records[k] >= offset[1] ? 1 : 0;
      long[] own = FieldRows.row(parties.get(p), records[k] - offset[p]);
      // Each record's row compares with itself as its own row does: every field identical
      // where present.
      int[] levels = new int[layout.fields()];
      FieldRows.Block mine = layout.block(List.of(own));
      long packed = FieldRows.rawLevels(rows, k, mine, 0, levels);
      long same = FieldRows.rawLevels(mine, 0, mine, 0, levels);
      assertEquals(same, packed, "record " + records[k]);
    }
  }
}
