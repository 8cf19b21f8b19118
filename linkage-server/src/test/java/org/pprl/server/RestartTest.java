package org.pprl.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;
import static org.pprl.server.ServiceFixture.FINGERPRINT;
import static org.pprl.server.ServiceFixture.extract;
import static org.pprl.server.ServiceFixture.request;
import static org.pprl.server.ServiceFixture.send;

import java.io.StringWriter;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.nio.file.Path;
import java.util.Base64;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.pprl.core.audit.Verification;
import org.pprl.core.audit.Verifier;

class RestartTest {
  @TempDir Path dir;

  @Test
  void restart_sameDataDir_keepsTokensProjectsAndExtracts() throws Exception {
    Store store = TestStores.open(dir);
    store.createAgency("dhs");
    String steward = store.createToken(Role.STEWARD, "dhs", null).token();
    Principal admin = store.createToken(Role.ADMIN, null, null).principal();
    Store.Project project = store.createProject(admin, "p", List.of("dhs"), FINGERPRINT, 6);
    HttpClient client = HttpClient.newHttpClient();
    try (LinkageServer server = LinkageServer.start(store, 0, 1 << 20)) {
      ServiceFixture.Reply r =
          send(
              client,
              request(server.port(), "/projects/" + project.id() + "/extracts/dhs", steward)
                  .PUT(HttpRequest.BodyPublishers.ofByteArray(extract("dhs", FINGERPRINT, 4, 1)))
                  .build());
      assertEquals(201, r.status());
    }
    Store reopened = TestStores.open(dir);
    try (LinkageServer server = LinkageServer.start(reopened, 0, 1 << 20)) {
      ServiceFixture.Reply r =
          send(
              client,
              request(server.port(), "/projects/" + project.id() + "/extracts/dhs", steward)
                  .PUT(HttpRequest.BodyPublishers.ofByteArray(extract("dhs", FINGERPRINT, 5, 2)))
                  .build());
      assertEquals(201, r.status(), r.body().toString());
      assertEquals(2, r.body().get("version").asInt());
    }
    // Closing the service closed its store: read what it left with another.
    Store afterwards = TestStores.open(dir);
    assertEquals(project, afterwards.project(project.id()).orElseThrow());
    assertEquals(2, afterwards.extractVersions(project.id(), "dhs").size());
    // The key made on first open is the one used after the restart: the log still verifies.
    assertEquals(
        List.of(Base64.getEncoder().encodeToString(store.auditPublicKey())),
        List.of(Base64.getEncoder().encodeToString(afterwards.auditPublicKey())));
    StringWriter log = new StringWriter();
    afterwards.exportAudit(log);
    Verification v = Verifier.verify(log.toString().lines().toList(), afterwards.auditPublicKey());
    afterwards.close();
    assertTrue(v.ok(), v.toString());
    // One agency and two tokens made, the project, two uploads.
    assertEquals(6, v.events());
  }

  @Test
  void start_runLeftRunningAndQueued_marksThemInterruptedAndTheLogVerifies() throws Exception {
    Store store = TestStores.open(dir);
    store.createAgency("dhs");
    store.createAgency("acs");
    String steward = store.createToken(Role.STEWARD, "dhs", null).token();
    Principal admin = store.createToken(Role.ADMIN, null, null).principal();
    Store.Project p = store.createProject(admin, "p", List.of("dhs"), FINGERPRINT, 6);
    Store.Project q = store.createProject(admin, "q", List.of("dhs"), FINGERPRINT, 6);
    HttpClient client = HttpClient.newHttpClient();
    try (LinkageServer server = LinkageServer.start(store, 0, 1 << 20)) {
      for (Store.Project project : List.of(p, q)) {
        ServiceFixture.Reply r =
            send(
                client,
                request(server.port(), "/projects/" + project.id() + "/extracts/dhs", steward)
                    .PUT(HttpRequest.BodyPublishers.ofByteArray(extract("dhs", FINGERPRINT, 4, 1)))
                    .build());
        assertEquals(201, r.status());
      }
    }
    // What a killed service leaves: one run running, one queued.
    Store killed = TestStores.open(dir);
    Store.Run running = killed.queueRun(admin, p);
    killed.beginRun(running.id()).orElseThrow();
    Store.Run queued = killed.queueRun(admin, q);
    killed.close();

    Store reopened = TestStores.open(dir);
    try (LinkageServer server = LinkageServer.start(reopened, 0, 1 << 20)) {
      for (Store.Run run : List.of(running, queued)) {
        Store.Run now = server.store().run(run.project(), run.id()).orElseThrow();
        assertEquals(Store.RunStatus.FAILED, now.status());
        assertEquals("interrupted", now.error());
        assertTrue(now.finishedAt() != null);
      }
    }
    StringWriter log = new StringWriter();
    Store afterwards = TestStores.open(dir);
    afterwards.exportAudit(log);
    Verification v = Verifier.verify(log.toString().lines().toList(), afterwards.auditPublicKey());
    afterwards.close();
    assertTrue(v.ok(), v.toString());
    // Two agencies and two tokens made, two projects, two uploads, two runs started, two failed.
    assertEquals(12, v.events());
    assertEquals(2, log.toString().lines().filter(l -> l.contains("\"run.fail\"")).count());
  }

  @Test
  void start_whileAnotherServiceRunsOnTheDataDir_isRefused() throws Exception {
    Store store = TestStores.open(dir);
    try (LinkageServer first = LinkageServer.start(store, 0, 1 << 20)) {
      IllegalStateException e =
          org.junit.jupiter.api.Assertions.assertThrows(
              IllegalStateException.class,
              () -> LinkageServer.start(TestStores.open(dir), 0, 1 << 20).close());
      assertTrue(e.getMessage().startsWith("another service is running on"), e.getMessage());
      assertTrue(first.port() > 0);
    }
    // Released on close: a new service starts.
    LinkageServer.start(TestStores.open(dir), 0, 1 << 20).close();
  }

  @Test
  void start_secondServiceOnTheSameDatabase_isRefusedUntilTheFirstStops() throws Exception {
    assumeTrue(
        TestStores.onPostgres(),
        "on SQLite the database is inside the data directory, whose lock covers it");
    PostgresUrl database = TestStores.postgres(dir.resolve("a"));
    try (LinkageServer first = LinkageServer.start(TestStores.open(dir.resolve("a")), 0, 1 << 20)) {
      // Another data directory, the same database: its runs and the first service's are one.
      try (Store other = Store.open(dir.resolve("b"), database)) {
        IllegalStateException e =
            org.junit.jupiter.api.Assertions.assertThrows(
                IllegalStateException.class, () -> LinkageServer.start(other, 0, 1 << 20));
        assertEquals("another service is running on the database " + database, e.getMessage());
      }
      assertTrue(first.port() > 0);
    }
    // Given up on close: the second service starts.
    LinkageServer.start(Store.open(dir.resolve("b"), database), 0, 1 << 20).close();
  }
}
