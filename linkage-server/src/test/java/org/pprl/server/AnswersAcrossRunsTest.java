package org.pprl.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.pprl.server.ServiceFixture.request;
import static org.pprl.server.ServiceFixture.send;

import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.pprl.fixtures.Agency;
import org.pprl.server.ServiceFixture.Reply;

/**
 * Answers come from the project's latest finished run although the loaded population of a run is
 * cached ({@code Disclosures}): once a new run finishes, the next answer is the new run's, and a
 * service whose cache is cold gives the same perturbed numbers as one that answers from its cache.
 */
class AnswersAcrossRunsTest {
  private static final Agency CS = Agency.CHILDRENS_SERVICES;
  private static final Agency HS = Agency.HOMELESS_SERVICES;
  private static final String WINDOW = DisclosuresTest.WINDOW;

  @TempDir static Path dir;
  private static RunFixture.City city;
  private static Store store;
  private static LinkageServer server;
  private static HttpClient client;
  private static String admin;
  private static String analyst;
  private static String csSteward;
  private static String hsSteward;
  private static long project;

  @BeforeAll
  static void start() throws Exception {
    city = RunFixture.city(dir.resolve("work"), 12000, 5, CS, HS);
    store = TestStores.open(dir.resolve("data"));
    store.createAgency(CS.id());
    store.createAgency(HS.id());
    csSteward = store.createToken(Role.STEWARD, CS.id(), null).token();
    hsSteward = store.createToken(Role.STEWARD, HS.id(), null).token();
    Store.NewToken adminToken = store.createToken(Role.ADMIN, null, "admin");
    admin = adminToken.token();
    analyst = store.createToken(Role.ANALYST, null, null).token();
    DisclosuresTest.fixedCellKeySecret(store.dataDir());
    server = LinkageServer.start(store, 0, 64L << 20);
    client = HttpClient.newHttpClient();
    project =
        store
            .createProject(
                adminToken.principal(),
                "linked",
                List.of(CS.id(), HS.id()),
                city.fingerprint(),
                6,
                List.of("research", "service_coordination"),
                city.attributes(),
                List.of("service_coordination"),
                DisclosuresTest.policy())
            .id();
    upload(CS, city.extract(CS), csSteward);
    upload(HS, city.extract(HS), hsSteward);
    runToSuccess();
  }

  @AfterAll
  static void stop() {
    server.close();
  }

  private static void upload(Agency agency, Path extract, String steward)
      throws java.io.FileNotFoundException {
    Reply r =
        send(
            client,
            request(server.port(), "/projects/" + project + "/extracts/" + agency.id(), steward)
                .PUT(HttpRequest.BodyPublishers.ofFile(extract))
                .build());
    assertEquals(201, r.status(), r.body().toString());
  }

  private static long runToSuccess() throws Exception {
    long run =
        RunFixture.startRun(client, server.port(), admin, project).body().get("run").asLong();
    assertEquals(
        "succeeded",
        RunFixture.awaitFinal(client, server.port(), admin, project, run).get("status").asText());
    return run;
  }

  private static Reply ask(LinkageServer at) {
    String body = "{\"purpose\":\"research\",\"question\":" + WINDOW + "}";
    Reply r =
        send(
            client,
            request(at.port(), "/projects/" + project + "/questions", analyst)
                .POST(HttpRequest.BodyPublishers.ofString(body))
                .build());
    assertEquals(200, r.status(), r.body().toString());
    return r;
  }

  @Test
  void question_afterANewRunFinishes_isAnsweredFromItAsAColdServerWould() throws Exception {
    Reply first = ask(server);
    assertEquals(first.body(), ask(server).body(), "the same answer until the next run");

    // Homeless services uploads again without its first half of records, and a new run finishes.
    List<String> lines = Files.readAllLines(city.csv(HS));
    List<String> kept = new ArrayList<>(lines.subList(0, 1));
    kept.addAll(lines.subList(lines.size() / 2, lines.size()));
    Path csv = Files.write(dir.resolve("hs-half.csv"), kept);
    Path extract = dir.resolve("hs-half.pprl");
    city.encode(HS, csv, extract);
    upload(HS, extract, hsSteward);
    long second = runToSuccess();

    Reply after = ask(server);
    assertEquals(second, after.body().get("run").asLong());
    assertNotEquals(first.body().get("run"), after.body().get("run"));
    assertNotEquals(first.body().get("table"), after.body().get("table"), "not the old answer");

    assertEquals(after.body(), ask(server).body(), "the cached answer stays the same");

    // The service started again on the same store has nothing cached: the same perturbed numbers.
    server.close();
    store = TestStores.open(dir.resolve("data"));
    server = LinkageServer.start(store, 0, 64L << 20);
    assertEquals(after.body(), ask(server).body());
  }
}
