package org.pprl.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.pprl.server.ServiceFixture.request;
import static org.pprl.server.ServiceFixture.send;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.io.InputStream;
import java.io.StringWriter;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.pprl.core.audit.Verifier;
import org.pprl.core.disclose.CellKeyPerturbation;
import org.pprl.core.disclose.PerturbedTable;
import org.pprl.core.query.AgencyRecords;
import org.pprl.core.query.LinkedPopulation;
import org.pprl.core.query.OverlapQuestion;
import org.pprl.core.query.PopulationKeys;
import org.pprl.core.query.QuestionEvaluator;
import org.pprl.core.query.QuestionPolicy;
import org.pprl.fixtures.Agency;
import org.pprl.server.ServiceFixture.Reply;

/**
 * The analyst's questions and the steward's consented matches over HTTP, after a real run over
 * generated children's services and homeless services extracts.
 */
class DisclosuresTest {
  private static final Agency CS = Agency.CHILDRENS_SERVICES;
  private static final Agency HS = Agency.HOMELESS_SERVICES;
  static final String WINDOW =
      "{\"cohort\":{\"agency\":\"childrens_services\",\"where\":{\"foster_care\":[\"Y\"]}},"
          + "\"from\":{\"agency\":\"childrens_services\",\"attribute\":\"foster_discharge_date\"},"
          + "\"to\":{\"agency\":\"homeless_services\",\"attribute\":\"shelter_entry_date\"},"
          + "\"days\":[30,90,180,365],"
          + "\"rows\":{\"agency\":\"homeless_services\",\"attribute\":\"shelter_type\"}}";

  @TempDir static Path dir;
  private static RunFixture.City city;
  private static Store store;
  private static LinkageServer server;
  private static HttpClient client;
  private static String admin;
  private static String analyst;
  private static String auditor;
  private static final Map<String, String> stewards = new HashMap<>();
  private static long project;
  private static long unlinkedProject;

  @BeforeAll
  static void start() throws Exception {
    city = RunFixture.city(dir.resolve("work"), 12000, 5, CS, HS);
    store = TestStores.open(dir.resolve("data"));
    for (Agency a : List.of(CS, HS, Agency.EDUCATION)) {
      store.createAgency(a.id());
      stewards.put(a.id(), store.createToken(Role.STEWARD, a.id(), null).token());
    }
    Store.NewToken adminToken = store.createToken(Role.ADMIN, null, "admin");
    admin = adminToken.token();
    analyst = store.createToken(Role.ANALYST, null, null).token();
    auditor = store.createToken(Role.AUDITOR, null, null).token();
    fixedCellKeySecret(store.dataDir());
    server = LinkageServer.start(store, 0, 64L << 20);
    client = HttpClient.newHttpClient();
    project = newProject(adminToken.principal(), "linked");
    unlinkedProject = newProject(adminToken.principal(), "unlinked");
    for (Agency a : List.of(CS, HS)) {
      Reply r =
          send(
              client,
              request(
                      server.port(),
                      "/projects/" + project + "/extracts/" + a.id(),
                      stewards.get(a.id()))
                  .PUT(HttpRequest.BodyPublishers.ofFile(city.extract(a)))
                  .build());
      assertEquals(201, r.status(), r.body().toString());
    }
    long run =
        RunFixture.startRun(client, server.port(), admin, project).body().get("run").asLong();
    assertEquals(
        "succeeded",
        RunFixture.awaitFinal(client, server.port(), admin, project, run).get("status").asText());
  }

  private static long newProject(Principal admin, String name) throws IOException {
    return store
        .createProject(
            admin,
            name,
            List.of(CS.id(), HS.id()),
            city.fingerprint(),
            6,
            List.of("research", "service_coordination"),
            city.attributes(),
            List.of("service_coordination"),
            policy())
        .id();
  }

  /** A fixed cell-key secret, so that the perturbed answers of a test are the same every run. */
  static void fixedCellKeySecret(Path dataDir) throws IOException {
    byte[] secret = new byte[32];
    for (int i = 0; i < secret.length; i++) {
      secret[i] = (byte) (7 * i + 1);
    }
    Files.write(dataDir.resolve(CellKeySecret.FILE), AuditKeys.base64(secret));
  }

