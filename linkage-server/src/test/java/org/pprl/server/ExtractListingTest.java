package org.pprl.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.pprl.server.ServiceFixture.request;
import static org.pprl.server.ServiceFixture.send;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code GET /projects/{project}/extracts}: a steward reads back its own agency's receipts and no
 * other's, an administrator every agency's versions with both assessments. Who may call at all is
 * in {@link AuthorizationMatrixTest}.
 */
class ExtractListingTest {
  @TempDir static Path dir;
  static PagesFixture service;

  /** The receipts the uploads were answered with, in upload order: CS v1, HS v1, CS v2. */
  static final List<JsonNode> receipts = new ArrayList<>();

  @BeforeAll
  static void start() throws Exception {
    service = new PagesFixture(dir, 600);
    receipts.add(service.firstReceipt);
    receipts.add(service.upload(PagesFixture.HS));
    // The same records gzip-compressed: other bytes, so a second version that changes no id.
    receipts.add(
        service.upload(
            PagesFixture.CS,
            ServiceFixture.gzip(Files.readAllBytes(service.city.extract(PagesFixture.CS)))));
  }

  @AfterAll
  static void stop() {
    if (service != null) {
      service.close();
    }
  }

  private static JsonNode listing(String token) {
    ServiceFixture.Reply r =
        send(
            service.client,
            request(service.server.port(), "/projects/" + service.project + "/extracts", token)
                .GET()
                .build());
    assertEquals(200, r.status(), r.body().toString());
    assertEquals(service.project, r.body().get("project").asLong());
    return r.body().get("extracts");
  }

  /** The listing's entry says what the upload's receipt said. */
  private static void assertReceipt(JsonNode receipt, JsonNode entry) {
    for (String field :
        new String[] {
          "agency", "version", "records", "added", "removed", "sha256", "uploadedAt", "assessment"
        }) {
      assertEquals(receipt.get(field), entry.get(field), field + " of " + entry);
    }
    assertTrue(entry.at("/assessment/verdict").isTextual(), entry.toString());
  }

  @Test
  void steward_readsItsOwnReceipts_newestFirst_andNoOtherAgencys() {
    JsonNode own = listing(service.stewards.get(PagesFixture.CS));
    assertEquals(2, own.size(), own.toString());
    assertReceipt(receipts.get(2), own.get(0));
    assertReceipt(receipts.get(0), own.get(1));
    assertTrue(own.get(0).get("current").asBoolean());
    assertFalse(own.get(1).get("current").asBoolean());
    assertEquals(0, own.get(0).get("added").asLong(), "the same ids again");
    assertEquals(service.city.fingerprint(), own.get(0).get("fingerprint").asText());
    for (JsonNode entry : own) {
      assertFalse(entry.has("assessmentWithOthers"), "the assessment with the others' extracts");
    }
    JsonNode other = listing(service.stewards.get(PagesFixture.HS));
    assertEquals(1, other.size(), other.toString());
    assertReceipt(receipts.get(1), other.get(0));
    assertFalse(other.get(0).has("assessmentWithOthers"));
  }

  @Test
  void admin_andAuditor_readEveryAgencysVersions_withBothAssessments() {
    for (Role role : new Role[] {Role.ADMIN, Role.AUDITOR}) {
      JsonNode all = listing(service.tokens.get(role));
      assertEquals(3, all.size(), all.toString());
      assertReceipt(receipts.get(2), all.get(0));
      assertReceipt(receipts.get(0), all.get(1));
      assertReceipt(receipts.get(1), all.get(2));
      for (JsonNode entry : all) {
        assertTrue(entry.at("/assessmentWithOthers/verdict").isTextual(), entry.toString());
      }
    }
  }
}
