package org.pprl.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.pprl.server.ServiceFixture.request;
import static org.pprl.server.ServiceFixture.send;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.pprl.fixtures.Agency;
import org.pprl.server.ServiceFixture.Reply;

/**
 * The attacks an adversarial analyst made on the question API, each as a regression test against a
 * city the size of the demo's, and an exact attacker ({@link ExactAttacker}) over everything the
 * analyst received: several questions, two runs (one record removed between them) and two projects
 * over the same extracts. The promise: nothing in 1..5 becomes exactly known, and no fact about the
 * removed person follows.
 *
 * <p>On SQLite and again on PostgreSQL ({@link TestStores}): the projects, runs, link sets and
 * answers come from the store. The exact attacker runs on SQLite only: it is some 50 s of solving
 * over the answers received, which the other tests check on both stores.
 */
class AnalystAttackTest {
  private static final Agency CS = Agency.CHILDRENS_SERVICES;
  private static final Agency HS = Agency.HOMELESS_SERVICES;
  private static final Agency PA = Agency.PUBLIC_ASSISTANCE;
  private static final int MIN_CELL = 6;
  private static final int MAX_NOISE = 4; // the documented main table's bound

  private static final String FOSTER = "{\"agency\":\"childrens_services\",\"where\":WHERE}";
  private static final String FOSTER_Y = "{\"foster_care\":[\"Y\"]}";
  private static final String TO_SHELTER =
      "{\"cohort\":COHORT,"
          + "\"from\":{\"agency\":\"childrens_services\",\"attribute\":\"foster_discharge_date\"},"
          + "\"to\":{\"agency\":\"homeless_services\",\"attribute\":\"shelter_entry_date\"},"
          + "\"days\":[30,60,90,180,365]ROWS}";
  private static final String SHELTER_ROWS =
      ",\"rows\":{\"agency\":\"homeless_services\",\"attribute\":\"shelter_type\"}";
  private static final String TO_ASSISTANCE =
      "{\"cohort\":COHORT,"
          + "\"from\":{\"agency\":\"childrens_services\",\"attribute\":\"foster_discharge_date\"},"
          + "\"to\":{\"agency\":\"public_assistance\",\"attribute\":\"case_open_date\"},"
          + "\"days\":[30,60,180],"
          + "\"rows\":{\"agency\":\"public_assistance\",\"attribute\":\"case_type\"}}";
  private static final String OVERLAP =
      "{\"cohort\":COHORT,\"with\":[\"homeless_services\",\"public_assistance\"]ROWS}";

  @TempDir static Path dir;
  private static RunFixture.City city;
  private static Store store;
  private static LinkageServer server;
  private static HttpClient client;
  private static String admin;
  private static String analyst;
  private static long project;
  private static long twin;

  /** Every answer of run 1 of {@link #project}, by question. */
  private static final Map<String, JsonNode> firstRun = new LinkedHashMap<>();

  /** Every answer of run 2 (one foster-care leaver's record removed), by question. */
  private static final Map<String, JsonNode> secondRun = new LinkedHashMap<>();

  @BeforeAll
  static void start() throws Exception {
    city = RunFixture.city(dir.resolve("work"), 20_000, 1, CS, HS, PA);
    store = TestStores.open(dir.resolve("data"));
    Map<String, String> stewards = new LinkedHashMap<>();
    for (Agency a : List.of(CS, HS, PA)) {
      store.createAgency(a.id());
      stewards.put(a.id(), store.createToken(Role.STEWARD, a.id(), null).token());
    }
    Store.NewToken adminToken = store.createToken(Role.ADMIN, null, "admin");
    admin = adminToken.token();
    analyst = store.createToken(Role.ANALYST, null, null).token();
    DisclosuresTest.fixedCellKeySecret(store.dataDir());
    server = LinkageServer.start(store, 0, 64L << 20);
    client = HttpClient.newHttpClient();
    project = newProject(adminToken.principal(), "first");
    twin = newProject(adminToken.principal(), "twin");
    for (long p : List.of(project, twin)) {
      for (Agency a : List.of(CS, HS, PA)) {
        upload(p, a, city.extract(a), stewards.get(a.id()));
      }
      run(p);
    }
    for (String q : questions()) {
      firstRun.put(q, answer(project, q));
    }
    firstStatutory = statutory(project);
    // The children's services steward uploads again without one foster-care leaver who entered a
    // shelter; the project is run again.
    Path fewer = dir.resolve("work").resolve("childrens_services_fewer.csv");
    removeOneFosterLeaverWhoEnteredAShelter(city.csv(CS), fewer);
    Path extract = dir.resolve("work").resolve("childrens_services_fewer.pprl");
    city.encode(CS, fewer, extract);
    upload(project, CS, extract, stewards.get(CS.id()));
    run(project);
    for (String q : questions()) {
      secondRun.put(q, answer(project, q));
    }
    secondStatutory = statutory(project);
  }

