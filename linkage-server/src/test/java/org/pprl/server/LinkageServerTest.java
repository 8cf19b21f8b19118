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
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.StringWriter;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.pprl.server.ServiceFixture.Reply;

/** The service on a random port over a real SQLite file, called with Java's HTTP client. */
class LinkageServerTest {
  private static final long UPLOAD_LIMIT = 64 * 1024;
  private static final AtomicInteger PROJECT_NAMES = new AtomicInteger();

  @TempDir static Path dir;
  private static Store store;
  private static LinkageServer server;
  private static HttpClient client;
  private static String admin;
  private static String analyst;
  private static String auditor;
  private static String dhsSteward;
  private static String acsSteward;
  private static String dheSteward;

  @BeforeAll
  static void start() throws IOException {
    store = TestStores.open(dir);
    for (String agency : List.of("dhs", "acs", "dhe")) {
      store.createAgency(agency);
    }
    admin = store.createToken(Role.ADMIN, null, "admin").token();
    analyst = store.createToken(Role.ANALYST, null, null).token();
    auditor = store.createToken(Role.AUDITOR, null, null).token();
    dhsSteward = store.createToken(Role.STEWARD, "dhs", null).token();
    acsSteward = store.createToken(Role.STEWARD, "acs", null).token();
    dheSteward = store.createToken(Role.STEWARD, "dhe", null).token();
    server = LinkageServer.start(store, 0, UPLOAD_LIMIT);
    client = HttpClient.newHttpClient();
  }

  @AfterAll
  static void stop() {
    server.close();
  }

  private static Reply postProject(String token, String json) {
    return send(
        client,
        request(server.port(), "/projects", token)
            .header("Content-Type", "application/json")
            .POST(HttpRequest.BodyPublishers.ofString(json))
            .build());
  }

  /** A new project of dhs and acs with the test fingerprint; returns its id. */
  private static long newProject() {
    String json =
        "{\"name\":\"p"
            + PROJECT_NAMES.incrementAndGet()
            + "\",\"agencies\":[\"dhs\",\"acs\"],\"schemaFingerprint\":\""
            + FINGERPRINT
            + "\"}";
    Reply r = postProject(admin, json);
    assertEquals(201, r.status(), r.body().toString());
    return r.body().get("id").asLong();
  }

  private static Reply upload(String token, long project, String agency, byte[] body) {
    return send(
        client,
        request(server.port(), "/projects/" + project + "/extracts/" + agency, token)
            .PUT(HttpRequest.BodyPublishers.ofByteArray(body))
            .build());
  }

  private static void assertNothingStored(long project, String agency) throws IOException {
    assertEquals(List.of(), store.extractVersions(project, agency));
    Path extracts = dir.resolve(Store.EXTRACTS_DIR).resolve(Long.toString(project));
    if (Files.exists(extracts)) {
      try (Stream<Path> files = Files.list(extracts)) {
        assertEquals(List.of(), files.toList());
      }
    }
    assertIncomingEmpty();
  }

  private static void assertIncomingEmpty() throws IOException {
    try (Stream<Path> files = Files.list(dir.resolve(Store.INCOMING_DIR))) {
      assertEquals(List.of(), files.toList(), "temporary upload files are deleted");
    }
  }

  private static String sha256(byte[] bytes) throws Exception {
    return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
  }

  // ---- health and authentication ----

  @Test
  void health_withoutToken_isOk() {
    Reply r = send(client, request(server.port(), "/health", null).GET().build());
    assertEquals(200, r.status());
    assertEquals("ok", r.body().get("status").asText());
  }

  @Test
  void unknownPath_withoutToken_isUnauthenticated_andWithToken_isNotFound() {
    Reply anonymous = send(client, request(server.port(), "/nothing", null).GET().build());
    assertEquals(401, anonymous.status());
    assertEquals("unauthenticated", anonymous.code());
    Reply known = send(client, request(server.port(), "/nothing", analyst).GET().build());
    assertEquals(404, known.status());
    assertEquals("not_found", known.code());
    assertEquals("no such endpoint or object", known.body().get("message").asText());
  }

