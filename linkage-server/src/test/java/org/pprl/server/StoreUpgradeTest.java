package org.pprl.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.InputStream;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A data directory made before the migrations were split by database still opens: its Flyway
 * history (V1 to V9, checksummed when they ran) validates against the scripts as they are now, and
 * its data reads. The database is {@code pprl demo --population 300 --seed 7}'s, made by the store
 * as it was before the split and copied with {@code VACUUM INTO}.
 */
class StoreUpgradeTest {
  @TempDir Path dir;

  @Test
  void open_databaseMadeBeforeTheSplit_validatesAndReadsItsData() throws Exception {
    try (InputStream in = StoreUpgradeTest.class.getResourceAsStream("v9-data-dir.sqlite")) {
      Files.copy(in, dir.resolve(Store.DATABASE_FILE));
    }
    try (Store store = Store.open(dir)) {
      assertEquals(1, store.projects().size());
      Store.Project project = store.projects().get(0);
      assertEquals(5, project.agencies().size());
      assertEquals(Store.RunStatus.SUCCEEDED, store.runs(project.id()).get(0).status());
      assertEquals(56, store.linkCount(project.id()));
      assertEquals(8, store.tokens().size());
      for (String agency : project.agencies()) {
        assertEquals(1, store.currentExtract(project.id(), agency).orElseThrow().version());
      }
      StringWriter audit = new StringWriter();
      store.exportAudit(audit);
      assertEquals(
          19, audit.toString().lines().filter(l -> !l.contains("\"type\":\"checkpoint\"")).count());
      // Still writable, and the chain goes on from where it was.
      store.createAgency("after-upgrade");
      assertTrue(store.agencyExists("after-upgrade"));
    }
    try (Connection c =
            DriverManager.getConnection("jdbc:sqlite:" + dir.resolve(Store.DATABASE_FILE));
        Statement s = c.createStatement();
        ResultSet r =
            s.executeQuery(
                "SELECT COUNT(*), MAX(version + 0) FROM flyway_schema_history WHERE success")) {
      r.next();
      // Nothing was run again: the nine scripts that made it, and no other.
      assertEquals(9, r.getInt(1));
      assertEquals(9, r.getInt(2));
    }
  }
}