  private static JsonNode firstStatutory;
  private static JsonNode secondStatutory;

  @AfterAll
  static void stop() {
    server.close();
  }

  private static long newProject(Principal admin, String name) throws IOException {
    List<Store.Statutory> statutory = new ArrayList<>();
    for (int i : STATUTORY) {
      statutory.add(
          new Store.Statutory("law_" + i, ServiceFixture.JSON.readTree(questions().get(i))));
    }
    return store
        .createProject(
            admin,
            name,
            List.of(CS.id(), HS.id(), PA.id()),
            city.fingerprint(),
            MIN_CELL,
            List.of("research", "service_coordination"),
            city.attributes(),
            List.of("service_coordination"),
            DisclosuresTest.policy(),
            statutory,
            false)
        .id();
  }

  /** The questions (by index in {@link #questions}) the projects also declare statutory. */
  private static final int[] STATUTORY = {0, 2};

  private static JsonNode statutory(long p) {
    Reply r =
        send(
            client,
            request(server.port(), "/projects/" + p + "/statutory?purpose=research", analyst)
                .GET()
                .build());
    assertEquals(200, r.status(), r.body().toString());
    return r.body().get("tables");
  }

  private static void upload(long p, Agency a, Path file, String token) throws IOException {
    Reply r =
        send(
            client,
            request(server.port(), "/projects/" + p + "/extracts/" + a.id(), token)
                .PUT(HttpRequest.BodyPublishers.ofFile(file))
                .build());
    assertEquals(201, r.status(), r.body().toString());
  }

  private static void run(long p) throws InterruptedException {
    long run = RunFixture.startRun(client, server.port(), admin, p).body().get("run").asLong();
    assertEquals(
        "succeeded",
        RunFixture.awaitFinal(client, server.port(), admin, p, run).get("status").asText());
  }

  private static String cohort(String where) {
    return FOSTER.replace("WHERE", where);
  }

  /** The ordinary questions the analyst asks in both runs and both projects. */
  private static List<String> questions() {
    String fosterY = cohort(FOSTER_Y);
    return List.of(
        TO_SHELTER.replace("COHORT", fosterY).replace("ROWS", SHELTER_ROWS),
        TO_SHELTER.replace("COHORT", fosterY).replace("ROWS", ""),
        TO_ASSISTANCE.replace("COHORT", fosterY),
        OVERLAP.replace("COHORT", fosterY).replace("ROWS", ""),
        OVERLAP
            .replace("COHORT", fosterY)
            .replace(
                "ROWS", ",\"rows\":{\"agency\":\"childrens_services\",\"attribute\":\"gender\"}"),
        OVERLAP
            .replace("COHORT", fosterY)
            .replace(
                "ROWS",
                ",\"rows\":{\"agency\":\"homeless_services\",\"attribute\":\"shelter_type\"}"));
  }

  private static Reply ask(long p, String question) {
    String body = "{\"purpose\":\"research\",\"question\":" + question + "}";
    return send(
        client,
        request(server.port(), "/projects/" + p + "/questions", analyst)
            .POST(HttpRequest.BodyPublishers.ofString(body))
            .build());
  }

  private static JsonNode answer(long p, String question) {
    Reply r = ask(p, question);
    assertEquals(200, r.status(), question + " -> " + r.body());
    return r.body().get("table");
  }