  @Test
  void unknownToken_isUnauthenticated() {
    Reply r = postProject(Tokens.generate(), "{}");
    assertEquals(401, r.status());
    assertEquals("unauthenticated", r.code());
    assertTrue(r.body().get("message").isTextual());
  }

  // ---- POST /projects ----

  @Test
  void createProject_byRole_onlyAdminSucceeds() {
    String json =
        "{\"name\":\"roles\",\"agencies\":[\"dhs\"],\"schemaFingerprint\":\"" + FINGERPRINT + "\"}";
    assertEquals(401, postProject(null, json).status());
    for (String token : List.of(analyst, auditor, dhsSteward)) {
      Reply r = postProject(token, json);
      assertEquals(403, r.status());
      assertEquals("forbidden", r.code());
    }
    Reply ok = postProject(admin, json);
    assertEquals(201, ok.status(), ok.body().toString());
    assertEquals(6, ok.body().get("minCellSize").asInt());
    assertEquals(List.of("dhs"), List.of(ok.body().get("agencies").get(0).asText()));
    Reply again = postProject(admin, json);
    assertEquals(409, again.status());
    assertEquals("conflict", again.code());
  }

  @Test
  void createProject_badInput_isBadRequest() {
    for (String json :
        List.of(
            "not json",
            "[]",
            "{\"name\":\"x\",\"agencies\":[\"dhs\"],\"schemaFingerprint\":\"ABC\"}",
            "{\"name\":\"x\",\"agencies\":[\"nope\"],\"schemaFingerprint\":\""
                + FINGERPRINT
                + "\"}",
            "{\"name\":\"x\",\"agencies\":[],\"schemaFingerprint\":\"" + FINGERPRINT + "\"}",
            "{\"name\":\"x\",\"agencies\":[\"dhs\"],\"schemaFingerprint\":\""
                + FINGERPRINT
                + "\",\"minCellSize\":0}")) {
      Reply r = postProject(admin, json);
      assertEquals(400, r.status(), json);
      assertEquals("bad_request", r.code(), json);
    }
  }

  @Test
  void createProject_purposesAndAttributes_areKeptSortedAndRefusedWhenMalformed() {
    Reply r =
        postProject(
            admin,
            "{\"name\":\"with-attributes\",\"agencies\":[\"dhs\"],\"schemaFingerprint\":\""
                + FINGERPRINT
                + "\",\"purposes\":[\"research\",\"audit\"],\"attributes\":[\"shelter_type\",\"age_band\"]}");
    assertEquals(201, r.status(), r.body().toString());
    assertEquals("[\"audit\",\"research\"]", r.body().get("purposes").toString());
    assertEquals("[\"age_band\",\"shelter_type\"]", r.body().get("attributes").toString());
    assertEquals(
        List.of("age_band", "shelter_type"),
        store.project(r.body().get("id").asLong()).orElseThrow().attributes());
    for (String extra :
        List.of(
            "\"purposes\":\"research\"",
            "\"purposes\":[1]",
            "\"attributes\":[\"Age Band\"]",
            "\"attributes\":[\"a\",\"a\"]")) {
      Reply bad =
          postProject(
              admin,
              "{\"name\":\"bad\",\"agencies\":[\"dhs\"],\"schemaFingerprint\":\""
                  + FINGERPRINT
                  + "\","
                  + extra
                  + "}");
      assertEquals(400, bad.status(), extra);
      assertEquals("bad_request", bad.code(), extra);
    }
  }

