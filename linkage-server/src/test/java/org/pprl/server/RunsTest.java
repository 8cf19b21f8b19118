package org.pprl.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.pprl.server.RunFixture.await;
import static org.pprl.server.RunFixture.awaitFinal;
import static org.pprl.server.RunFixture.links;
import static org.pprl.server.RunFixture.precision;
import static org.pprl.server.RunFixture.startRun;
import static org.pprl.server.ServiceFixture.request;
import static org.pprl.server.ServiceFixture.send;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.io.StringWriter;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.pprl.core.audit.Verification;
import org.pprl.core.audit.Verifier;
import org.pprl.fixtures.Agency;
import org.pprl.server.ServiceFixture.Reply;

/** Runs over HTTP on a real server: linking generated extracts, stable ids, cancel, refusals. */
class RunsTest {
  private static final Agency PA = Agency.PUBLIC_ASSISTANCE;
  private static final Agency HS = Agency.HOMELESS_SERVICES;
  private static final Agency HO = Agency.HOUSING;
  private static final Agency CS = Agency.CHILDRENS_SERVICES;
  private static final AtomicInteger PROJECT_NAMES = new AtomicInteger();

  @TempDir static Path dir;
  private static RunFixture.City city;
  private static Store store;
  private static LinkageServer server;
  private static HttpClient client;
  private static String admin;
  private static String analyst;
  private static final Map<String, String> stewards = new HashMap<>();

  /** The phase a run is held at (a prefix), or null; the hold lasts until {@link #release}. */
  private static volatile String holdAt;

  private static volatile CountDownLatch reached = new CountDownLatch(1);
  private static volatile CountDownLatch release = new CountDownLatch(1);

  @BeforeAll
  static void start() throws IOException {
    city = RunFixture.city(dir.resolve("work"), 3000, 11, PA, HS, HO);
    store = TestStores.open(dir.resolve("data"));
    for (Agency a : List.of(PA, HS, HO, CS, Agency.EDUCATION)) {
      store.createAgency(a.id());
      stewards.put(a.id(), store.createToken(Role.STEWARD, a.id(), null).token());
    }
    admin = store.createToken(Role.ADMIN, null, "admin").token();
    analyst = store.createToken(Role.ANALYST, null, null).token();
    server = LinkageServer.start(store, 0, 64L << 20, RunsTest::hook);
    client = HttpClient.newHttpClient();
  }

