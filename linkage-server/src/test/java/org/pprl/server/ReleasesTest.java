package org.pprl.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.pprl.server.ServiceFixture.FINGERPRINT;
import static org.pprl.server.ServiceFixture.request;
import static org.pprl.server.ServiceFixture.send;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.StringWriter;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.pprl.server.ServiceFixture.Reply;

/**
 * What auditors see of a steward's uploads, on a real server: the record ids each upload added and
 * removed (receipt, version listing, audit event).
 */
class ReleasesTest {
  @TempDir Path dir;
  private Store store;
  private LinkageServer server;
  private HttpClient client;
  private String admin;
  private String analyst;
  private String auditor;
  private Store.NewToken dhs;
  private Store.NewToken acs;

  @BeforeEach
  void start() throws Exception {
    store = Store.open(dir);
    store.createAgency("dhs");
    store.createAgency("acs");
    admin = store.createToken(Role.ADMIN, null, null).token();
    analyst = store.createToken(Role.ANALYST, null, null).token();
    auditor = store.createToken(Role.AUDITOR, null, null).token();
    dhs = store.createToken(Role.STEWARD, "dhs", null);
    acs = store.createToken(Role.STEWARD, "acs", null);
    server = LinkageServer.start(store, 0, 1 << 20);
    client = HttpClient.newHttpClient();
  }

  @AfterEach
  void stop() {
    server.close();
  }

  private long createProject(String name) {
    Reply r =
        send(
            client,
            request(server.port(), "/projects", admin)
                .POST(
                    HttpRequest.BodyPublishers.ofString(
                        "{\"name\":\""
                            + name
                            + "\",\"agencies\":[\"dhs\",\"acs\"],\"schemaFingerprint\":\""
                            + FINGERPRINT
                            + "\"}"))
                .build());
    assertEquals(201, r.status(), r.body().toString());
    return r.body().get("id").asLong();
  }

  /** Uploads dhs's extract holding records {@code r<from>} to {@code r<to - 1>}. */
  private Reply uploadDhs(long project, int from, int to) {
    List<String> ids = IntStream.range(from, to).mapToObj(i -> "r" + i).toList();
    return send(
        client,
        request(server.port(), "/projects/" + project + "/extracts/dhs", dhs.token())
            .PUT(
                HttpRequest.BodyPublishers.ofByteArray(
                    ServiceFixture.extractWithIds("dhs", FINGERPRINT, ids, from)))
            .build());
  }

  private Reply get(String path, String token) {
    return send(client, request(server.port(), path, token).GET().build());
  }

  private List<JsonNode> auditEvents(String action) throws Exception {
    StringWriter log = new StringWriter();
    store.exportAudit(log);
    List<JsonNode> events = new ArrayList<>();
    for (String line : log.toString().lines().toList()) {
      JsonNode e = ServiceFixture.JSON.readTree(line);
      if (action.equals(e.path("action").asText())) {
        events.add(e);
      }
    }
    return events;
  }

  @Test
  void upload_addsThreeRemovesTwo_showsAddedThreeRemovedTwoToAdminsAndAuditors() throws Exception {
    long project = createProject("p");
    Reply first = uploadDhs(project, 0, 10);
    assertEquals(201, first.status(), first.body().toString());
    assertEquals(10, first.body().get("added").asLong());
    assertEquals(0, first.body().get("removed").asLong());

    // r0 and r1 leave, r10 to r12 arrive.
    Reply second = uploadDhs(project, 2, 13);

    assertEquals(201, second.status(), second.body().toString());
    assertEquals(3, second.body().get("added").asLong(), second.body().toString());
    assertEquals(2, second.body().get("removed").asLong());
    List<Store.ExtractVersion> versions = store.extractVersions(project, "dhs");
    assertEquals(new Store.ExtractChange(10, 0), versions.get(0).change());
    assertEquals(new Store.ExtractChange(3, 2), versions.get(1).change());
    JsonNode listed = get("/projects/" + project, admin).body().get("extracts").get("dhs");
    assertEquals(2, listed.get("version").asInt(), listed.toString());
    assertEquals(3, listed.get("added").asLong(), listed.toString());
    assertEquals(2, listed.get("removed").asLong());
    JsonNode seenByAuditor = get("/projects", auditor).body().get("projects").get(0);
    assertEquals(3, seenByAuditor.get("extracts").get("dhs").get("added").asLong());
    // Another agency's steward sees the version, not how the extract changed.
    JsonNode seenByAcs = get("/projects/" + project, acs.token()).body().get("extracts");
    assertFalse(seenByAcs.get("dhs").has("added"), seenByAcs.toString());
    assertFalse(seenByAcs.get("dhs").has("removed"), seenByAcs.toString());
    List<JsonNode> uploads = auditEvents("extract.upload");
    assertEquals(2, uploads.size());
    assertEquals(3, uploads.get(1).get("detail").get("added").asLong(), uploads.toString());
    assertEquals(2, uploads.get(1).get("detail").get("removed").asLong());
    assertEquals(10, uploads.get(0).get("detail").get("added").asLong());
  }

  @Test
  void upload_sameIdsAgain_addsAndRemovesNothing() {
    long project = createProject("p");
    assertEquals(201, uploadDhs(project, 0, 5).status());

    Reply again = uploadDhs(project, 0, 5);

    assertEquals(0, again.body().get("added").asLong(), again.body().toString());
    assertEquals(0, again.body().get("removed").asLong());
  }
}
