package org.pprl.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.pprl.server.ServiceFixture.FINGERPRINT;
import static org.pprl.server.ServiceFixture.OTHER_FINGERPRINT;
import static org.pprl.server.ServiceFixture.extract;
import static org.pprl.server.ServiceFixture.request;
import static org.pprl.server.ServiceFixture.send;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.sql.Connection;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.pprl.cli.Pprl;
import org.pprl.core.audit.Verification;
import org.pprl.core.audit.Verifier;
import picocli.CommandLine;

/**
 * The audit log through the running service: what is recorded, who may read it, and that the export
 * verifies offline with {@code pprl audit verify} until a row is edited in the database.
 */
class AuditTest {
  @TempDir Path dir;
  @TempDir Path work;
  private Store store;
  private LinkageServer server;
  private HttpClient client;
  private final Map<Role, String> tokens = new HashMap<>();
  private String dhsSteward;

  /**
   * The events {@link #start} leaves in the log: an {@code agency.create} for each agency, then a
   * {@code token.create} for each token.
   */
  private static final int SETUP = 6;

  @BeforeEach
  void start() throws IOException {
    store = TestStores.open(dir);
    store.createAgency("dhs");
    store.createAgency("acs");
    for (Role role : List.of(Role.ADMIN, Role.ANALYST, Role.AUDITOR)) {
      tokens.put(role, store.createToken(role, null, null).token());
    }
    dhsSteward = store.createToken(Role.STEWARD, "dhs", null).token();
    tokens.put(Role.STEWARD, dhsSteward);
    server = LinkageServer.start(store, 0, 1 << 20);
    client = HttpClient.newHttpClient();
  }

  @AfterEach
  void stop() {
    server.close();
  }

  private long createProject() {
    ServiceFixture.Reply r =
        send(
            client,
            request(server.port(), "/projects", tokens.get(Role.ADMIN))
                .POST(
                    HttpRequest.BodyPublishers.ofString(
                        "{\"name\":\"p\",\"agencies\":[\"dhs\",\"acs\"],\"schemaFingerprint\":\""
                            + FINGERPRINT
                            + "\"}"))
                .build());
    assertEquals(201, r.status(), r.body().toString());
    return r.body().get("id").asLong();
  }

  private int upload(long project, byte[] body) {
    return send(
            client,
            request(server.port(), "/projects/" + project + "/extracts/dhs", dhsSteward)
                .PUT(HttpRequest.BodyPublishers.ofByteArray(body))
                .build())
        .status();
  }