  private static void hook(String phase) {
    String at = holdAt;
    if (at != null && phase.startsWith(at)) {
      reached.countDown();
      try {
        if (!release.await(RunFixture.WAIT_MILLIS, TimeUnit.MILLISECONDS)) {
          throw new IllegalStateException("the test never released the run");
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
  }

  /** From now on, runs stop at the first phase starting with {@code phase} until released. */
  private static void holdRunsAt(String phase) {
    reached = new CountDownLatch(1);
    release = new CountDownLatch(1);
    holdAt = phase;
  }

  @AfterEach
  void releaseRuns() {
    holdAt = null;
    release.countDown();
  }

  @AfterAll
  static void stop() {
    server.close();
  }

  private static long newProject(Agency... agencies) {
    StringBuilder json = new StringBuilder("{\"name\":\"runs" + PROJECT_NAMES.incrementAndGet());
    json.append("\",\"agencies\":[");
    for (int i = 0; i < agencies.length; i++) {
      json.append(i == 0 ? "\"" : ",\"").append(agencies[i].id()).append('"');
    }
    json.append("],\"schemaFingerprint\":\"").append(city.fingerprint()).append('"');
    json.append(",\"attributes\":")
        .append(ServiceFixture.JSON.valueToTree(city.attributes()).toString());
    json.append(",\"purposes\":")
        .append(ServiceFixture.JSON.valueToTree(city.purposes()).toString());
    json.append('}');
    Reply r =
        send(
            client,
            request(server.port(), "/projects", admin)
                .POST(HttpRequest.BodyPublishers.ofString(json.toString()))
                .build());
    assertEquals(201, r.status(), r.body().toString());
    return r.body().get("id").asLong();
  }

  private static void upload(long project, Agency a, Path extract) throws IOException {
    Reply r =
        send(
            client,
            request(
                    server.port(),
                    "/projects/" + project + "/extracts/" + a.id(),
                    stewards.get(a.id()))
                .PUT(HttpRequest.BodyPublishers.ofFile(extract))
                .build());
    assertEquals(201, r.status(), r.body().toString());
  }

  private static long projectWithExtracts(Agency... agencies) throws IOException {
    long project = newProject(agencies);
    for (Agency a : agencies) {
      upload(project, a, city.extract(a));
    }
    return project;
  }

  /** Starts a run and waits until it has finished; returns its final JSON. */
  private static JsonNode runToEnd(long project) throws InterruptedException {
    Reply r = startRun(client, server.port(), admin, project);
    assertEquals(202, r.status(), r.body().toString());
    assertEquals("queued", r.body().get("status").asText());
    return awaitFinal(client, server.port(), admin, project, r.body().get("run").asLong());
  }

  @Test
  void run_twoAgencies_succeedsWithLinksTheTruthConfirms() throws Exception {
    long project = projectWithExtracts(PA, HS);

    JsonNode run = runToEnd(project);

    assertEquals("succeeded", run.get("status").asText(), run.toString());
    JsonNode summary = run.get("summary");
    int entities = summary.get("entities").asInt();
    assertTrue(entities > 20, summary.toString());
    // Entities hold two or more records, duplicates inside an agency included.
    int linked = summary.get("linkedRecords").asInt();
    assertTrue(linked >= 2 * entities, summary.toString());
    assertEquals(linked, store.linkCount(project));
    // Links per pair of agencies: across the two, and inside each.
    Map<String, Integer> links = new HashMap<>();
    for (JsonNode pair : summary.get("links")) {
      String a = pair.get("agencies").get(0).asText();
      String b = pair.get("agencies").get(1).asText();
      links.put(a.compareTo(b) < 0 ? a + "," + b : b + "," + a, pair.get("links").asInt());
    }
    String across =
        PA.id().compareTo(HS.id()) < 0 ? PA.id() + "," + HS.id() : HS.id() + "," + PA.id();
    assertEquals(3, links.size(), summary.toString());
    assertTrue(summary.get("comparisons").asLong() > 0, summary.toString());
    assertTrue(summary.get("cuts").get(0).get("matchWeight").isNumber(), summary.toString());
    assertEquals(1, run.get("extracts").get(PA.id()).asInt());
    assertTrue(precision(store, project, city.truth()) > 0.9, summary.toString());
    long truePairs = city.truth().truePairs(PA.id(), HS.id());
    assertTrue(links.get(across) > 0.8 * truePairs, links.get(across) + " links of " + truePairs);
  }

  @Test
  void run_threeAgencies_findsEntitiesAcrossAllThree() throws Exception {
    long project = projectWithExtracts(PA, HS, HO);

    JsonNode run = runToEnd(project);

    assertEquals("succeeded", run.get("status").asText(), run.toString());
    // Three pairs of agencies, and inside each of the three.
    assertEquals(6, run.get("summary").get("links").size(), run.toString());
    Map<String, Integer> sizes = new HashMap<>();
    store.forEachLink(project, l -> sizes.merge(l.linkId(), 1, Integer::sum));
    assertTrue(sizes.containsValue(3), "some entity spans the three agencies");
    assertEquals(run.get("summary").get("entities").asInt(), sizes.size());
    double precision = precision(store, project, city.truth());
    assertTrue(precision > 0.9, "precision " + precision + ", " + run);
  }

  @Test
  void run_sameExtractsAgain_givesIdenticalLinkIds() throws Exception {
    long project = projectWithExtracts(PA, HS, HO);
    assertEquals("succeeded", runToEnd(project).get("status").asText());
    Map<String, Map<String, String>> first = links(store, project);

    JsonNode again = runToEnd(project);

    assertEquals("succeeded", again.get("status").asText());
    assertEquals(first, links(store, project));
    assertEquals(0, again.get("summary").get("linkIdsNew").asInt(), again.toString());
  }

  @Test
  void run_newEntities_getRandomOpaqueIdsThatCountNothing() throws Exception {
    long project = projectWithExtracts(PA, HS);

    JsonNode run = runToEnd(project);

    assertEquals("succeeded", run.get("status").asText(), run.toString());
    TreeSet<String> ids = new TreeSet<>();
    store.forEachLink(project, l -> ids.add(l.linkId()));
    assertEquals(run.get("summary").get("entities").asInt(), ids.size());
    for (String id : ids) {
      assertTrue(LinkIds.NEW_ID.matcher(id).matches(), id);
    }
    // Numbered ids in any fixed-width encoding share all but their last characters; with 100
    // random bits, two of a thousand ids share 8 characters (40 bits) once in two million runs.
    String previous = null;
    for (String id : ids) {
      if (previous != null) {
        assertNotEquals(previous.substring(0, 9), id.substring(0, 9), previous + " and " + id);
      }
      previous = id;
    }
  }

  @Test
  void run_afterChangedUpload_keepsMostLinkIds() throws Exception {
    long project = projectWithExtracts(PA, HS);
    assertEquals("succeeded", runToEnd(project).get("status").asText());
    Map<String, Map<String, String>> before = links(store, project);
    // Homeless services uploads again without five of its records.
    List<String> lines = Files.readAllLines(city.csv(HS));
    List<String> kept = new ArrayList<>(lines.subList(0, 1));
    kept.addAll(lines.subList(6, lines.size()));
    Path csv = Files.write(dir.resolve("hs-changed.csv"), kept);
    Path extract = dir.resolve("hs-changed.pprl");
    city.encode(HS, csv, extract);
    upload(project, HS, extract);

    JsonNode run = runToEnd(project);

    assertEquals("succeeded", run.get("status").asText());
    assertEquals(2, run.get("extracts").get(HS.id()).asInt());
    Map<String, Map<String, String>> after = links(store, project);
    int both = 0;
    int same = 0;
    for (Map.Entry<String, String> e : before.get(PA.id()).entrySet()) {
      String now = after.getOrDefault(PA.id(), Map.of()).get(e.getKey());
      if (now != null) {
        both++;
        same += now.equals(e.getValue()) ? 1 : 0;
      }
    }
    assertTrue(both > 0.9 * before.get(PA.id()).size(), both + " of " + before);
    assertTrue(same >= both - 5, same + " of " + both + " kept their link id");
    assertNotEquals(before, after);
  }

  @Test
  void cancel_runningRun_stopsItAndLeavesTheLinks() throws Exception {
    long project = projectWithExtracts(PA, HS);
    assertEquals("succeeded", runToEnd(project).get("status").asText());
    Map<String, Map<String, String>> before = links(store, project);
    holdRunsAt("comparing fields");
    long run = startRun(client, server.port(), admin, project).body().get("run").asLong();
    assertTrue(reached.await(RunFixture.WAIT_MILLIS, TimeUnit.MILLISECONDS));

    Reply cancel =
        send(
            client,
            request(server.port(), "/projects/" + project + "/runs/" + run + "/cancel", admin)
                .POST(HttpRequest.BodyPublishers.noBody())
                .build());
    release.countDown();

    assertEquals(202, cancel.status(), cancel.body().toString());
    assertEquals("running", cancel.body().get("status").asText());
    JsonNode end = awaitFinal(client, server.port(), admin, project, run);
    assertEquals("cancelled", end.get("status").asText(), end.toString());
    assertTrue(end.get("summary").isNull());
    assertEquals(before, links(store, project));
    Reply again =
        send(
            client,
            request(server.port(), "/projects/" + project + "/runs/" + run + "/cancel", admin)
                .POST(HttpRequest.BodyPublishers.noBody())
                .build());
    assertEquals(409, again.status());
    assertEquals("run_finished", again.code());
  }

  @Test
  void start_whileARunIsRunning_isRefusedAndAQueuedRunCanBeCancelled() throws Exception {
    long project = projectWithExtracts(PA, HS);
    long other = projectWithExtracts(PA, HS);
    holdRunsAt("loading");
    long run = startRun(client, server.port(), admin, project).body().get("run").asLong();
    assertTrue(reached.await(RunFixture.WAIT_MILLIS, TimeUnit.MILLISECONDS));
    JsonNode running =
        await(
            client,
            server.port(),
            admin,
            project,
            run,
            j -> j.get("status").asText().equals("running"));
    assertEquals("starting", running.get("phase").asText());

    Reply second = startRun(client, server.port(), admin, project);
    // The one worker is busy: a run of another project waits in the queue.
    Reply queued = startRun(client, server.port(), admin, other);
    long queuedRun = queued.body().get("run").asLong();
    Reply cancelQueued =
        send(
            client,
            request(server.port(), "/projects/" + other + "/runs/" + queuedRun + "/cancel", admin)
                .POST(HttpRequest.BodyPublishers.noBody())
                .build());
    holdAt = null;
    release.countDown();

    assertEquals(409, second.status(), second.body().toString());
    assertEquals("run_active", second.code());
    assertEquals(202, queued.status());
    assertEquals("cancelled", cancelQueued.body().get("status").asText());
    assertEquals(
        "succeeded", awaitFinal(client, server.port(), admin, project, run).get("status").asText());
    assertEquals(
        "cancelled",
        awaitFinal(client, server.port(), admin, other, queuedRun).get("status").asText());
    assertEquals(0, store.linkCount(other));
  }

  @Test
  void start_agencyWithoutExtract_isRefusedNamingIt() throws Exception {
    long project = newProject(PA, HS);
    upload(project, PA, city.extract(PA));

    Reply r = startRun(client, server.port(), admin, project);

    assertEquals(409, r.status());
    assertEquals("no_extract", r.code());
    assertTrue(r.body().get("message").asText().contains("'" + HS.id() + "'"), r.body().toString());
    assertTrue(store.runs(project).isEmpty());
  }

  @Test
  void runs_byRole_onlyAdminsAndOnlyProjectsTheyMaySee() throws Exception {
    long project = projectWithExtracts(PA, HS);
    JsonNode run = runToEnd(project);
    long id = run.get("run").asLong();
    long other = newProject(CS, Agency.EDUCATION);
    String paths = "/projects/" + project + "/runs";

    // Analysts and the project's own stewards may not; stewards of other projects see nothing.
    assertEquals(403, startRun(client, server.port(), analyst, project).status());
    assertEquals(403, startRun(client, server.port(), stewards.get(PA.id()), project).status());
    Reply foreign = startRun(client, server.port(), stewards.get(CS.id()), project);
    assertEquals(404, foreign.status());
    assertEquals("not_found", foreign.code());
    for (String path : List.of(paths, paths + "/" + id)) {
      assertEquals(403, get(path, analyst).status(), path);
      assertEquals(403, get(path, stewards.get(HS.id())).status(), path);
      assertEquals(404, get(path, stewards.get(CS.id())).status(), path);
      assertEquals(401, get(path, null).status(), path);
    }
    Reply cancel =
        send(
            client,
            request(server.port(), paths + "/" + id + "/cancel", stewards.get(CS.id()))
                .POST(HttpRequest.BodyPublishers.noBody())
                .build());
    assertEquals(404, cancel.status());
    // A run is found only under its own project, and only projects that exist.
    assertEquals(404, get("/projects/" + other + "/runs/" + id, admin).status());
    assertEquals(404, get("/projects/999999/runs", admin).status());
    assertEquals(404, get(paths + "/x", admin).status());
    Reply list = get(paths, admin);
    assertEquals(200, list.status());
    assertEquals(id, list.body().get("runs").get(0).get("run").asLong());
  }

  @Test
  void auditLog_afterRuns_verifiesAndHoldsNoLinkOrRecordId() throws Exception {
    long project = projectWithExtracts(PA, HS);
    runToEnd(project);

    StringWriter log = new StringWriter();
    store.exportAudit(log);

    Verification v = Verifier.verify(log.toString().lines().toList(), store.auditPublicKey());
    assertTrue(v.ok(), v.toString());
    assertTrue(log.toString().contains("\"action\":\"run.finish\""));
    assertTrue(log.toString().contains("\"action\":\"run.start\""));
    store.forEachLink(
        project,
        l -> {
          assertFalse(log.toString().contains(l.linkId()), "no link id in the audit log");
          assertFalse(log.toString().contains(l.recordId()), "no record id in the audit log");
        });
  }

  private static Reply get(String path, String token) {
    return send(client, request(server.port(), path, token).GET().build());
  }
}
