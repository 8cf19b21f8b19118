package org.pprl.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.pprl.server.ServiceFixture.FINGERPRINT;
import static org.pprl.server.ServiceFixture.request;
import static org.pprl.server.ServiceFixture.send;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.StringWriter;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.pprl.server.ServiceFixture.Reply;

/**
 * What auditors see of a steward's uploads and releases, on a real server: the record ids each
 * upload added and removed (version listing, audit event, {@code GET /audit/releases}), and the
 * matches released per project, agency and UTC day.
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
    store = TestStores.open(dir);
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
    return uploadDhs(project, from, to, from);
  }

  /** As {@link #uploadDhs(long, int, int)}, with encodings drawn from {@code seed}. */
  private Reply uploadDhs(long project, int from, int to, long seed) {
    List<String> ids = IntStream.range(from, to).mapToObj(i -> "r" + i).toList();
    return send(
        client,
        request(server.port(), "/projects/" + project + "/extracts/dhs", dhs.token())
            .PUT(
                HttpRequest.BodyPublishers.ofByteArray(
                    ServiceFixture.extractWithIds("dhs", FINGERPRINT, ids, seed)))
            .build());
  }

  private Reply get(String path, String token) {
    return send(client, request(server.port(), path, token).GET().build());
  }

  /** The auditor's summary entry of one agency of one project. */
  private JsonNode releasesOf(long project, String agency) {
    Reply r = get("/audit/releases", auditor);
    assertEquals(200, r.status(), r.body().toString());
    for (JsonNode p : r.body().get("projects")) {
      if (p.get("project").asLong() == project) {
        for (JsonNode a : p.get("agencies")) {
          if (a.get("agency").asText().equals(agency)) {
            return a;
          }
        }
      }
    }
    throw new AssertionError("no entry for " + agency + " in project " + project + ": " + r);
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
    JsonNode summary = releasesOf(project, "dhs").get("uploads");
    assertEquals(2, summary.size(), summary.toString());
    assertEquals(2, summary.get(1).get("version").asInt());
    assertEquals(11, summary.get(1).get("records").asLong());
    assertEquals(3, summary.get(1).get("added").asLong());
    assertEquals(2, summary.get(1).get("removed").asLong());
    assertEquals(dhs.principal().id(), summary.get(1).get("steward").asLong());
    assertEquals(10, summary.get(0).get("added").asLong());
    assertEquals(0, summary.get(0).get("removed").asLong());
  }

  @Test
  void upload_sameIdsAgain_addsAndRemovesNothing() {
    long project = createProject("p");
    assertEquals(201, uploadDhs(project, 0, 5).status());

    // The same ids with other encodings (the very same bytes would make no new version).
    Reply again = uploadDhs(project, 0, 5, 99);

    assertEquals(201, again.status(), again.body().toString());
    assertEquals(0, again.body().get("added").asLong(), again.body().toString());
    assertEquals(0, again.body().get("removed").asLong());
  }

  @Test
  void getReleases_byRole_onlyAuditorReads_andTheReadIsLogged() throws Exception {
    assertEquals(401, get("/audit/releases", null).status());
    assertEquals(401, get("/audit/releases", Tokens.generate()).status());
    for (String token : List.of(admin, analyst, dhs.token(), acs.token())) {
      Reply r = get("/audit/releases", token);
      assertEquals(403, r.status(), r.body().toString());
      assertEquals("forbidden", r.code());
    }

    Reply r = get("/audit/releases", auditor);

    assertEquals(200, r.status(), r.body().toString());
    assertEquals(0, r.body().get("projects").size(), r.body().toString());
    List<JsonNode> reads = auditEvents("audit.releases");
    assertEquals(1, reads.size(), reads.toString());
    assertEquals("auditor", reads.get(0).get("role").asText());
  }

  @Test
  void getReleases_releasesOnTwoDays_areCountedPerProjectAgencyAndUtcDay() throws Exception {
    long project = createProject("p");
    long other = createProject("q");
    // The events Disclosures.matches appends, at times set below: dhs twice on March 1 (one a
    // second before midnight UTC) and once on March 2, acs once on March 2, dhs once in the other
    // project.
    List<Long> seqs = new ArrayList<>();
    seqs.add(release(dhs, project, 5));
    seqs.add(release(dhs, project, 7));
    seqs.add(release(dhs, project, 11));
    seqs.add(release(acs, project, 4));
    seqs.add(release(dhs, other, 6));
    List<String> times =
        List.of(
            "2026-03-01T08:00:00Z",
            "2026-03-01T23:59:59.999Z",
            "2026-03-02T00:00:00Z",
            "2026-03-02T10:00:00Z",
            "2026-03-02T11:00:00Z");
    try (Connection c = TestStores.connect(dir);
        PreparedStatement s =
            c.prepareStatement("UPDATE audit_events SET time = ? WHERE seq = ?")) {
      for (int i = 0; i < seqs.size(); i++) {
        s.setString(1, times.get(i));
        s.setLong(2, seqs.get(i));
        assertEquals(1, s.executeUpdate());
      }
    }

    JsonNode dhsDays = releasesOf(project, "dhs").get("releases");
    JsonNode acsDays = releasesOf(project, "acs").get("releases");
    JsonNode otherDays = releasesOf(other, "dhs").get("releases");

    assertEquals(
        List.of(day("2026-03-01", 2, 12, dhs), day("2026-03-02", 1, 11, dhs)), days(dhsDays));
    assertEquals(List.of(day("2026-03-02", 1, 4, acs)), days(acsDays));
    assertEquals(List.of(day("2026-03-02", 1, 6, dhs)), days(otherDays));
    assertTrue(releasesOf(project, "acs").get("uploads").isEmpty());
  }

  /** Appends a matches.release event as Disclosures.matches does; returns its sequence number. */
  private long release(Store.NewToken steward, long project, long records) throws Exception {
    Map<String, Object> detail = new LinkedHashMap<>();
    detail.put("project", project);
    detail.put("run", 1);
    detail.put("agency", steward.principal().agency());
    detail.put("records", records);
    store.audit(steward.principal(), "research", "matches.release", detail);
    List<JsonNode> events = auditEvents("matches.release");
    return events.get(events.size() - 1).get("seq").asLong();
  }

  private static String day(String day, long releases, long records, Store.NewToken steward) {
    return day
        + " releases="
        + releases
        + " records="
        + records
        + " stewards=["
        + steward.principal().id()
        + "]";
  }

  private static List<String> days(JsonNode days) {
    List<String> out = new ArrayList<>();
    for (JsonNode d : days) {
      out.add(
          d.get("day").asText()
              + " releases="
              + d.get("releases").asLong()
              + " records="
              + d.get("records").asLong()
              + " stewards="
              + d.get("stewards"));
    }
    return out;
  }
}