  /** Copies the CSV without one foster-care leaver with a discharge date who is in a shelter. */
  private static void removeOneFosterLeaverWhoEnteredAShelter(Path csv, Path out)
      throws IOException {
    List<String> lines = Files.readAllLines(csv);
    List<String> header = List.of(lines.get(0).split(",", -1));
    int id = header.indexOf("record_id");
    int foster = header.indexOf("foster_care");
    int discharge = header.indexOf("foster_discharge_date");
    List<String> kept = new ArrayList<>();
    kept.add(lines.get(0));
    boolean removed = false;
    for (String line : lines.subList(1, lines.size())) {
      String[] f = line.split(",", -1);
      if (!removed
          && f.length == header.size()
          && f[foster].equals("Y")
          && !f[discharge].isEmpty()
          && inShelter(f[id])) {
        removed = true;
        continue;
      }
      kept.add(line);
    }
    assertTrue(removed, "the city has a foster-care leaver who entered a shelter");
    Files.write(out, kept);
  }

  private static boolean inShelter(String childrensServicesId) throws IOException {
    if (personsInShelters.isEmpty()) {
      Map<String, String> personOf = new LinkedHashMap<>();
      for (String line : Files.readAllLines(city.dir().resolve("city").resolve("truth.csv"))) {
        String[] f = line.split(",", -1);
        if (f[0].equals(HS.id())) {
          personsInShelters.add(f[2]);
        } else if (f[0].equals(CS.id())) {
          personOf.put(f[1], f[2]);
        }
      }
      personOfChild.putAll(personOf);
    }
    String person = personOfChild.get(childrensServicesId);
    return person != null && personsInShelters.contains(person);
  }

  private static final Set<String> personsInShelters = new HashSet<>();
  private static final Map<String, String> personOfChild = new LinkedHashMap<>();

  // ---- the attack families of the report, one by one ----

  @Test
  void recordValuesAsLabelsOrFilters_areRefused() {
    String fosterY = cohort(FOSTER_Y);
    String byDate =
        TO_SHELTER
            .replace("COHORT", fosterY)
            .replace(
                "ROWS",
                ",\"rows\":{\"agency\":\"childrens_services\",\"attribute\":\"foster_discharge_date\"}");
    String oneDate =
        TO_SHELTER
            .replace("COHORT", cohort("{\"foster_discharge_date\":[\"2023-11-25\"]}"))
            .replace("ROWS", "");
    for (String q : List.of(byDate, oneDate)) {
      Reply r = ask(project, q);
      assertEquals("question_not_allowed", r.code(), r.body().toString());
    }
  }

  @Test
  void nestedWindows_areRefused() {
    for (String days : List.of("[35]", "[36]", "[30,35]", "[59,60]")) {
      Reply r =
          ask(
              project,
              TO_SHELTER
                  .replace("COHORT", cohort(FOSTER_Y))
                  .replace("ROWS", "")
                  .replace("[30,60,90,180,365]", days));
      assertEquals("question_not_allowed", r.code(), r.body().toString());
    }
  }

  @Test
  void oneValueExcluded_isRefusedOrPinsNothing() {
    String all = OVERLAP.replace("COHORT", cohort(FOSTER_Y)).replace("ROWS", "");
    String allButNonBinary =
        OVERLAP
            .replace(
                "COHORT",
                cohort(
                    "{\"foster_care\":[\"Y\"],\"gender\":[\"woman\",\"man\",\"transgender_woman\","
                        + "\"transgender_man\",\"unknown\"]}"))
            .replace("ROWS", "");
    Reply r = ask(project, allButNonBinary);
    if (r.status() != 200) {
      assertEquals("group_too_small", r.code(), "refused as leaving out too few: " + r.body());
      return;
    }
    ExactAttacker attacker = new ExactAttacker(MAX_NOISE, MIN_CELL);
    ExactAttacker.Table whole = attacker.add(answer(project, all), true);
    ExactAttacker.Table part = attacker.add(r.body().get("table"), true);
    ExactAttacker.Sum nonBinary = attacker.variable();
    attacker.same(whole.base, part.base.plus(nonBinary));
    assertNotPinnedSmall(attacker, nonBinary, "the excluded non-binary group");
  }