  /** The example question policy the demo declares. */
  static QuestionPolicy policy() throws IOException {
    try (InputStream in =
        DisclosuresTest.class.getResourceAsStream("/org/pprl/examples/agency-questions.json")) {
      return QuestionPolicy.parse(ServiceFixture.JSON.readTree(in), 10);
    }
  }

  @AfterAll
  static void stop() {
    server.close();
  }

  private static Reply ask(String token, long project, String purpose, String question) {
    return post(token, project, "{\"purpose\":\"" + purpose + "\",\"question\":" + question + "}");
  }

  /** Asks with this body as it is. */
  private static Reply post(String token, long project, String body) {
    return send(
        client,
        request(server.port(), "/projects/" + project + "/questions", token)
            .POST(HttpRequest.BodyPublishers.ofString(body))
            .build());
  }

  private static Reply matches(String token, long project, String purpose) {
    return send(
        client,
        request(
                server.port(),
                "/projects/"
                    + project
                    + "/matches"
                    + (purpose == null ? "" : "?purpose=" + purpose),
                token)
            .GET()
            .build());
  }

  /** The population the service answers from, rebuilt here from the store and the files. */
  private static LinkedPopulation population() throws IOException {
    List<LinkedPopulation.Link> links = new ArrayList<>();
    store.forEachLink(
        project, l -> links.add(new LinkedPopulation.Link(l.agency(), l.recordId(), l.linkId())));
    return LinkedPopulation.of(
        List.of(AgencyRecords.load(city.extract(CS)), AgencyRecords.load(city.extract(HS))), links);
  }

  @Test
  void createProject_statutoryTableNamingAnAgencyOutsideIt_isRefusedNamingIt() throws Exception {
    // The example's second table needs public assistance, which this project does not hold; it
    // was accepted, and its first release answered 500.
    com.fasterxml.jackson.databind.node.ObjectNode body = ServiceFixture.JSON.createObjectNode();
    body.put("name", "statutory-outside");
    body.putArray("agencies").add(CS.id()).add(HS.id());
    body.put("schemaFingerprint", city.fingerprint());
    body.putArray("purposes").add("research");
    com.fasterxml.jackson.databind.node.ArrayNode attributes = body.putArray("attributes");
    city.attributes().forEach(attributes::add);
    try (InputStream questions =
            DisclosuresTest.class.getResourceAsStream("/org/pprl/examples/agency-questions.json");
        InputStream tables =
            DisclosuresTest.class.getResourceAsStream("/org/pprl/examples/agency-statutory.json")) {
      body.set("questions", ServiceFixture.JSON.readTree(questions));
      body.set("statutory", ServiceFixture.JSON.readTree(tables));
    }
    int before = store.projects().size();

    Reply r =
        send(
            client,
            request(server.port(), "/projects", admin)
                .POST(HttpRequest.BodyPublishers.ofString(body.toString()))
                .build());

    assertEquals(400, r.status(), r.body().toString());
    assertEquals("bad_request", r.body().get("code").asText());
    assertTrue(
        r.body().get("message").asText().contains("names agency 'public_assistance'"),
        r.body().toString());
    assertEquals(before, store.projects().size());
  }

  @Test
  void question_window_isThePerturbedTableOfTheLinkedRecords_andTheSameEachTime() throws Exception {
    Reply first = ask(analyst, project, "research", WINDOW);
    assertEquals(200, first.status(), first.body().toString());
    JsonNode table = first.body().get("table");
    LinkedPopulation population = population();
    QuestionEvaluator.Keyed keyed =
        QuestionEvaluator.evaluate(
            OverlapQuestion.parse(ServiceFixture.JSON.readTree(WINDOW)),
            population,
            policy(),
            PopulationKeys.of(population, CellKeySecret.loadOrCreate(store.dataDir())));
    Map<String, Object> expected =
        PerturbedTable.of(
                keyed.table(), keyed.cellKeys(), keyed.baseKey(), CellKeyPerturbation.DEFAULT, 6)
            .toJson();
    assertEquals(ServiceFixture.JSON.writeValueAsString(expected), table.toString());
    assertEquals(
        "[\"single_adult\",\"family\",\"youth\",\"domestic_violence\",\"(other)\",\"(missing)\"]",
        table.get("rows").toString(),
        "the declared categories, whatever the data hold");
    assertFalse(table.has("primarySuppressions"), "no suppression counts: " + table);
    assertFalse(table.has("complementarySuppressions"), "no suppression counts: " + table);
    assertTrue(table.get("base").asLong() > 50, "a cohort worth asking about: " + table);
    int suppressed = 0;
    for (JsonNode row : table.get("cells")) {
      for (JsonNode cell : row) {
        if (cell.isTextual()) {
          assertEquals("*", cell.asText());
          suppressed++;
        } else {
          assertFalse(cell.asLong() >= 1 && cell.asLong() <= 5, "a small cell published: " + table);
        }
      }
    }
    assertTrue(suppressed > 0, "this city has small cells: " + table);
    assertEquals(first.body(), ask(analyst, project, "research", WINDOW).body());
  }