  @Test
  void getProjects_stewardSeesOnlyItsAgencysProjects_othersSeeAll() throws Exception {
    long project = newProject();
    assertEquals(
        201, upload(dhsSteward, project, "dhs", extract("dhs", FINGERPRINT, 9, 12)).status());
    for (String token : List.of(admin, analyst, auditor, dhsSteward, acsSteward)) {
      Reply list = send(client, request(server.port(), "/projects", token).GET().build());
      assertEquals(200, list.status(), list.body().toString());
      boolean listed = false;
      for (com.fasterxml.jackson.databind.JsonNode p : list.body().get("projects")) {
        listed |= p.get("id").asLong() == project;
      }
      assertTrue(listed, "listed for the caller");
      Reply one = send(client, request(server.port(), "/projects/" + project, token).GET().build());
      assertEquals(200, one.status());
      assertEquals(9, one.body().get("extracts").get("dhs").get("records").asInt());
      assertTrue(one.body().get("extracts").get("acs").isNull(), "acs has uploaded nothing");
    }
    Reply outsider = send(client, request(server.port(), "/projects", dheSteward).GET().build());
    for (com.fasterxml.jackson.databind.JsonNode p : outsider.body().get("projects")) {
      assertTrue(p.get("agencies").toString().contains("\"dhe\""), p.toString());
    }
    Reply hidden =
        send(client, request(server.port(), "/projects/" + project, dheSteward).GET().build());
    assertEquals(404, hidden.status());
    assertEquals("not_found", hidden.code());
  }

  // ---- PUT /projects/{id}/extracts/{agency} ----

  @Test
  void upload_attributeTheProjectDoesNotAllow_isRefusedAndNothingIsStored() throws Exception {
    long project = newProject();
    Reply r = upload(dhsSteward, project, "dhs", extract("dhs", FINGERPRINT, 5, 11, "gender"));
    assertEquals(422, r.status());
    assertEquals("attribute_not_allowed", r.code());
    assertTrue(r.body().get("message").asText().contains("'gender'"));
    assertNothingStored(project, "dhs");
  }

  @Test
  void upload_byRoleAndAgency_onlyOwnStewardSucceeds() throws Exception {
    long project = newProject();
    byte[] good = extract("dhs", FINGERPRINT, 20, 1);
    assertEquals(401, upload(null, project, "dhs", good).status());
    for (String token : List.of(admin, analyst, auditor, acsSteward)) {
      Reply r = upload(token, project, "dhs", good);
      assertEquals(403, r.status());
      assertEquals("forbidden", r.code());
    }
    // Another agency's steward is told which agency its token is for.
    assertEquals(
        "this token is for the steward of agency 'acs', who may upload only that agency's"
            + " extract, not the extract of agency 'dhs'",
        upload(acsSteward, project, "dhs", good).body().get("message").asText());
    // A steward whose agency is not in the project learns nothing about it.
    Reply outsider = upload(dheSteward, project, "dhe", extract("dhe", FINGERPRINT, 3, 2));
    assertEquals(404, outsider.status());
    assertEquals("not_found", outsider.code());
    assertEquals("no such project", outsider.body().get("message").asText());
    Reply missing = upload(dhsSteward, 999_999, "dhs", good);
    assertEquals(404, missing.status());
    assertNothingStored(project, "dhs");
    Reply ok = upload(dhsSteward, project, "dhs", good);
    assertEquals(201, ok.status(), ok.body().toString());
  }

  @Test
  void upload_good_returnsReceipt_andNewVersionsKeepTheOld() throws Exception {
    long project = newProject();
    byte[] first = extract("dhs", FINGERPRINT, 20, 3);
    Reply r = upload(dhsSteward, project, "dhs", first);
    assertEquals(201, r.status(), r.body().toString());
    assertEquals(20, r.body().get("records").asLong());
    assertEquals(sha256(first), r.body().get("sha256").asText());
    assertEquals(1, r.body().get("version").asInt());

    byte[] second = extract("dhs", FINGERPRINT, 7, 4);
    Reply r2 = upload(dhsSteward, project, "dhs", second);
    assertEquals(2, r2.body().get("version").asInt());
    List<Store.ExtractVersion> versions = store.extractVersions(project, "dhs");
    assertEquals(2, versions.size());
    Store.ExtractVersion current = store.currentExtract(project, "dhs").orElseThrow();
    assertEquals(2, current.version());
    assertEquals(7, current.recordCount());
    assertTrue(Arrays.equals(first, Files.readAllBytes(dir.resolve(versions.get(0).fileName()))));
    assertTrue(Arrays.equals(second, Files.readAllBytes(dir.resolve(current.fileName()))));
    assertIncomingEmpty();
  }

