package org.pprl.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.pprl.server.ServiceFixture.request;
import static org.pprl.server.ServiceFixture.send;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The pages over HTTP, without a browser: their files, types and Content-Security-Policy, and the
 * JSON endpoints they read (a run's linkage report, the audit log's verification).
 */
class PagesTest {
  @TempDir static Path dir;
  static PagesFixture service;
  static long run;

  @BeforeAll
  static void start() throws Exception {
    service = new PagesFixture(dir, 2500);
    service.upload(PagesFixture.HS);
    String admin = service.tokens.get(Role.ADMIN);
    run =
        RunFixture.startRun(service.client, service.server.port(), admin, service.project)
            .body()
            .get("run")
            .asLong();
    JsonNode done =
        RunFixture.awaitFinal(service.client, service.server.port(), admin, service.project, run);
    assertEquals("succeeded", done.get("status").asText(), done.toString());
  }

  @AfterAll
  static void stop() {
    service.close();
  }

  private static HttpResponse<String> get(String path, String token) throws Exception {
    HttpRequest.Builder b =
        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + service.server.port() + path));
    if (token != null) {
      b.header("Authorization", "Bearer " + token);
    }
    return service.client.send(b.build(), HttpResponse.BodyHandlers.ofString());
  }

  @Test
  void pages_needNoToken_andComeWithTheirTypeAndAStrictPolicy() throws Exception {
    for (String[] file :
        List.of(
            new String[] {"index.html", "text/html"},
            new String[] {"admin.html", "text/html"},
            new String[] {"analyst.html", "text/html"},
            new String[] {"auditor.html", "text/html"},
            new String[] {"steward.html", "text/html"},
            new String[] {"app.js", "text/javascript"},
            new String[] {"admin.js", "text/javascript"},
            new String[] {"pages.css", "text/css"},
            new String[] {"report.css", "text/css"})) {
      HttpResponse<String> r = get("/ui/" + file[0], null);
      assertEquals(200, r.statusCode(), file[0]);
      assertTrue(r.headers().firstValue("Content-Type").orElse("").startsWith(file[1]), file[0]);
      String policy = r.headers().firstValue("Content-Security-Policy").orElse("");
      assertEquals(Pages.CONTENT_SECURITY_POLICY, policy, file[0]);
      assertEquals("nosniff", r.headers().firstValue("X-Content-Type-Options").orElse(""));
      // Only this service's own files: no inline script, nothing from elsewhere.
      assertFalse(r.body().contains("http://") && !file[0].endsWith(".js"), file[0]);
      assertFalse(r.body().contains("https://"), file[0]);
      assertFalse(r.body().matches("(?s).*<script>.*"), file[0] + " has an inline script");
    }
    assertTrue(Pages.CONTENT_SECURITY_POLICY.contains("script-src 'self';"));
    assertFalse(Pages.CONTENT_SECURITY_POLICY.contains("unsafe"));
  }

  @Test
  void unknownPage_is404_andApiPathsStillNeedAToken() throws Exception {
    assertEquals(404, get("/ui/secret.html", null).statusCode());
    int traversal = get("/ui/..%2Fopenapi.json", null).statusCode();
    assertTrue(traversal == 400 || traversal == 404, "a path out of /ui/: " + traversal);
    assertEquals(401, get("/projects", null).statusCode());
    assertEquals(401, get("/whoami", null).statusCode());
  }

  @Test
  void whoami_tellsTheRoleAndAgency_neverTheToken() throws Exception {
    String token = service.stewards.get(PagesFixture.HS);
    HttpResponse<String> r = get("/whoami", token);
    assertEquals(200, r.statusCode());
    JsonNode j = ServiceFixture.JSON.readTree(r.body());
    assertEquals("steward", j.get("role").asText());
    assertEquals(PagesFixture.HS.id(), j.get("agency").asText());
    assertFalse(r.body().contains(token));
  }

  @Test
  void runReport_isTheRunsSummaryReport_drawnAsTheCommandDrawsIt() throws Exception {
    String admin = service.tokens.get(Role.ADMIN);
    String runPath = "/projects/" + service.project + "/runs/" + run;
    JsonNode summary =
        send(service.client, request(service.server.port(), runPath, admin).GET().build())
            .body()
            .get("summary");
    HttpResponse<String> r = get(runPath + "/report", admin);
    assertEquals(200, r.statusCode(), r.body());
    JsonNode j = ServiceFixture.JSON.readTree(r.body());
    assertEquals(summary.get("report"), j.get("report"));
    assertEquals("pprl.report.v1", j.get("report").get("format").asText());
    assertEquals(summary.get("entities").asLong(), j.at("/report/entities/count").asLong());
    String html = j.get("html").asText();
    assertTrue(html.split("<svg class=\"chart\"", -1).length > 4, "charts in the report");
    assertFalse(html.contains("<script"), "no script in the fragment");
    assertFalse(html.contains("style="), "no style attribute: the page's policy forbids them");
    // An analyst asking for it is refused by the same role check as the run itself.
    assertEquals(403, get(runPath + "/report", service.tokens.get(Role.ANALYST)).statusCode());
  }

  @Test
  void auditVerification_verifiesTheLogItWouldExport_andIsAudited() throws Exception {
    String auditor = service.tokens.get(Role.AUDITOR);
    HttpResponse<String> r = get("/audit/verification", auditor);
    assertEquals(200, r.statusCode(), r.body());
    JsonNode j = ServiceFixture.JSON.readTree(r.body());
    assertTrue(j.get("verified").asBoolean(), r.body());
    assertEquals(0, j.get("unsignedTail").asLong(), r.body());
    assertEquals(j.get("through").asLong(), j.get("events").asLong(), r.body());
    String log = get("/audit", auditor).body();
    assertTrue(log.contains("\"action\":\"audit.verify\""), "the verification is itself logged");
  }
}