  @Test
  void question_overlap_countsEveryCohortPersonOnce() {
    Reply r =
        ask(
            analyst,
            project,
            "research",
            "{\"cohort\":{\"agency\":\"homeless_services\"},\"with\":[\"childrens_services\"]}");
    assertEquals(200, r.status(), r.body().toString());
    JsonNode table = r.body().get("table");
    assertEquals("[\"none\",\"childrens_services\"]", table.get("columns").toString());
    JsonNode cells = table.get("cells").get(0);
    // Each number is perturbed on its own, so the cells add up to the base only within the noise.
    if (cells.get(0).isNumber() && cells.get(1).isNumber()) {
      long sum = cells.get(0).asLong() + cells.get(1).asLong();
      assertTrue(Math.abs(table.get("base").asLong() - sum) <= 3 * 4, table.toString());
    }
  }

  @Test
  void question_refusals_haveTheirCodes() {
    assertEquals("no_links", ask(analyst, unlinkedProject, "research", WINDOW).code());
    Reply purpose = ask(analyst, project, "marketing", WINDOW);
    assertEquals(403, purpose.status());
    assertEquals("purpose_not_allowed", purpose.code());
    Reply unknownAttribute =
        ask(analyst, project, "research", WINDOW.replace("\"shelter_type\"", "\"shelter_colour\""));
    assertEquals(422, unknownAttribute.status());
    assertEquals("question_not_allowed", unknownAttribute.code());
    assertTrue(
        unknownAttribute.body().get("message").asText().contains("shelter_colour"),
        unknownAttribute.body().toString());
    Reply notJson =
        send(
            client,
            request(server.port(), "/projects/" + project + "/questions", analyst)
                .POST(HttpRequest.BodyPublishers.ofString("{\"purpose\":"))
                .build());
    assertEquals("bad_request", notJson.code());
    for (String token : List.of(admin, auditor, stewards.get(CS.id()))) {
      Reply r = ask(token, project, "research", WINDOW);
      assertEquals(403, r.status());
      assertEquals("forbidden", r.code());
    }
  }

  @Test
  void question_outsideTheDeclaredShapes_isRefusedNamingThePart() {
    Object[][] cases = {
      {WINDOW.replace("\"shelter_type\"}", "\"shelter_entry_date\"}"), "rows.attribute"},
      {WINDOW.replace("[\"Y\"]", "[\"Y\",\"2023-11-25\"]"), "cohort.where.foster_care[1]"},
      {
        WINDOW.replace("\"foster_care\":[\"Y\"]", "\"foster_discharge_date\":[\"2023-11-25\"]"),
        "cohort.where.foster_discharge_date"
      },
      {WINDOW.replace("[30,90,180,365]", "[30,35,36]"), "days[1]"},
      {
        WINDOW.replace("\"attribute\":\"shelter_entry_date\"", "\"attribute\":\"shelter_type\""),
        "to.attribute"
      },
    };
    for (Object[] c : cases) {
      Reply r = ask(analyst, project, "research", (String) c[0]);
      assertEquals(422, r.status(), r.body().toString());
      assertEquals("question_not_allowed", r.code());
      assertTrue(
          r.body().get("message").asText().startsWith("question." + c[1] + ":"),
          r.body().toString());
      assertFalse(r.body().toString().contains("2023-11-25"), "no value echoed: " + r.body());
    }
  }

