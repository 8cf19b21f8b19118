package org.pprl.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.pprl.core.query.AgencyRecords;
import org.pprl.fixtures.Agency;

/**
 * Every route of the service against every kind of caller, on one real server: the exact status and
 * code each gets, written as one table ({@link #MATRIX}). Requests that change state are valid, so
 * that the success case really succeeds: a new project name each time, a fresh upload, a run that
 * is started and then cancelled.
 */
class AuthorizationMatrixTest {
  /** Agency A: its steward uploads to and reads matches of the project. */
  private static final Agency A = Agency.CHILDRENS_SERVICES;

  /** Agency B: the project's other agency. */
  private static final Agency B = Agency.HOMELESS_SERVICES;

  /** Agency C: not in the project. */
  private static final Agency C = Agency.EDUCATION;

  private static final String MISSING_PROJECT = "999999";

  /**
   * The expected status of each route for each caller. 401 means code {@code unauthenticated}, 403
   * {@code forbidden}, 404 {@code not_found}; a 2xx answer has no code. The extract path is agency
   * A's, so steward B is "another agency of the project" there. Steward C's agency is in no
   * project: every project path answers it 404, as for a project that does not exist.
   */
  private static final String MATRIX =
      """
      route                                        none unknown admin analyst auditor stA stB stC
      GET  /health                                  200   200    200    200     200   200 200 200
      GET  /openapi.json                            200   200    200    200     200   200 200 200
      POST /projects                                401   401    201    403     403   403 403 403
      GET  /projects                                401   401    200    200     200   200 200 200
      GET  /projects/{project}                      401   401    200    200     200   200 200 404
      GET  /projects/{project}/extracts             401   401    200    403     200   200 200 404
      PUT  /projects/{project}/extracts/{agency}    401   401    403    403     403   201 403 404
      POST /projects/{project}/runs                 401   401    202    403     403   403 403 404
      GET  /projects/{project}/runs                 401   401    200    403     403   403 403 404
      GET  /projects/{project}/runs/{run}           401   401    200    403     403   403 403 404
      POST /projects/{project}/runs/{run}/cancel    401   401    202    403     403   403 403 404
      GET  /projects/{project}/runs/{run}/report    401   401    200    403     403   403 403 404
      POST /projects/{project}/questions            401   401    403    200     403   403 403 404
      GET  /projects/{project}/matches              401   401    403    403     403   200 200 404
      GET  /projects/{project}/statutory            401   401    403    200     403   403 403 404
      GET  /audit                                   401   401    403    403     200   403 403 403
      GET  /audit/releases                          401   401    403    403     200   403 403 403
      POST /audit/checkpoint                        401   401    201    403     201   403 403 403
      GET  /audit/verification                      401   401    403    403     200   403 403 403
      GET  /whoami                                  401   401    200    200     200   200 200 200
      """;

  /** Who calls, in the order of the table's columns. */
  enum Caller {
    NONE,
    UNKNOWN,
    ADMIN,
    ANALYST,
    AUDITOR,
    STEWARD_A,
    STEWARD_B,
    STEWARD_C
  }

  /** One cell of the table. */
  private record Expectation(String route, Caller caller, int status) {
    String code() {
      switch (status) {
        case 401:
          return "unauthenticated";
        case 403:
          return "forbidden";
        case 404:
          return "not_found";
        default:
          assertTrue(status >= 200 && status < 300, "the table holds status " + status);
          return null;
      }
    }
  }

