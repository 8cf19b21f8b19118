package org.pprl.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.pprl.server.ServiceFixture.request;
import static org.pprl.server.ServiceFixture.send;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.net.http.HttpClient;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.pprl.core.audit.Verification;
import org.pprl.core.audit.Verifier;

/**
 * Issue 14: tokens can be revoked and can expire. A revoked or an expired token is refused by the
 * running service exactly like an unknown one (401 {@code unauthenticated}, the same message), and
 * both the creation and the revocation are in the verified audit log.
 */
class TokenRevocationTest {
  @TempDir Path dir;
  private Store store;
  private LinkageServer server;
  private final HttpClient client = HttpClient.newHttpClient();

  @BeforeEach
  void start() throws IOException {
    store = TestStores.open(dir);
    server = LinkageServer.start(store, 0, 1 << 20);
  }

  @AfterEach
  void stop() {
    server.close();
  }

  private ServiceFixture.Reply projects(String token) {
    return send(client, request(server.port(), "/projects", token).GET().build());
  }

  @Test
  void revokedToken_isRefusedLikeAnUnknownOne_andTheRevocationIsAudited() throws IOException {
    Store.NewToken analyst = store.createToken(Role.ANALYST, null, "a1");
    Store.NewToken auditor = store.createToken(Role.AUDITOR, null, null);
    assertEquals(200, projects(analyst.token()).status());

    Principal revoked = store.revokeToken("a1");

    assertEquals(analyst.principal().id(), revoked.id());
    ServiceFixture.Reply refused = projects(analyst.token());
    ServiceFixture.Reply unknown = projects("pprl_" + "x".repeat(43));
    assertEquals(401, refused.status());
    assertEquals("unauthenticated", refused.code());
    // Nothing tells a holder of a leaked token that it was real and has been revoked.
    assertEquals(unknown.body(), refused.body());
    assertFalse(refused.body().toString().contains(analyst.token()));
    assertEquals(200, projects(auditor.token()).status(), "only that token is revoked");

    List<JsonNode> events = auditEvents(auditor.token());
    JsonNode revocation =
        events.stream()
            .filter(e -> e.path("action").asText().equals("token.revoke"))
            .findFirst()
            .orElseThrow(() -> new AssertionError("no token.revoke in " + events));
    assertEquals(Store.OPERATOR, revocation.get("role").asText());
    assertEquals(analyst.principal().id(), revocation.get("detail").get("principal").asLong());
    assertEquals(
        2, events.stream().filter(e -> e.path("action").asText().equals("token.create")).count());
  }

  @Test
  void revokeToken_twiceUnknownOrAmbiguous_isRefusedAndChangesNothing() throws IOException {
    Store.NewToken first = store.createToken(Role.ANALYST, null, "same");
    store.createToken(Role.ANALYST, null, "same");
    Store.NewToken auditor = store.createToken(Role.AUDITOR, null, null);
    assertThrows(IllegalArgumentException.class, () -> store.revokeToken("same"));
    assertThrows(IllegalArgumentException.class, () -> store.revokeToken("99"));
    store.revokeToken(Long.toString(first.principal().id()));
    IllegalArgumentException again =
        assertThrows(
            IllegalArgumentException.class,
            () -> store.revokeToken(Long.toString(first.principal().id())));
    assertTrue(again.getMessage().contains("revoked already"), again.getMessage());
    long revocations =
        auditEvents(auditor.token()).stream()
            .filter(e -> e.path("action").asText().equals("token.revoke"))
            .count();
    assertEquals(1, revocations);
  }

  @Test
  void expiredToken_isRefusedLikeAnUnknownOne_whileOneNotYetExpiredIsAccepted() {
    Store.NewToken expired =
        store.createToken(Role.ANALYST, null, null, Instant.now().minusSeconds(1));
    Store.NewToken later =
        store.createToken(Role.ANALYST, null, null, Instant.now().plusSeconds(3600));

    ServiceFixture.Reply refused = projects(expired.token());

    assertEquals(401, refused.status());
    assertEquals("unauthenticated", refused.code());
    assertEquals(200, projects(later.token()).status());
    assertEquals(
        List.of("expired", "active"),
        store.tokens().stream().map(t -> t.state(Instant.now())).toList());
  }

  /** The audit log exported over the API by the auditor, verified, as its event lines' JSON. */
  private List<JsonNode> auditEvents(String auditorToken) throws IOException {
    HttpResponse<String> r;
    try {
      r =
          client.send(
              request(server.port(), "/audit", auditorToken).GET().build(),
              HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException(e);
    }
    assertEquals(200, r.statusCode(), r.body());
    List<String> lines = r.body().lines().toList();
    Verification v = Verifier.verify(lines, store.auditPublicKey());
    assertTrue(v.ok(), v.toString());
    List<JsonNode> events = new ArrayList<>();
    for (String line : lines) {
      JsonNode n = ServiceFixture.JSON.readTree(line);
      if (n.path("type").asText().equals("event")) {
        events.add(n);
      }
    }
    return events;
  }
}