  @Test
  void question_smallCohort_isRefusedAsTooSmall() {
    // Transgender men in foster care: a handful at most in a city of 12,000.
    Reply r =
        ask(
            analyst,
            project,
            "research",
            WINDOW.replace(
                "{\"foster_care\":[\"Y\"]}",
                "{\"foster_care\":[\"Y\"],\"gender\":[\"transgender_man\"]}"));
    assertEquals(422, r.status(), r.body().toString());
    assertEquals("group_too_small", r.code());
  }

  @Test
  void matches_research_isNotRecordLevel() {
    Reply r = matches(stewards.get(CS.id()), project, "research");
    assertEquals(403, r.status());
    assertEquals("purpose_not_record_level", r.code());
  }

  @Test
  void matches_steward_getsOnlyItsOwnConsentedRecordsAndTheOtherAgencysName() throws Exception {
    String purpose = "service_coordination";
    Reply r = matches(stewards.get(CS.id()), project, purpose);
    assertEquals(200, r.status(), r.body().toString());
    LinkedPopulation population = population();
    AgencyRecords own = population.records(CS.id());
    AgencyRecords other = population.records(HS.id());
    JsonNode rows = r.body().get("matches");
    assertTrue(rows.size() > 10, r.body().toString());
    assertEquals(rows.size(), r.body().get("count").asInt());
    for (JsonNode m : rows) {
      int record = own.indexOf(m.get("recordId").asText());
      assertTrue(record >= 0, "an own record id: " + m);
      assertTrue(own.consented(record, purpose));
      assertEquals(population.linkId(CS.id(), record).orElseThrow(), m.get("linkId").asText());
      assertEquals("[\"homeless_services\"]", m.get("agencies").toString());
      assertEquals(3, m.size(), "record id, link id and agencies only: " + m);
    }
    // No record id, attribute or score of the other agency is in the answer.
    String body = r.body().toString();
    for (int i = 0; i < other.size(); i++) {
      assertFalse(body.contains("\"" + other.id(i) + "\""), "another agency's id in the answer");
    }
    assertFalse(body.contains("score"));
    // Every consented own record with a consented partner is listed once, however many records
    // of the other agency its entity holds.
    Set<String> consentedLinks = new HashSet<>();
    for (int i = 0; i < other.size(); i++) {
      var link = population.linkId(HS.id(), i);
      if (link.isPresent() && other.consented(i, purpose)) {
        consentedLinks.add(link.get());
      }
    }
    int listed = 0;
    for (int j = 0; j < own.size(); j++) {
      var link = population.linkId(CS.id(), j);
      if (link.isPresent() && own.consented(j, purpose) && consentedLinks.contains(link.get())) {
        listed++;
      }
    }
    assertEquals(listed, rows.size());
  }

  @Test
  void matches_refusals_haveTheirCodes() {
    assertEquals("bad_request", matches(stewards.get(CS.id()), project, null).code());
    assertEquals("purpose_not_allowed", matches(stewards.get(CS.id()), project, "x").code());
    assertEquals(
        "no_links", matches(stewards.get(CS.id()), unlinkedProject, "service_coordination").code());
    Reply outsider = matches(stewards.get(Agency.EDUCATION.id()), project, "service_coordination");
    assertEquals(404, outsider.status());
    assertEquals("not_found", outsider.code());
    for (String token : List.of(admin, analyst, auditor)) {
      assertEquals("forbidden", matches(token, project, "research").code());
    }
  }

  @Test
  void refusals_areAuditedWithTheirCodeAndOnlyAnAllowedPurpose() throws Exception {
    assertEquals("purpose_not_allowed", ask(analyst, project, "marketing", WINDOW).code());
    assertEquals("forbidden", matches(analyst, project, "research").code());
    StringWriter out = new StringWriter();
    store.exportAudit(out);
    List<JsonNode> refusals = new ArrayList<>();
    for (String line : out.toString().lines().toList()) {
      JsonNode e = ServiceFixture.JSON.readTree(line);
      if (e.path("action").asText().endsWith(".refuse")
          && e.path("role").asText().equals("analyst")) {
        refusals.add(e);
      }
    }
    JsonNode question = refusals.get(refusals.size() - 2);
    assertEquals("question.refuse", question.get("action").asText());
    assertEquals("purpose_not_allowed", question.get("detail").get("code").asText());
    assertTrue(
        question.get("purpose").isNull(), "a purpose the project does not allow is not kept");
    JsonNode match = refusals.get(refusals.size() - 1);
    assertEquals("matches.refuse", match.get("action").asText());
    assertEquals("forbidden", match.get("detail").get("code").asText());
    assertEquals("research", match.get("purpose").asText());
  }