  private HttpResponse<String> getAudit(String token) {
    try {
      return client.send(
          request(server.port(), "/audit", token).GET().build(),
          HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  /**
   * An export by the auditor, without its last two lines: the event of its own reading and the
   * checkpoint signed over it, both checked here. What is left is a prefix of the log, as an export
   * made a moment earlier, without asking for a checkpoint, would have been.
   */
  private List<String> exportedLines() throws IOException {
    HttpResponse<String> r = getAudit(tokens.get(Role.AUDITOR));
    assertEquals(200, r.statusCode(), r.body());
    List<String> lines = r.body().lines().toList();
    JsonNode read = ServiceFixture.JSON.readTree(lines.get(lines.size() - 2));
    assertEquals("audit.export", read.get("action").asText(), read.toString());
    assertEquals("auditor", read.get("role").asText());
    JsonNode signed = ServiceFixture.JSON.readTree(lines.get(lines.size() - 1));
    assertEquals("checkpoint", signed.get("type").asText(), signed.toString());
    assertEquals(read.get("seq").asLong(), signed.get("seq").asLong());
    return lines.subList(0, lines.size() - 2);
  }

  /** Runs {@code pprl audit verify} in-process on an export; returns exit code and output. */
  private String[] verifyWithCli(List<String> lines) throws IOException {
    Path log = work.resolve("audit.jsonl");
    Files.write(log, lines, StandardCharsets.UTF_8);
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    CommandLine cli = Pprl.commandLine();
    cli.setOut(new PrintWriter(out, true));
    cli.setErr(new PrintWriter(err, true));
    int exit =
        cli.execute(
            "audit",
            "verify",
            "--log",
            log.toString(),
            "--public-key",
            dir.resolve(AuditKeys.PUBLIC_FILE).toString());
    return new String[] {Integer.toString(exit), out.toString().trim(), err.toString().trim()};
  }

  private void checkpoint(String token, int expectedStatus) {
    ServiceFixture.Reply r =
        send(
            client,
            request(server.port(), "/audit/checkpoint", token)
                .POST(HttpRequest.BodyPublishers.noBody())
                .build());
    assertEquals(expectedStatus, r.status(), r.body().toString());
  }

  @Test
  void audit_projectUploadAndRefusal_eachAppendOneEvent() throws Exception {
    long project = createProject();
    assertEquals(201, upload(project, extract("dhs", FINGERPRINT, 7, 1)));
    assertEquals(422, upload(project, extract("dhs", OTHER_FINGERPRINT, 3, 2)));
    List<JsonNode> events = new ArrayList<>();
    for (String line : exportedLines()) {
      events.add(ServiceFixture.JSON.readTree(line));
    }
    assertEquals(SETUP + 3, events.size(), events.toString());
    List<String> setup = new ArrayList<>();
    for (JsonNode e : events.subList(0, SETUP)) {
      setup.add(e.get("action").asText() + " " + e.get("detail").path("agency").asText());
      assertEquals(Store.OPERATOR, e.get("role").asText(), e.toString());
      assertEquals(0, e.get("actor").asLong(), e.toString());
    }
    assertEquals(
        List.of(
            "agency.create dhs",
            "agency.create acs",
            "token.create null",
            "token.create null",
            "token.create null",
            "token.create dhs"),
        setup);
    events = events.subList(SETUP, events.size());
    JsonNode create = events.get(0);
    assertEquals("project.create", create.get("action").asText());
    assertEquals("admin", create.get("role").asText());
    assertEquals(project, create.get("detail").get("project").asLong());
    JsonNode accepted = events.get(1);
    assertEquals("extract.upload", accepted.get("action").asText());
    assertEquals("steward", accepted.get("role").asText());
    assertEquals("dhs", accepted.get("agency").asText());
    assertEquals(7, accepted.get("detail").get("records").asLong());
    assertEquals(1, accepted.get("detail").get("version").asInt());
    JsonNode refused = events.get(2);
    assertEquals("extract.refuse", refused.get("action").asText());
    assertEquals("wrong_fingerprint", refused.get("detail").get("code").asText());
    assertEquals(List.of(7L, 8L, 9L), events.stream().map(e -> e.get("seq").asLong()).toList());
  }

  @Test
  void audit_refusedProjectAndForbiddenUpload_leaveNoHalfWrittenEvent() throws Exception {
    long project = createProject();
    // A duplicate name is refused inside the transaction: its event is rolled back with it.
    ServiceFixture.Reply duplicate =
        send(
            client,
            request(server.port(), "/projects", tokens.get(Role.ADMIN))
                .POST(
                    HttpRequest.BodyPublishers.ofString(
                        "{\"name\":\"p\",\"agencies\":[\"dhs\"],\"schemaFingerprint\":\""
                            + FINGERPRINT
                            + "\"}"))
                .build());
    assertEquals(409, duplicate.status());
    // An analyst may not upload: refused, and the refusal is logged with the analyst's role.
    ServiceFixture.Reply forbidden =
        send(
            client,
            request(
                    server.port(),
                    "/projects/" + project + "/extracts/dhs",
                    tokens.get(Role.ANALYST))
                .PUT(HttpRequest.BodyPublishers.ofByteArray(extract("dhs", FINGERPRINT, 2, 5)))
                .build());
    assertEquals(403, forbidden.status());
    List<String> lines = exportedLines();
    assertEquals(SETUP + 2, lines.size(), lines.toString());
    JsonNode refused = ServiceFixture.JSON.readTree(lines.get(SETUP + 1));
    assertEquals("extract.refuse", refused.get("action").asText());
    assertEquals("analyst", refused.get("role").asText());
    assertEquals("forbidden", refused.get("detail").get("code").asText());
    assertEquals(project, refused.get("detail").get("project").asLong());
  }

  @Test
  void getAudit_eachRead_isItselfLoggedBeforeTheExport() throws Exception {
    createProject();
    exportedLines();
    List<String> second = exportedLines();
    // The creation, the first export's reading and the checkpoint signed over it.
    assertEquals(SETUP + 3, second.size(), second.toString());
    assertEquals(
        "audit.export", ServiceFixture.JSON.readTree(second.get(SETUP + 1)).get("action").asText());
    assertEquals(
        "checkpoint", ServiceFixture.JSON.readTree(second.get(SETUP + 2)).get("type").asText());
    Verification v = Verifier.verify(second, store.auditPublicKey());
    assertTrue(v.ok(), v.toString());
    assertEquals(0, v.unsignedTail());
  }

  /** Issue 13, item 8: an export used to end with its own unsigned reading. */
  @Test
  void getAudit_export_endsWithACheckpointOverItsOwnReadAndVerifiesWithoutUnsignedTail()
      throws Exception {
    long project = createProject();
    assertEquals(201, upload(project, extract("dhs", FINGERPRINT, 5, 3)));
    HttpResponse<String> r = getAudit(tokens.get(Role.AUDITOR));
    assertEquals(200, r.statusCode(), r.body());
    List<String> lines = r.body().lines().toList();

    String[] verified = verifyWithCli(lines);

    assertEquals("0", verified[0], verified[2]);
    assertEquals("verified 9 events, 1 checkpoints", verified[1]);
    // Tamper evidence is kept: the export's own event is covered by the signature.
    List<String> edited = new ArrayList<>(lines);
    edited.set(SETUP + 2, edited.get(SETUP + 2).replace("\"auditor\"", "\"admin\""));
    String[] tampered = verifyWithCli(edited);
    assertEquals("1", tampered[0], tampered[2]);
    assertTrue(tampered[1].startsWith("EDITED at seq 9:"), tampered[1]);
  }

  /** Issue 14: a field outside the hash rode along, and an empty file "verified 0 events". */
  @Test
  void verify_exportWithAnAddedTopLevelFieldOrEmpty_failsWithOneLineAndExit2() throws Exception {
    long project = createProject();
    assertEquals(201, upload(project, extract("dhs", FINGERPRINT, 5, 3)));
    List<String> lines =
        new ArrayList<>(getAudit(tokens.get(Role.AUDITOR)).body().lines().toList());
    assertEquals("0", verifyWithCli(lines)[0]);
    int upload = SETUP + 1;
    lines.set(upload, lines.get(upload).replaceFirst("^\\{", "{\"approved\":true,"));

    String[] added = verifyWithCli(lines);
    String[] empty = verifyWithCli(List.of());

    assertEquals("2", added[0], added[1]);
    assertTrue(added[2].contains("line " + (upload + 1) + ": unknown field 'approved'"), added[2]);
    assertEquals(1, added[2].lines().count(), added[2]);
    assertEquals("2", empty[0], empty[1]);
    assertTrue(empty[2].contains("holds no event"), empty[2]);
    assertEquals(1, empty[2].lines().count(), empty[2]);
    assertEquals("", empty[1]);
  }

  @Test
  void getAudit_byRole_onlyAuditorReads() {
    assertEquals(401, getAudit(null).statusCode());
    assertEquals(401, getAudit("not-a-token").statusCode());
    for (Role role : List.of(Role.ADMIN, Role.ANALYST, Role.STEWARD)) {
      HttpResponse<String> r = getAudit(tokens.get(role));
      assertEquals(403, r.statusCode(), role + " " + r.body());
      assertTrue(r.body().contains("\"forbidden\""), r.body());
    }
    assertEquals(200, getAudit(tokens.get(Role.AUDITOR)).statusCode());
  }

  @Test
  void postCheckpoint_byRole_auditorOrAdmin() {
    checkpoint(null, 401);
    checkpoint(tokens.get(Role.ANALYST), 403);
    checkpoint(tokens.get(Role.STEWARD), 403);
    checkpoint(tokens.get(Role.ADMIN), 201);
    checkpoint(tokens.get(Role.AUDITOR), 201);
  }

  @Test
  void verify_exportedLog_verifiesThenFailsAfterARowIsEdited() throws Exception {
    long project = createProject();
    assertEquals(201, upload(project, extract("dhs", FINGERPRINT, 5, 3)));
    assertEquals(201, upload(project, extract("dhs", FINGERPRINT, 6, 4)));
    checkpoint(tokens.get(Role.AUDITOR), 201);
    String[] ok = verifyWithCli(exportedLines());
    assertEquals("0", ok[0], ok[2]);
    assertEquals("verified 9 events, 1 checkpoints", ok[1]);

    try (Connection c = TestStores.connect(dir);
        Statement s = c.createStatement()) {
      assertEquals(
          1,
          s.executeUpdate(
              "UPDATE audit_events SET detail = REPLACE(detail, '\"records\":5', '\"records\":50')"
                  + " WHERE seq = 8"));
    }
    String[] tampered = verifyWithCli(exportedLines());
    assertEquals("1", tampered[0], tampered[2]);
    assertTrue(tampered[1].startsWith("EDITED at seq 8:"), tampered[1]);
  }

  @Test
  void verify_rowDeletedInTheDatabase_isMissing() throws Exception {
    long project = createProject();
    assertEquals(201, upload(project, extract("dhs", FINGERPRINT, 5, 6)));
    assertEquals(201, upload(project, extract("dhs", FINGERPRINT, 6, 7)));
    checkpoint(tokens.get(Role.ADMIN), 201);
    try (Connection c = TestStores.connect(dir);
        Statement s = c.createStatement()) {
      assertEquals(1, s.executeUpdate("DELETE FROM audit_events WHERE seq = 8"));
    }
    String[] r = verifyWithCli(exportedLines());
    assertEquals("1", r[0], r[2]);
    assertTrue(r[1].startsWith("MISSING at seq 8:"), r[1]);
  }

  @Test
  void verifyPrevious_newestEventsAndCheckpointDeleted_isTruncated() throws Exception {
    long project = createProject();
    assertEquals(201, upload(project, extract("dhs", FINGERPRINT, 5, 6)));
    checkpoint(tokens.get(Role.ADMIN), 201);
    List<String> earlier = exportedLines();
    Path previous = work.resolve("earlier.jsonl");
    Files.write(previous, earlier, StandardCharsets.UTF_8);
    // Cut the newest event and every checkpoint: the export alone still verifies.
    try (Connection c = TestStores.connect(dir);
        Statement s = c.createStatement()) {
      s.executeUpdate("DELETE FROM audit_checkpoints");
      // The upload (seq 8) and the earlier export's own read (seq 9).
      assertEquals(2, s.executeUpdate("DELETE FROM audit_events WHERE seq >= 8"));
    }
    // Exported from the store directly: an export over the API would append its own read.
    Path log = work.resolve("audit.jsonl");
    try (Writer w = Files.newBufferedWriter(log, StandardCharsets.UTF_8)) {
      store.exportAudit(w);
    }
    String pub = dir.resolve(AuditKeys.PUBLIC_FILE).toString();

    assertEquals(
        0,
        Pprl.commandLine()
            .execute("audit", "verify", "--log", log.toString(), "--public-key", pub));
    StringWriter out = new StringWriter();
    CommandLine cli = Pprl.commandLine();
    cli.setOut(new PrintWriter(out, true));
    int exit =
        cli.execute(
            "audit",
            "verify",
            "--log",
            log.toString(),
            "--public-key",
            pub,
            "--previous",
            previous.toString());

    assertEquals(1, exit, out.toString());
    assertTrue(out.toString().startsWith("TRUNCATED at seq "), out.toString());
  }

  @Test
  void verify_eventsAfterTheLastCheckpoint_areReportedAsAnUnsignedTail() throws Exception {
    createProject();
    String[] r = verifyWithCli(exportedLines());
    assertEquals("0", r[0], r[2]);
    assertEquals(
        "verified 7 events, 0 checkpoints\n"
            + "UNSIGNED_TAIL: 7 events after the last checkpoint are not signed",
        r[1]);
  }

  @Test
  void audit_everyHundredEvents_isCheckpointed() throws Exception {
    Principal admin = store.principals().get(0);
    for (int i = 0; i < Store.CHECKPOINT_EVERY + 1 - SETUP; i++) {
      store.audit(admin, "test.event", Map.of("i", i));
    }
    List<String> lines = exportedLines();
    assertEquals(Store.CHECKPOINT_EVERY + 2, lines.size());
    assertTrue(lines.get(Store.CHECKPOINT_EVERY).contains("\"type\":\"checkpoint\""));
    Verification v = Verifier.verify(lines, store.auditPublicKey());
    assertTrue(v.ok(), v.toString());
    assertEquals(1, v.checkpoints());
    assertEquals(1, v.unsignedTail());
  }

  @Test
  void audit_concurrentAppends_formOneUnbrokenChainInEachCallersOrder() throws Exception {
    // Appends are committed in groups (Store.audit): many callers at once, each waiting for its
    // own.
    Principal admin = store.principals().get(0);
    int threads = 16;
    int each = 25;
    Concurrently.run(
        threads,
        thread -> {
          for (int i = 0; i < each; i++) {
            store.audit(admin, "test.event", Map.of("thread", thread, "i", i));
          }
        });
    store.checkpoint();
    List<String> lines = exportedLines();
    Verification v = Verifier.verify(lines, store.auditPublicKey());
    assertTrue(v.ok(), v.toString());
    assertEquals(SETUP + threads * each, v.events());
    int[] next = new int[threads];
    for (String line : lines) {
      JsonNode detail = ServiceFixture.JSON.readTree(line).path("detail");
      if (detail.has("thread")) {
        int thread = detail.get("thread").asInt();
        assertEquals(next[thread]++, detail.get("i").asInt(), "a caller's events in its order");
      }
    }
    for (int t = 0; t < threads; t++) {
      assertEquals(each, next[t]);
    }
  }

  @Test
  void auditKey_isOwnerOnlyAndMatchesThePublishedPublicKey() throws Exception {
    assertEquals(
        "rw-------",
        PosixFilePermissions.toString(
            Files.getPosixFilePermissions(dir.resolve(AuditKeys.PRIVATE_FILE))));
    StringWriter out = new StringWriter();
    CommandLine cli = Pprl.commandLine();
    cli.setOut(new PrintWriter(out, true));
    assertEquals(0, cli.execute("admin", "audit-public-key", "--data-dir", dir.toString()));
    // Owner-only as every file of the data directory (issue 14): auditors get it from the command.
    assertEquals(
        "rw-------",
        PosixFilePermissions.toString(
            Files.getPosixFilePermissions(dir.resolve(AuditKeys.PUBLIC_FILE))));
    String published = Files.readString(dir.resolve(AuditKeys.PUBLIC_FILE)).trim();
    assertEquals(published, out.toString().trim());
    assertFalse(published.isEmpty());
  }
}
