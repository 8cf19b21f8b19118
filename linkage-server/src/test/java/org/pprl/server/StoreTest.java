package org.pprl.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The store's own promises, on SQLite and again on PostgreSQL ({@link TestStores}). */
class StoreTest {
  @TempDir Path dir;

  private long count(String sql) throws SQLException {
    try (Connection c = TestStores.connect(dir);
        Statement s = c.createStatement();
        ResultSet r = s.executeQuery(sql)) {
      r.next();
      return r.getLong(1);
    }
  }

  /** The migration scripts in one of the store's migration directories. */
  private static long scripts(String location) throws Exception {
    try (var files =
        Files.list(Path.of(Store.class.getResource("migration/" + location).toURI()))) {
      return files.filter(f -> f.getFileName().toString().matches("V\\d+__.*\\.sql")).count();
    }
  }

  @Test
  void open_twice_migratesOnceAndKeepsData() throws Exception {
    Store first = TestStores.open(dir);
    first.createAgency("dhs");
    Store.NewToken token = first.createToken(Role.ANALYST, null, "a");
    Store second = TestStores.open(dir);
    // Every script, each applied once.
    long scripts;
    scripts = scripts("common") + scripts(TestStores.migrationDirectory());
    assertTrue(scripts >= 4, "scripts found: " + scripts);
    assertEquals(scripts, count("SELECT COUNT(*) FROM flyway_schema_history WHERE success"));
    assertEquals(
        scripts, count("SELECT COUNT(DISTINCT version) FROM flyway_schema_history WHERE success"));
    assertTrue(second.agencyExists("dhs"));
    assertEquals(token.principal(), second.principalForToken(token.token()).orElseThrow());
  }

  @Test
  void pool_moreCallersThanConnections_everyCallCommittedAndNoneLeftInATransaction()
      throws Exception {
    // The store's connections are pooled and reused (Store.POOL_SIZE): callers beyond the pool
    // wait their turn, and a connection given back after a refusal starts the next call clean.
    Store store = TestStores.open(dir);
    int threads = 4 * Store.POOL_SIZE;
    int each = 10;
    Concurrently.run(
        threads,
        thread -> {
          for (int i = 0; i < each; i++) {
            String id = "a" + thread + "-" + i;
            store.createAgency(id);
            assertThrows(Store.AlreadyExists.class, () -> store.createAgency(id));
            assertTrue(store.agencyExists(id));
          }
        });
    assertEquals(threads * each, count("SELECT COUNT(*) FROM agencies"));
    // No pooled connection holds the write lock: a writer that never waits gets it at once.
    if (!TestStores.onPostgres()) {
      org.sqlite.SQLiteConfig noWait = new org.sqlite.SQLiteConfig();
      noWait.setBusyTimeout(0);
      try (Connection c =
              noWait.createConnection("jdbc:sqlite:" + dir.resolve(Store.DATABASE_FILE));
          Statement s = c.createStatement()) {
        assertEquals(
            1, s.executeUpdate("INSERT INTO agencies (id, created) VALUES ('outside', 'now')"));
      }
      assertTrue(store.agencyExists("outside"));
    } else {
      // The advisory lock that stands in for SQLite's write lock.
      try (Connection c = TestStores.connect(dir);
          Statement s = c.createStatement();
          ResultSet r =
              s.executeQuery(
                  "SELECT pg_try_advisory_lock("
                      + Dialect.WRITE_LOCK
                      + ", hashtext(current_schema()))")) {
        r.next();
        assertTrue(r.getBoolean(1), "a pooled connection holds the write lock");
      }
    }
  }

  @Test
  void createToken_storesOnlyTheHash() throws Exception {
    Store store = TestStores.open(dir);
    store.createAgency("dhs");
    Store.NewToken t = store.createToken(Role.STEWARD, "dhs", "steward");
    assertTrue(t.token().matches("pprl_[A-Za-z0-9_-]{43}"), "format of " + t.token().length());
    try (Connection c = TestStores.connect(dir);
        Statement s = c.createStatement();
        ResultSet r = s.executeQuery("SELECT token_hash FROM principals")) {
      assertTrue(r.next());
      assertEquals(Tokens.hash(t.token()), r.getString(1));
      assertFalse(r.next());
    }
    // Nor is it anywhere in the data directory's files (SQLite's WAL included).
    String secretPart = t.token().substring(Tokens.PREFIX.length());
    try (var files = Files.list(dir)) {
      for (Path f : files.filter(Files::isRegularFile).toList()) {
        String text = new String(Files.readAllBytes(f), StandardCharsets.ISO_8859_1);
        assertFalse(text.contains(secretPart), f.getFileName() + " holds the token");
      }
    }
  }

  @Test
  void createToken_agencyRules_areEnforced() throws IOException {
    Store store = TestStores.open(dir);
    store.createAgency("dhs");
    assertThrows(IllegalArgumentException.class, () -> store.createToken(Role.STEWARD, null, null));
    assertThrows(
        IllegalArgumentException.class, () -> store.createToken(Role.ANALYST, "dhs", null));
    assertThrows(
        IllegalArgumentException.class, () -> store.createToken(Role.STEWARD, "nope", null));
    assertEquals(List.of(), store.principals());
  }