  @Test
  void upload_gzip_isAccepted() throws Exception {
    long project = newProject();
    ByteArrayOutputStream zipped = new ByteArrayOutputStream();
    try (GZIPOutputStream gz = new GZIPOutputStream(zipped)) {
      gz.write(extract("acs", FINGERPRINT, 12, 5));
    }
    byte[] body = zipped.toByteArray();
    Reply r =
        send(
            client,
            request(server.port(), "/projects/" + project + "/extracts/acs", acsSteward)
                .header("Content-Encoding", "gzip")
                .PUT(HttpRequest.BodyPublishers.ofByteArray(body))
                .build());
    assertEquals(201, r.status(), r.body().toString());
    assertEquals(12, r.body().get("records").asLong());
    assertEquals(sha256(body), r.body().get("sha256").asText());
  }

  @Test
  void upload_truncated_isCorruptAndNothingIsStored() throws Exception {
    long project = newProject();
    byte[] good = extract("dhs", FINGERPRINT, 20, 6);
    for (int length : new int[] {0, 5, good.length / 2, good.length - 1}) {
      Reply r = upload(dhsSteward, project, "dhs", Arrays.copyOf(good, length));
      assertEquals(422, r.status(), "length " + length);
      assertEquals("corrupt_extract", r.code(), "length " + length);
    }
    assertNothingStored(project, "dhs");
  }

  @Test
  void upload_truncatedGzip_isCorruptAndNothingIsStored() throws Exception {
    long project = newProject();
    ByteArrayOutputStream zipped = new ByteArrayOutputStream();
    try (GZIPOutputStream gz = new GZIPOutputStream(zipped)) {
      gz.write(extract("dhs", FINGERPRINT, 40, 13));
    }
    byte[] whole = zipped.toByteArray();
    for (int length : new int[] {10, whole.length / 2, whole.length - 4}) {
      Reply r = upload(dhsSteward, project, "dhs", Arrays.copyOf(whole, length));
      assertEquals(422, r.status(), "length " + length + ": " + r.body());
      assertEquals("corrupt_extract", r.code(), "length " + length);
    }
    assertNothingStored(project, "dhs");
  }

  @Test
  void upload_duplicateRecordId_isCorruptAndNothingIsStored() throws Exception {
    long project = newProject();
    Reply r = upload(dhsSteward, project, "dhs", extract("dhs", FINGERPRINT, 9, 14, 1024, true));
    assertEquals(422, r.status(), r.body().toString());
    assertEquals("corrupt_extract", r.code());
    assertFalse(r.body().get("message").asText().contains("r0"), "the id is not quoted");
    assertNothingStored(project, "dhs");
  }

  @Test
  void upload_filtersOfAnotherShapeThanTheOtherAgencys_isRefusedAndNothingIsStored()
      throws Exception {
    long project = newProject();
    assertEquals(
        201, upload(acsSteward, project, "acs", extract("acs", FINGERPRINT, 5, 15)).status());
    Reply r = upload(dhsSteward, project, "dhs", extract("dhs", FINGERPRINT, 5, 16, 512, false));
    assertEquals(422, r.status(), r.body().toString());
    assertEquals("wrong_shape", r.code());
    assertTrue(r.body().get("message").asText().contains("512-bit"), r.body().toString());
    assertEquals(List.of(), store.extractVersions(project, "dhs"));
    assertIncomingEmpty();
  }

  @Test
  void upload_corruptByte_isCorruptAndPreviousVersionStaysCurrent() throws Exception {
    long project = newProject();
    byte[] good = extract("dhs", FINGERPRINT, 20, 7);
    assertEquals(201, upload(dhsSteward, project, "dhs", good).status());
    byte[] bad = extract("dhs", FINGERPRINT, 20, 8);
    bad[bad.length / 2] ^= 0x10;
    Reply r = upload(dhsSteward, project, "dhs", bad);
    assertEquals(422, r.status());
    assertEquals("corrupt_extract", r.code());
    assertFalse(r.body().get("message").asText().contains("r1"), "no record ids in messages");
    assertEquals(1, store.extractVersions(project, "dhs").size());
    assertEquals(1, store.currentExtract(project, "dhs").orElseThrow().version());
    assertIncomingEmpty();
  }