  @Test
  void statutoryTables_areExact_hideEverySmallCount_andAreTheSameInTheTwinProject() {
    for (JsonNode t : firstStatutory) {
      JsonNode table = t.get("table");
      assertEquals("suppression", table.get("protection").asText());
      for (JsonNode v : numbers(table)) {
        assertFalse(v.isNumber() && v.asLong() >= 1 && v.asLong() < MIN_CELL, table.toString());
      }
      assertFalse(table.has("primarySuppressions"), table.toString());
    }
    // The twin project's population is the first run's: its release is the one already made.
    assertEquals(firstStatutory, statutory(twin));
  }

  @Test
  void suppressionCounts_areNotPublished() {
    for (JsonNode table : firstRun.values()) {
      assertFalse(table.has("primarySuppressions"), table.toString());
      assertFalse(table.has("complementarySuppressions"), table.toString());
      assertEquals("cell-key", table.get("protection").asText());
    }
  }

  @Test
  void nothingSmall_isPublished() {
    for (Map<String, JsonNode> answers : List.of(firstRun, secondRun)) {
      for (JsonNode table : answers.values()) {
        for (JsonNode v : numbers(table)) {
          assertFalse(v.isNumber() && v.asLong() < MIN_CELL, "0..5 published: " + table);
        }
      }
    }
  }

  @Test
  void minCellSizeBelowTheLaw_isRefused() {
    Reply r =
        send(
            client,
            request(server.port(), "/projects", admin)
                .POST(
                    HttpRequest.BodyPublishers.ofString(
                        "{\"name\":\"raw\",\"agencies\":[\"childrens_services\"],"
                            + "\"schemaFingerprint\":\""
                            + city.fingerprint()
                            + "\",\"minCellSize\":1}"))
                .build());
    assertEquals(400, r.status(), r.body().toString());
    assertTrue(r.body().get("message").asText().contains("at least 6"), r.body().toString());
  }

  @Test
  void twoProjectsOverTheSameExtracts_publishTheSameValues() {
    for (Map.Entry<String, JsonNode> e : firstRun.entrySet()) {
      assertEquals(e.getValue(), answer(twin, e.getKey()), "the twin project's " + e.getKey());
    }
  }

  @Test
  void theSameCellAskedAnotherWay_publishesTheSameValue() {
    List<String> q = questions();
    JsonNode byShelter = firstRun.get(q.get(0));
    JsonNode all = firstRun.get(q.get(1));
    assertEquals(byShelter.get("columnTotals"), all.get("cells").get(0), "column totals = cells");
    assertEquals(byShelter.get("base"), all.get("base"));
  }

  @Test
  void acrossRuns_everyCellIsDrawnAgain_notOnlyThePersonsCells() {
    // With the noise kept across the change, only the removed person's cells would move.
    int moved = 0;
    int positions = 0;
    for (String q : questions()) {
      List<JsonNode> before = numbers(firstRun.get(q));
      List<JsonNode> after = numbers(secondRun.get(q));
      for (int i = 0; i < before.size(); i++) {
        if (before.get(i).isNumber() && after.get(i).isNumber()) {
          positions++;
          moved += before.get(i).equals(after.get(i)) ? 0 : 1;
        }
      }
    }
    assertTrue(positions > 40, "positions: " + positions);
    assertTrue(moved > positions / 3, moved + " of " + positions + " published numbers moved");
  }