  @Test
  void question_duplicateOrUnknownField_isRefusedNamingItAndItsRefusalKeepsNoPurpose()
      throws Exception {
    // The refusal's event takes the purpose from the body read as strictly as the question is:
    // a lenient read kept the last of two purposes, or the purpose beside a misspelt field.
    String question = ",\"question\":" + WINDOW + "}";
    Reply twice =
        post(analyst, project, "{\"purpose\":\"marketing\",\"purpose\":\"research\"" + question);
    assertEquals(400, twice.status(), twice.body().toString());
    assertEquals("bad_request", twice.code());
    assertEquals("duplicate field 'purpose'", twice.body().get("message").asText());
    Reply unknown = post(analyst, project, "{\"purpose\":\"research\",\"purpse\":\"x\"" + question);
    assertEquals(400, unknown.status(), unknown.body().toString());
    assertEquals("bad_request", unknown.code());
    assertTrue(
        unknown.body().get("message").asText().startsWith("unknown field 'purpse'"),
        unknown.body().toString());
    List<JsonNode> refused = new ArrayList<>();
    StringWriter out = new StringWriter();
    store.exportAudit(out);
    for (String line : out.toString().lines().toList()) {
      JsonNode e = ServiceFixture.JSON.readTree(line);
      if (e.path("action").asText().equals("question.refuse")) {
        refused.add(e);
      }
    }
    for (JsonNode e : refused.subList(refused.size() - 2, refused.size())) {
      assertEquals("bad_request", e.get("detail").get("code").asText(), e.toString());
      assertTrue(e.get("purpose").isNull(), e.toString());
    }
  }

  /** The question.answer events in the log so far. */
  private static long answersLogged() throws IOException {
    StringWriter out = new StringWriter();
    store.exportAudit(out);
    return out.toString().lines().filter(l -> l.contains("\"question.answer\"")).count();
  }

  @Test
  void sameQuestionAgain_isTheSameAnswer_andLoggedAgain() throws Exception {
    // Worked out once per run (the service keeps answers), released and logged every time.
    Reply first = ask(analyst, project, "research", WINDOW);
    long logged = answersLogged();
    Reply again = ask(analyst, project, "research", WINDOW);
    assertEquals(200, again.status(), again.body().toString());
    assertEquals(first.body().get("table"), again.body().get("table"));
    assertEquals(logged + 1, answersLogged());
  }

  @Test
  void releases_areAuditedWithPurposeAndCountsOnly() throws Exception {
    assertEquals(200, ask(analyst, project, "research", WINDOW).status());
    assertEquals(200, matches(stewards.get(HS.id()), project, "service_coordination").status());
    StringWriter out = new StringWriter();
    store.exportAudit(out);
    List<String> lines = out.toString().lines().toList();
    assertTrue(Verifier.verify(lines, store.auditPublicKey()).ok());
    JsonNode answer = null;
    JsonNode release = null;
    for (String line : lines) {
      JsonNode e = ServiceFixture.JSON.readTree(line);
      String action = e.path("action").asText();
      if (action.equals("question.answer")) {
        answer = e;
      } else if (action.equals("matches.release")) {
        release = e;
      }
    }
    assertEquals("research", answer.get("purpose").asText());
    assertEquals("analyst", answer.get("role").asText());
    JsonNode detail = answer.get("detail");
    assertEquals(ServiceFixture.JSON.readTree(WINDOW), detail.get("question"));
    assertTrue(detail.get("released").has("cells"));
    assertFalse(detail.get("released").has("cellPercents"));
    assertEquals("service_coordination", release.get("purpose").asText());
    JsonNode matchDetail = release.get("detail");
    assertEquals("homeless_services", matchDetail.get("agency").asText());
    assertTrue(matchDetail.get("records").asInt() > 0);
    assertFalse(matchDetail.toString().contains("HS-"), "no record id in the log");
  }
}