  private static long newProject(boolean refuseFailedAssessment) {
    String json =
        "{\"name\":\"p"
            + PROJECT_NAMES.incrementAndGet()
            + "\",\"agencies\":[\"dhs\",\"acs\"],\"schemaFingerprint\":\""
            + FINGERPRINT
            + "\",\"refuseFailedAssessment\":"
            + refuseFailedAssessment
            + "}";
    Reply r = postProject(admin, json);
    assertEquals(201, r.status(), r.body().toString());
    assertEquals(refuseFailedAssessment, r.body().get("refuseFailedAssessment").asBoolean());
    return r.body().get("id").asLong();
  }

  @Test
  void upload_whoseOwnAssessmentFails_isRefusedWhereTheProjectSaysSo_andRecordedElsewhere()
      throws Exception {
    long refusing = newProject(true);
    long recording = newProject(false);
    byte[] patterned = ServiceFixture.patternedExtract("dhs", FINGERPRINT, 150, 5);

    Reply refused = upload(dhsSteward, refusing, "dhs", patterned);
    Reply recorded = upload(dhsSteward, recording, "dhs", patterned);

    assertEquals(422, refused.status(), refused.body().toString());
    assertEquals("assessment_failed", refused.code());
    assertTrue(
        refused.body().get("message").asText().contains("field filter patterns name:"),
        refused.body().toString());
    assertEquals(List.of(), store.extractVersions(refusing, "dhs"));
    assertIncomingEmpty();
    assertEquals(201, recorded.status(), recorded.body().toString());
    assertEquals("fail", recorded.body().get("assessment").get("verdict").asText());
    StringWriter log = new StringWriter();
    store.exportAudit(log);
    assertTrue(log.toString().contains("\"code\":\"assessment_failed\""), "refusal audited");
    assertTrue(log.toString().contains("\"verdict\":\"fail\""), "verdict audited");
  }

  @Test
  void upload_assessedWithTheOtherAgencysExtract_tellsTheStewardNothingOfIt() throws Exception {
    // The same seed gives the same CLKs: every record of the second agency's extract has a CLK
    // identical to one of the first's. That is audited, but the steward's receipt (and the
    // refusal rule) rest on its own extract alone, which would otherwise tell it how many of its
    // records the other agency holds.
    long project = newProject(true);
    assertEquals(
        201, upload(acsSteward, project, "acs", extract("acs", FINGERPRINT, 40, 9)).status());

    Reply second = upload(dhsSteward, project, "dhs", extract("dhs", FINGERPRINT, 40, 9));

    assertEquals(201, second.status(), second.body().toString());
    JsonNode assessment = second.body().get("assessment");
    assertEquals("pass", assessment.get("verdict").asText(), assessment.toString());
    assertFalse(second.body().toString().contains("identical"), second.body().toString());
    StringWriter log = new StringWriter();
    store.exportAudit(log);
    assertTrue(
        log.toString().contains("CLK clk: 80 records have a CLK identical to another extract's"),
        "the joint assessment is audited");
  }

  @Test
  void upload_encodedUnderAnotherSecret_isRefusedAsWrongSecretAndNothingIsStored()
      throws Exception {
    long project = newProject();
    assertEquals(
        201,
        upload(
                acsSteward,
                project,
                "acs",
                ServiceFixture.extractUnder("ours", "acs", FINGERPRINT, 5, 1))
            .status());
    Reply r =
        upload(
            dhsSteward,
            project,
            "dhs",
            ServiceFixture.extractUnder("theirs", "dhs", FINGERPRINT, 5, 2));
    assertEquals(422, r.status(), r.body().toString());
    assertEquals("wrong_secret", r.code());
    assertTrue(r.body().get("message").asText().contains("another secret"), r.body().toString());
    assertEquals(List.of(), store.extractVersions(project, "dhs"));
    assertIncomingEmpty();
    // The same agency cannot switch secrets under its own earlier version either.
    Reply again =
        upload(
            acsSteward,
            project,
            "acs",
            ServiceFixture.extractUnder("theirs", "acs", FINGERPRINT, 5, 3));
    assertEquals("wrong_secret", again.code());
    assertEquals(1, store.extractVersions(project, "acs").size());
    // Under the same secret it is accepted.
    assertEquals(
        201,
        upload(
                dhsSteward,
                project,
                "dhs",
                ServiceFixture.extractUnder("ours", "dhs", FINGERPRINT, 5, 4))
            .status());
  }