  @Test
  @Tag(TestStores.SQLITE_ONLY)
  void exactAttacker_overEverythingReceived_pinsNoSmallCountAndNoFactAboutTheRemovedPerson() {
    // Everything: six ad-hoc questions and two statutory tables, in two runs and two projects.
    ExactAttacker attacker = new ExactAttacker(MAX_NOISE, MIN_CELL);
    List<String> q = questions();
    List<ExactAttacker.Table> statutoryTables = new ArrayList<>();
    List<ExactAttacker.Table> first = new ArrayList<>();
    List<ExactAttacker.Table> second = new ArrayList<>();
    List<ExactAttacker.Sum> person = new ArrayList<>();
    List<ExactAttacker.Sum> before = new ArrayList<>(); // the run-1 unknown of each indicator
    for (String question : q) {
      boolean overlap = question.contains("\"with\"");
      ExactAttacker.Table a = attacker.add(firstRun.get(question), overlap);
      ExactAttacker.Table b = attacker.add(secondRun.get(question), overlap);
      // The twin project's answers are the first run's (checked above), so they add nothing new.
      first.add(a);
      second.add(b);
      // One person removed: each unknown of run 2 is run 1's less 0 or 1, and 1 at most once.
      ExactAttacker.Sum removedOnce = new ExactAttacker.Sum();
      for (int i = 0; i < a.atoms.size(); i++) {
        ExactAttacker.Sum x = attacker.indicator();
        attacker.same(b.atoms.get(i), a.atoms.get(i).minus(x));
        removedOnce = removedOnce.plus(x);
        person.add(x);
        before.add(a.atoms.get(i));
      }
      attacker.bound(removedOnce, 0, 1);
    }
    // The statutory tables: exact, released once (for the first run), the same persons as the
    // first run's ad-hoc answers to the same questions.
    assertEquals(firstStatutory, secondStatutory, "released once, not again after the change");
    for (int i = 0; i < STATUTORY.length; i++) {
      String question = q.get(STATUTORY[i]);
      boolean overlap = question.contains("\"with\"");
      ExactAttacker.Table exact = attacker.addExact(firstStatutory.get(i).get("table"), overlap);
      ExactAttacker.Table adHoc = first.get(STATUTORY[i]);
      for (int u = 0; u < exact.atoms.size(); u++) {
        attacker.same(exact.atoms.get(u), adHoc.atoms.get(u));
      }
      statutoryTables.add(exact);
    }
    // What the analyst knows of how the questions relate: the same cohort, the same persons.
    for (List<ExactAttacker.Table> run : List.of(first, second)) {
      attacker.same(run.get(0).base, run.get(1).base);
      for (int c = 0; c < run.get(0).columnTotals.length; c++) {
        attacker.same(run.get(0).columnTotals[c], run.get(1).cells[0][c]);
      }
      attacker.same(run.get(3).base, run.get(4).base);
      attacker.same(run.get(3).base, run.get(5).base);
      for (int c = 0; c < run.get(3).columnTotals.length; c++) {
        attacker.same(run.get(3).cells[0][c], run.get(4).columnTotals[c]);
        attacker.same(run.get(3).cells[0][c], run.get(5).columnTotals[c]);
      }
      // Foster-care leavers with a discharge date are among the foster-care leavers.
      attacker.bound(run.get(3).base.minus(run.get(0).base), 0, Long.MAX_VALUE / 4);
    }
    assertTrue(attacker.consistent(), "the attacker's reading of the mechanism fits the answers");
    int checked = 0;
    for (List<ExactAttacker.Table> run : List.of(first, second, statutoryTables)) {
      for (ExactAttacker.Table t : run) {
        for (ExactAttacker.Sum s : t.everything()) {
          assertNotPinnedSmall(attacker, s, "a count");
          checked++;
        }
      }
    }
    int excludable = 0;
    for (int i = 0; i < person.size(); i++) {
      long[] range = attacker.range(person.get(i));
      assertNotNull(range);
      assertEquals(0, range[0], "the removed person is proven to be in a cell");
      // Ruling the person out of a cell is a fact too, unless the cell is known to be empty (a
      // published zero says that of everyone, not of this person).
      if (range[1] == 0 && attacker.range(before.get(i))[1] > 0) {
        excludable++;
      }
    }
    assertTrue(checked > 200, "checked " + checked);
    assertEquals(0, excludable, "cells the removed person is proven not to be in");
  }

  private static void assertNotPinnedSmall(
      ExactAttacker attacker, ExactAttacker.Sum quantity, String what) {
    long[] range = attacker.range(quantity);
    assertNotNull(range, "the attacker's model fits the answers");
    assertFalse(
        range[0] == range[1] && range[0] >= 1 && range[0] < MIN_CELL,
        what + " is known exactly: " + range[0]);
  }

  /** Every published count of a table, in a fixed order (percentages left out). */
  private static List<JsonNode> numbers(JsonNode table) {
    List<JsonNode> out = new ArrayList<>();
    table.get("cells").forEach(row -> row.forEach(out::add));
    if (table.has("rowTotals")) {
      table.get("rowTotals").forEach(out::add);
    }
    table.get("columnTotals").forEach(out::add);
    if (table.has("grandTotal")) {
      out.add(table.get("grandTotal"));
    }
    out.add(table.get("base"));
    return out;
  }
}
