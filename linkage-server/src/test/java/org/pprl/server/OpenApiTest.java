package org.pprl.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.pprl.server.ServiceFixture.request;
import static org.pprl.server.ServiceFixture.send;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.http.HttpClient;
import java.nio.file.Path;
import java.util.Iterator;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.pprl.server.ServiceFixture.Reply;

/** The OpenAPI description: it parses, and it describes exactly the routes the server serves. */
class OpenApiTest {
  private static final Set<String> METHODS =
      Set.of("get", "put", "post", "delete", "options", "head", "patch", "trace");

  @TempDir static Path dir;
  private static LinkageServer server;
  private static JsonNode document;

  @BeforeAll
  static void start() throws Exception {
    server = LinkageServer.start(TestStores.open(dir), 0, 1 << 20);
    document = ServiceFixture.JSON.readTree(LinkageServer.openApiDocument());
  }

  @AfterAll
  static void stop() {
    server.close();
  }

  /** "METHOD path" for every operation the document describes. */
  private static Set<String> describedRoutes() {
    Set<String> described = new TreeSet<>();
    for (Iterator<Map.Entry<String, JsonNode>> paths = document.get("paths").fields();
        paths.hasNext(); ) {
      Map.Entry<String, JsonNode> path = paths.next();
      for (Iterator<String> keys = path.getValue().fieldNames(); keys.hasNext(); ) {
        String key = keys.next();
        if (METHODS.contains(key)) {
          described.add(key.toUpperCase(Locale.ROOT) + " " + path.getKey());
        }
      }
    }
    return described;
  }

  @Test
  void document_isOpenApi30_withBearerSecurity() {
    assertTrue(
        document.get("openapi").asText().startsWith("3.0."), document.get("openapi").asText());
    assertEquals("bearer", document.at("/components/securitySchemes/bearer/scheme").asText());
    assertEquals("[{\"bearer\":[]}]", document.get("security").toString());
  }

  @Test
  void document_describesExactlyTheRegisteredRoutes() {
    Set<String> registered = new TreeSet<>();
    for (LinkageServer.Route r : server.routes()) {
      registered.add(r.method() + " " + r.path());
    }
    assertTrue(registered.size() >= 14, "routes seen: " + registered);
    assertEquals(registered, describedRoutes());
  }

  @Test
  void document_onlyHealthAndItself_needNoToken() {
    Set<String> open = new TreeSet<>();
    for (Iterator<Map.Entry<String, JsonNode>> paths = document.get("paths").fields();
        paths.hasNext(); ) {
      Map.Entry<String, JsonNode> path = paths.next();
      for (Iterator<Map.Entry<String, JsonNode>> ops = path.getValue().fields(); ops.hasNext(); ) {
        Map.Entry<String, JsonNode> op = ops.next();
        if (!METHODS.contains(op.getKey())) {
          continue;
        }
        JsonNode responses = op.getValue().get("responses");
        if (op.getValue().has("security")) {
          assertEquals(0, op.getValue().get("security").size(), path.getKey());
          open.add(path.getKey());
          assertFalse(
              responses.has("401"), path.getKey() + " needs no token, so never answers 401");
        } else {
          assertTrue(responses.has("401"), path.getKey() + " needs a token, so may answer 401");
        }
      }
    }
    assertEquals(Set.of("/health", "/openapi.json"), open);
  }

  @Test
  void errorSchema_enumHoldsEveryApiExceptionCode() {
    Set<String> described = new TreeSet<>();
    for (JsonNode code : document.at("/components/schemas/Error/properties/code/enum")) {
      described.add(code.asText());
    }
    Set<String> codes = new TreeSet<>();
    for (ApiException.Code c : ApiException.Code.values()) {
      codes.add(c.id());
    }
    assertEquals(codes, described);
  }

  @Test
  void everyReference_resolves() {
    assertReferencesResolve(document);
  }

  private static void assertReferencesResolve(JsonNode node) {
    if (node.isObject()) {
      JsonNode ref = node.get("$ref");
      if (ref != null) {
        String pointer = ref.asText();
        assertTrue(pointer.startsWith("#/"), pointer);
        assertFalse(document.at(pointer.substring(1)).isMissingNode(), "dangling " + pointer);
      }
    }
    for (JsonNode child : node) {
      assertReferencesResolve(child);
    }
  }

  @Test
  void openApi_isServedWithoutAToken() {
    HttpClient client = HttpClient.newHttpClient();
    Reply r = send(client, request(server.port(), "/openapi.json", null).GET().build());
    assertEquals(200, r.status(), r.body().toString());
    assertEquals(document, r.body());
    Reply projects = send(client, request(server.port(), "/projects", null).GET().build());
    assertEquals(401, projects.status());
    assertEquals("unauthenticated", projects.code());
  }
}