  @Test
  void createAgency_badOrRepeatedId_isRefused() throws IOException {
    Store store = TestStores.open(dir);
    store.createAgency("acs-1");
    assertThrows(Store.AlreadyExists.class, () -> store.createAgency("acs-1"));
    assertThrows(IllegalArgumentException.class, () -> store.createAgency("../x"));
    assertThrows(IllegalArgumentException.class, () -> store.createAgency("Upper"));
  }

  @Test
  void createAgency_isLoggedInTheSameTransaction_andARefusedOneIsNot() throws IOException {
    Store store = TestStores.open(dir);
    store.createAgency("acs-1");
    assertThrows(Store.AlreadyExists.class, () -> store.createAgency("acs-1"));
    assertThrows(IllegalArgumentException.class, () -> store.createAgency("Upper"));
    java.io.StringWriter log = new java.io.StringWriter();
    store.exportAudit(log);
    List<String> events = log.toString().lines().filter(l -> l.contains("\"seq\"")).toList();
    assertEquals(1, events.size(), log.toString());
    com.fasterxml.jackson.databind.JsonNode e = ServiceFixture.JSON.readTree(events.get(0));
    assertEquals("agency.create", e.get("action").asText());
    assertEquals(0, e.get("actor").asLong());
    assertEquals(Store.OPERATOR, e.get("role").asText());
    assertEquals("{\"agency\":\"acs-1\"}", e.get("detail").toString());
  }

  @Test
  void forEachLink_50000Links_arriveEveryOneOnceInOrder() throws IOException {
    // On PostgreSQL the rows are streamed, a fetch at a time (Database.streamingRead): memory is
    // not what a test can see, so this checks that a set of many fetches arrives whole, once and
    // in order, as it did when read at once.
    Store store = TestStores.open(dir);
    Store.NewToken admin = store.createToken(Role.ADMIN, null, null);
    for (String agency : List.of("a", "b")) {
      store.createAgency(agency);
    }
    Store.Project p =
        store.createProject(
            admin.principal(), "p", List.of("a", "b"), ServiceFixture.FINGERPRINT, 6);
    for (String agency : List.of("a", "b")) {
      Principal steward = store.createToken(Role.STEWARD, agency, null).principal();
      Path checked = Files.writeString(store.incomingDir().resolve(agency + ".part"), agency);
      store.addExtract(
          steward,
          p.id(),
          agency,
          1,
          "00".repeat(32),
          ServiceFixture.FINGERPRINT,
          0,
          new Store.ExtractChange(1, 0),
          null,
          checked);
    }
    Store.Run run = store.beginRun(store.queueRun(admin.principal(), p).id()).orElseThrow();
    int entities = 25_000;
    int[] start = new int[entities + 1];
    String[] agency = new String[2 * entities];
    String[] recordId = new String[2 * entities];
    for (int e = 0; e < entities; e++) {
      start[e + 1] = 2 * (e + 1);
      agency[2 * e] = "a";
      agency[2 * e + 1] = "b";
      recordId[2 * e] = "r" + e;
      recordId[2 * e + 1] = "r" + e;
    }
    assertTrue(
        store.finishRun(
            run,
            new LinkIds.Members(start, agency, recordId),
            java.util.Map.of(),
            java.util.Map.of()));

    List<Store.Link> links = new java.util.ArrayList<>();
    store.forEachLink(p.id(), links::add);

    assertEquals(2 * entities, links.size());
    java.util.Set<String> records = new java.util.HashSet<>();
    for (int i = 0; i < links.size(); i += 2) {
      Store.Link first = links.get(i);
      Store.Link second = links.get(i + 1);
      // Each entity's two records together, by agency, and the entities by link id.
      assertEquals(first.linkId(), second.linkId());
      assertEquals(List.of("a", "b"), List.of(first.agency(), second.agency()));
      assertEquals(first.recordId(), second.recordId());
      if (i > 0) {
        assertTrue(links.get(i - 1).linkId().compareTo(first.linkId()) < 0, "ordered by link id");
      }
      assertEquals(run.id(), first.run());
      assertTrue(records.add(first.recordId()), "each entity once");
    }
    assertEquals(entities, records.size());
  }

  @Test
  void principalForToken_unknownToken_isEmpty() throws IOException {
    Store store = TestStores.open(dir);
    store.createToken(Role.ADMIN, null, null);
    assertTrue(store.principalForToken(Tokens.generate()).isEmpty());
  }

  @Test
  void close_thenACallThatReadsTheDatabase_failsWithStoreException() throws IOException {
    Store store = TestStores.open(dir);
    store.createAgency("dhs");
    store.close();
    Store.StoreException e =
        assertThrows(Store.StoreException.class, () -> store.agencyExists("dhs"));
    assertEquals("cannot read agencies", e.getMessage());
    // Closing again does nothing more.
    store.close();
    try (Store reopened = TestStores.open(dir)) {
      assertTrue(reopened.agencyExists("dhs"));
    }
  }
}
