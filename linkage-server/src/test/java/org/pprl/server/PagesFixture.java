package org.pprl.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.pprl.server.ServiceFixture.request;
import static org.pprl.server.ServiceFixture.send;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.EnumMap;
import java.util.Map;
import org.pprl.fixtures.Agency;

/**
 * A service for the pages' tests: a generated city's children's services and homeless services
 * encoded, a project made over HTTP with the example question shapes and statutory tables, a token
 * for every role, and the children's services extract uploaded.
 */
final class PagesFixture implements AutoCloseable {
  static final Agency CS = Agency.CHILDRENS_SERVICES;
  static final Agency HS = Agency.HOMELESS_SERVICES;

  final RunFixture.City city;
  final Store store;
  final LinkageServer server;
  final HttpClient client = HttpClient.newHttpClient();
  final Map<Role, String> tokens = new EnumMap<>(Role.class);

  /** The steward tokens by agency (the one in {@link #tokens} is children's services'). */
  final Map<Agency, String> stewards = new EnumMap<>(Agency.class);

  final long project;

  /** The receipt of the children's services' upload the fixture makes. */
  final JsonNode firstReceipt;

  PagesFixture(Path dir, int population) throws Exception {
    city = RunFixture.city(dir.resolve("work"), population, 17, CS, HS);
    store = Store.open(dir.resolve("data"));
    for (Agency a : new Agency[] {CS, HS}) {
      store.createAgency(a.id());
      stewards.put(a, store.createToken(Role.STEWARD, a.id(), a.id() + "-steward").token());
    }
    tokens.put(Role.ADMIN, store.createToken(Role.ADMIN, null, "ops").token());
    tokens.put(Role.ANALYST, store.createToken(Role.ANALYST, null, "analyst").token());
    tokens.put(Role.AUDITOR, store.createToken(Role.AUDITOR, null, "auditor").token());
    tokens.put(Role.STEWARD, stewards.get(CS));
    server = LinkageServer.start(store, 0, 64L << 20);
    project = createProject();
    firstReceipt = upload(CS);
  }

  private long createProject() throws IOException {
    Path examples = Paths.get(System.getProperty("pprl.examples", "../examples"));
    ObjectNode body = ServiceFixture.JSON.createObjectNode();
    body.put("name", "foster-to-shelter");
    body.putArray("agencies").add(CS.id()).add(HS.id());
    body.put("schemaFingerprint", city.fingerprint());
    ArrayNode purposes = body.putArray("purposes");
    city.purposes().forEach(purposes::add);
    ArrayNode attributes = body.putArray("attributes");
    city.attributes().forEach(attributes::add);
    body.putArray("recordLevelPurposes").add("service_coordination");
    body.set(
        "questions",
        ServiceFixture.JSON.readTree(examples.resolve("agency-questions.json").toFile()));
    // The example's tables over these two agencies (the other one needs public assistance).
    ArrayNode statutory = body.putArray("statutory");
    for (JsonNode table :
        ServiceFixture.JSON.readTree(examples.resolve("agency-statutory.json").toFile())) {
      if (table.at("/question/to/agency").asText().equals(HS.id())) {
        statutory.add(table);
      }
    }
    ServiceFixture.Reply r =
        send(
            client,
            request(server.port(), "/projects", tokens.get(Role.ADMIN))
                .POST(HttpRequest.BodyPublishers.ofString(body.toString()))
                .build());
    assertEquals(201, r.status(), r.body().toString());
    return r.body().get("id").asLong();
  }

  /** Uploads agency {@code a}'s extract with its steward's token; the receipt. */
  JsonNode upload(Agency a) throws IOException {
    return upload(a, Files.readAllBytes(city.extract(a)));
  }

  /** Uploads {@code bytes} as agency {@code a}'s extract with its steward's token; the receipt. */
  JsonNode upload(Agency a, byte[] bytes) {
    ServiceFixture.Reply r =
        send(
            client,
            request(server.port(), "/projects/" + project + "/extracts/" + a.id(), stewards.get(a))
                .PUT(HttpRequest.BodyPublishers.ofByteArray(bytes))
                .build());
    assertEquals(201, r.status(), r.body().toString());
    return r.body();
  }

  /** The address of a page. */
  String page(String file) {
    return "http://127.0.0.1:" + server.port() + "/ui/" + file;
  }

  @Override
  public void close() {
    server.close();
  }
}