  /** A raw answer: status and body as sent. */
  private record Answer(int status, String body) {
    JsonNode json() {
      try {
        return ServiceFixture.JSON.readTree(body);
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
  }

  @TempDir static Path dir;
  private static RunFixture.City city;
  private static Store store;
  private static LinkageServer server;
  private static HttpClient client;
  private static final Map<Caller, String> tokens = new EnumMap<>(Caller.class);
  private static long project;
  private static long finishedRun;
  private static byte[] extractA;

  /** The run the admin's run request starts, which the cancel requests name. */
  private static volatile long startedRun = -1;

  private static final AtomicInteger NAMES = new AtomicInteger();

  /** Runs stop at their first phase while this is set, until {@link #release} opens. */
  private static volatile boolean holdRuns;

  private static final CountDownLatch release = new CountDownLatch(1);

  @BeforeAll
  static void start() throws Exception {
    city = RunFixture.city(dir.resolve("work"), 2500, 21, A, B);
    extractA = Files.readAllBytes(city.extract(A));
    store = TestStores.open(dir.resolve("data"));
    for (Agency a : List.of(A, B, C)) {
      store.createAgency(a.id());
    }
    Store.NewToken admin = store.createToken(Role.ADMIN, null, "admin");
    tokens.put(Caller.UNKNOWN, Tokens.generate());
    tokens.put(Caller.ADMIN, admin.token());
    tokens.put(Caller.ANALYST, store.createToken(Role.ANALYST, null, null).token());
    tokens.put(Caller.AUDITOR, store.createToken(Role.AUDITOR, null, null).token());
    tokens.put(Caller.STEWARD_A, store.createToken(Role.STEWARD, A.id(), null).token());
    tokens.put(Caller.STEWARD_B, store.createToken(Role.STEWARD, B.id(), null).token());
    tokens.put(Caller.STEWARD_C, store.createToken(Role.STEWARD, C.id(), null).token());
    server = LinkageServer.start(store, 0, 64L << 20, AuthorizationMatrixTest::hook);
    client = HttpClient.newHttpClient();
    project =
        store
            .createProject(
                admin.principal(),
                "matrix",
                List.of(A.id(), B.id()),
                city.fingerprint(),
                6,
                city.purposes(),
                city.attributes(),
                List.of("service_coordination"),
                Store.noQuestions(6))
            .id();
    for (Agency a : List.of(A, B)) {
      Caller steward = a == A ? Caller.STEWARD_A : Caller.STEWARD_B;
      Answer r =
          send(
              "PUT",
              "/projects/" + project + "/extracts/" + a.id(),
              steward,
              HttpRequest.BodyPublishers.ofFile(city.extract(a)));
      assertEquals(201, r.status(), r.body());
    }
    finishedRun =
        RunFixture.startRun(client, server.port(), tokens.get(Caller.ADMIN), project)
            .body()
            .get("run")
            .asLong();
    JsonNode done =
        RunFixture.awaitFinal(
            client, server.port(), tokens.get(Caller.ADMIN), project, finishedRun);
    assertEquals("succeeded", done.get("status").asText(), done.toString());
    holdRuns = true;
  }

  private static void hook(String phase) {
    if (holdRuns) {
      try {
        if (!release.await(RunFixture.WAIT_MILLIS, TimeUnit.MILLISECONDS)) {
          throw new IllegalStateException("the test never released the run");
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
  }

  @AfterAll
  static void stop() {
    release.countDown();
    server.close();
  }

  private static List<Expectation> expectations() {
    List<Expectation> cells = new ArrayList<>();
    List<String> lines = MATRIX.lines().toList();
    for (String line : lines.subList(1, lines.size())) {
      String[] f = line.trim().split("\\s+");
      assertEquals(2 + Caller.values().length, f.length, "a row of the table: " + line);
      for (Caller c : Caller.values()) {
        cells.add(new Expectation(f[0] + " " + f[1], c, Integer.parseInt(f[2 + c.ordinal()])));
      }
    }
    return cells;
  }

  /** The request of {@code route} for {@code caller}, on project {@code projectPath}. */
  private static Answer call(String route, Caller caller, String projectPath) {
    String p = "/projects/" + projectPath;
    String question = "{\"cohort\":{\"agency\":\"" + A.id() + "\"},\"with\":[\"" + B.id() + "\"]}";
    String purpose = city.purposes().get(0);
    switch (route) {
      case "GET /health":
        return send("GET", "/health", caller, null);
      case "GET /openapi.json":
        return send("GET", "/openapi.json", caller, null);
      case "POST /projects":
        return send("POST", "/projects", caller, json(newProjectBody()));
      case "GET /projects":
        return send("GET", "/projects", caller, null);
      case "GET /projects/{project}":
        return send("GET", p, caller, null);
      case "GET /projects/{project}/extracts":
        return send("GET", p + "/extracts", caller, null);
      case "PUT /projects/{project}/extracts/{agency}":
        return send(
            "PUT",
            p + "/extracts/" + A.id(),
            caller,
            // The same records in other bytes: the very bytes again would make no new version.
            HttpRequest.BodyPublishers.ofByteArray(ServiceFixture.gzip(extractA)));
      case "POST /projects/{project}/runs":
        return send("POST", p + "/runs", caller, HttpRequest.BodyPublishers.noBody());
      case "GET /projects/{project}/runs":
        return send("GET", p + "/runs", caller, null);
      case "GET /projects/{project}/runs/{run}":
        return send("GET", p + "/runs/" + finishedRun, caller, null);
      case "POST /projects/{project}/runs/{run}/cancel":
        return send(
            "POST",
            p + "/runs/" + startedRun + "/cancel",
            caller,
            HttpRequest.BodyPublishers.noBody());
      case "POST /projects/{project}/questions":
        return send(
            "POST",
            p + "/questions",
            caller,
            json("{\"purpose\":\"" + purpose + "\",\"question\":" + question + "}"));
      case "GET /projects/{project}/matches":
        return send("GET", p + "/matches?purpose=service_coordination", caller, null);
      case "GET /projects/{project}/statutory":
        return send("GET", p + "/statutory?purpose=" + purpose, caller, null);
      case "GET /audit":
        return send("GET", "/audit", caller, null);
      case "GET /audit/releases":
        return send("GET", "/audit/releases", caller, null);
      case "GET /projects/{project}/runs/{run}/report":
        return send("GET", p + "/runs/" + finishedRun + "/report", caller, null);
      case "GET /audit/verification":
        return send("GET", "/audit/verification", caller, null);
      case "GET /whoami":
        return send("GET", "/whoami", caller, null);
      case "POST /audit/checkpoint":
        return send("POST", "/audit/checkpoint", caller, HttpRequest.BodyPublishers.noBody());
      default:
        throw new AssertionError("the test has no request for route " + route);
    }
  }

  private static String newProjectBody() {
    return "{\"name\":\"matrix-new-"
        + NAMES.incrementAndGet()
        + "\",\"agencies\":[\""
        + A.id()
        + "\",\""
        + B.id()
        + "\"],\"schemaFingerprint\":\""
        + city.fingerprint()
        + "\"}";
  }

  private static HttpRequest.BodyPublisher json(String body) {
    return HttpRequest.BodyPublishers.ofString(body);
  }

  private static Answer send(
      String method, String path, Caller caller, HttpRequest.BodyPublisher body) {
    HttpRequest.Builder b =
        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port() + path))
            .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : body);
    String token = tokens.get(caller);
    if (token != null) {
      b.header("Authorization", "Bearer " + token);
    }
    try {
      HttpResponse<String> r = client.send(b.build(), HttpResponse.BodyHandlers.ofString());
      return new Answer(r.statusCode(), r.body());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  @Test
  void matrix_coversEveryRegisteredRouteAndEveryCaller() {
    Set<String> registered = new TreeSet<>();
    for (LinkageServer.Route r : server.routes()) {
      registered.add(r.method() + " " + r.path());
    }
    Map<String, Set<Caller>> table = new LinkedHashMap<>();
    for (Expectation e : expectations()) {
      assertTrue(
          table.computeIfAbsent(e.route(), k -> EnumSet.noneOf(Caller.class)).add(e.caller()),
          "twice in the table: " + e);
    }
    assertEquals(registered, new TreeSet<>(table.keySet()));
    for (Map.Entry<String, Set<Caller>> row : table.entrySet()) {
      assertEquals(EnumSet.allOf(Caller.class), row.getValue(), row.getKey());
    }
  }

  @Test
  void everyRoute_everyCaller_getsTheStatusAndCodeOfTheTable() throws Exception {
    List<String> wrong = new ArrayList<>();
    for (Expectation e : expectations()) {
      Answer r = call(e.route(), e.caller(), Long.toString(project));
      String code = r.status() >= 400 ? r.json().path("code").asText(null) : null;
      if (r.status() != e.status() || !Objects.equals(code, e.code())) {
        wrong.add(e + " got " + r.status() + " " + code);
        continue;
      }
      afterSuccess(e, r);
    }
    assertEquals(List.of(), wrong);
    assertTrue(startedRun > 0, "the admin started a run");
    release.countDown();
    JsonNode cancelled =
        RunFixture.awaitFinal(client, server.port(), tokens.get(Caller.ADMIN), project, startedRun);
    assertEquals("cancelled", cancelled.get("status").asText(), cancelled.toString());
  }

  /** What a success must hold beyond its status; remembers the run the admin started. */
  private static void afterSuccess(Expectation e, Answer r) {
    if (e.status() >= 300) {
      return;
    }
    switch (e.route()) {
      case "POST /projects/{project}/runs":
        startedRun = r.json().get("run").asLong();
        break;
      case "PUT /projects/{project}/extracts/{agency}":
        assertEquals(2, r.json().get("version").asInt(), r.body());
        break;
      case "GET /projects":
        boolean listed = r.body().contains("\"name\":\"matrix\"");
        assertEquals(e.caller() != Caller.STEWARD_C, listed, e + ": " + r.body());
        break;
      case "POST /projects/{project}/questions":
        assertTrue(r.json().get("table").has("cells"), r.body());
        break;
      default:
        break;
    }
  }

  @Test
  void matrix_everyStatus_isOneTheOpenApiDocumentDescribesForItsRoute() throws Exception {
    JsonNode paths = ServiceFixture.JSON.readTree(LinkageServer.openApiDocument()).get("paths");
    for (Expectation e : expectations()) {
      String[] route = e.route().split(" ");
      JsonNode responses =
          paths.path(route[1]).path(route[0].toLowerCase(Locale.ROOT)).path("responses");
      assertTrue(responses.has(Integer.toString(e.status())), e + " in openapi.json");
    }
  }

  @Test
  void matches_aStewardsAnswer_holdsNoRecordIdOfAnotherAgency() throws Exception {
    AgencyRecords a = AgencyRecords.load(city.extract(A));
    AgencyRecords b = AgencyRecords.load(city.extract(B));
    assertOnlyOwnIds(Caller.STEWARD_A, a, b);
    assertOnlyOwnIds(Caller.STEWARD_B, b, a);
  }

  private static void assertOnlyOwnIds(Caller steward, AgencyRecords own, AgencyRecords other) {
    Answer r = call("GET /projects/{project}/matches", steward, Long.toString(project));
    assertEquals(200, r.status(), r.body());
    JsonNode rows = r.json().get("matches");
    assertTrue(rows.size() >= 5, "a steward with consented matches: " + rows.size());
    for (JsonNode m : rows) {
      assertTrue(own.indexOf(m.get("recordId").asText()) >= 0, "an own record id");
    }
    for (int i = 0; i < other.size(); i++) {
      assertFalse(r.body().contains("\"" + other.id(i) + "\""), "another agency's record id");
    }
  }

  @Test
  void refusal_toACallerWhoMayNotSeeTheProject_isTheSameAsForAMissingProject() {
    int compared = 0;
    for (Expectation e : expectations()) {
      boolean learnsNothing =
          e.caller() == Caller.NONE
              || e.caller() == Caller.UNKNOWN
              || e.caller() == Caller.STEWARD_C;
      if (!learnsNothing || !e.route().contains("{project}")) {
        continue;
      }
      Answer existing = call(e.route(), e.caller(), Long.toString(project));
      Answer missing = call(e.route(), e.caller(), MISSING_PROJECT);
      assertTrue(existing.status() == 401 || existing.status() == 404, e + ": " + existing);
      assertEquals(existing, missing, e.toString());
      compared++;
    }
    assertEquals(3 * 11, compared);
  }
}