  @Test
  void upload_wrongFingerprint_isRefusedAndNothingIsStored() throws Exception {
    long project = newProject();
    Reply r = upload(dhsSteward, project, "dhs", extract("dhs", OTHER_FINGERPRINT, 5, 9));
    assertEquals(422, r.status());
    assertEquals("wrong_fingerprint", r.code());
    assertNothingStored(project, "dhs");
  }

  @Test
  void upload_headerOfAnotherAgency_isRefusedAndNothingIsStored() throws Exception {
    long project = newProject();
    Reply r = upload(dhsSteward, project, "dhs", extract("acs", FINGERPRINT, 5, 10));
    assertEquals(422, r.status());
    assertEquals("wrong_agency", r.code());
    assertEquals(
        "the extract's header names agency 'acs', not 'dhs': encode it again with --agency dhs",
        r.body().get("message").asText());
    assertNothingStored(project, "dhs");
  }

  @Test
  void upload_overLimit_isTooLargeAndNothingIsStored() throws Exception {
    long project = newProject();
    byte[] big = extract("dhs", FINGERPRINT, 1000, 11);
    assertTrue(big.length > UPLOAD_LIMIT);
    Reply r = upload(dhsSteward, project, "dhs", big);
    assertEquals(413, r.status());
    assertEquals("too_large", r.code());
    assertNothingStored(project, "dhs");
  }

  @Test
  void upload_overLimitWithoutLength_isTooLargeAndNothingIsStored() throws Exception {
    long project = newProject();
    byte[] big = extract("dhs", FINGERPRINT, 1000, 12);
    Reply r =
        send(
            client,
            request(server.port(), "/projects/" + project + "/extracts/dhs", dhsSteward)
                .PUT(
                    HttpRequest.BodyPublishers.ofInputStream(
                        () -> new java.io.ByteArrayInputStream(big)))
                .build());
    assertEquals(413, r.status());
    assertEquals("too_large", r.code());
    assertNothingStored(project, "dhs");
  }

  @Test
  void upload_bodyEndsEarly_isBadRequest_previousVersionStaysAndTempFileIsDeleted()
      throws Exception {
    long project = newProject();
    byte[] good = extract("dhs", FINGERPRINT, 20, 13);
    assertEquals(201, upload(dhsSteward, project, "dhs", good).status());
    byte[] next = extract("dhs", FINGERPRINT, 20, 14);
    try (java.net.Socket socket = new java.net.Socket("127.0.0.1", server.port())) {
      String head =
          "PUT /projects/"
              + project
              + "/extracts/dhs HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer "
              + dhsSteward
              + "\r\nContent-Length: "
              + next.length
              + "\r\n\r\n";
      java.io.OutputStream out = socket.getOutputStream();
      out.write(head.getBytes(java.nio.charset.StandardCharsets.US_ASCII));
      out.write(next, 0, next.length / 2);
      out.flush();
      // Half-close: the server reads the end of the body early and still answers.
      socket.shutdownOutput();
      String answer =
          new String(
              socket.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
      assertTrue(answer.startsWith("HTTP/1.1 400"), answer);
      assertTrue(answer.contains("\"code\":\"bad_request\""), answer);
    }
    // The temporary file is deleted before the answer is sent.
    assertIncomingEmpty();
    assertEquals(1, store.extractVersions(project, "dhs").size());
    assertEquals(1, store.currentExtract(project, "dhs").orElseThrow().version());
  }

  @Test
  void refusals_haveCodeAndMessageOnly() {
    Reply r = postProject(null, "{}");
    assertEquals(List.of("code", "message"), fieldNames(r));
  }

  private static List<String> fieldNames(Reply r) {
    List<String> names = new java.util.ArrayList<>();
    r.body().fieldNames().forEachRemaining(names::add);
    return names;
  }
}
