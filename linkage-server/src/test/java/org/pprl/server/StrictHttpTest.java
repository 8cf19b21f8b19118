package org.pprl.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.pprl.server.ServiceFixture.FINGERPRINT;
import static org.pprl.server.ServiceFixture.extract;
import static org.pprl.server.ServiceFixture.request;
import static org.pprl.server.ServiceFixture.send;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.io.InputStream;
import java.net.Socket;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.pprl.server.ServiceFixture.Reply;

/**
 * Issue 14, part 5: the HTTP and JSON edges an attacker and an operator found, each against a real
 * service. One spelling for each id; 405 with {@code Allow} for a wrong method; HEAD exactly where
 * the caller may GET; the JSON refusal shape also for the errors Jetty answers itself; bodies
 * without unknown or repeated fields; names without control or bidi characters; and an identical
 * re-upload that makes no new version.
 */
class StrictHttpTest {
  @TempDir static Path dir;
  private static LinkageServer server;
  private static String admin;
  private static String analyst;
  private static String auditor;
  private static String steward;
  private static long project;
  private static final HttpClient CLIENT = HttpClient.newHttpClient();

  @BeforeAll
  static void start() throws IOException {
    Store store = TestStores.open(dir);
    store.createAgency("dhs");
    admin = store.createToken(Role.ADMIN, null, "admin").token();
    analyst = store.createToken(Role.ANALYST, null, "analyst").token();
    auditor = store.createToken(Role.AUDITOR, null, "auditor").token();
    steward = store.createToken(Role.STEWARD, "dhs", "steward").token();
    server = LinkageServer.start(store, 0, 1 << 20);
    Reply r = createProject("strict", "");
    assertEquals(201, r.status(), r.body().toString());
    project = r.body().get("id").asLong();
  }

  @AfterAll
  static void stop() {
    server.close();
  }

  /** POST /projects with this name (as JSON text, escaped by the caller) and extra fields. */
  private static Reply createProject(String nameJson, String extraFields) {
    return send(
        CLIENT,
        request(server.port(), "/projects", admin)
            .POST(
                HttpRequest.BodyPublishers.ofString(
                    "{\"name\":\""
                        + nameJson
                        + "\",\"agencies\":[\"dhs\"],\"schemaFingerprint\":\""
                        + FINGERPRINT
                        + "\""
                        + extraFields
                        + "}"))
            .build());
  }

  private static Reply call(String method, String path, String token) {
    return send(
        CLIENT,
        request(server.port(), path, token)
            .method(method, HttpRequest.BodyPublishers.noBody())
            .build());
  }

  private static HttpResponse<String> head(String path, String token) {
    return exchange("HEAD", path, token);
  }

  /** {@code method path} without a body, answered as text with its headers. */
  private static HttpResponse<String> exchange(String method, String path, String token) {
    try {
      return CLIENT.send(
          request(server.port(), path, token)
              .method(method, HttpRequest.BodyPublishers.noBody())
              .build(),
          HttpResponse.BodyHandlers.ofString());
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  @Test
  void wrongMethod_onAKnownPath_is405WithAllow_andAnUnknownPathStays404() {
    Reply delete = call("DELETE", "/projects", admin);
    assertEquals(405, delete.status(), delete.body().toString());
    assertEquals("method_not_allowed", delete.code());
    assertEquals(
        List.of("GET, HEAD, POST"),
        allow("DELETE", "/projects", admin),
        "the methods of the path, HEAD with GET");
    assertEquals(List.of("GET, HEAD"), allow("PUT", "/health", null));
    // A project is not changed once created (docs/service.md).
    assertEquals(List.of("GET, HEAD"), allow("PATCH", "/projects/" + project, admin));
    assertEquals(List.of("GET, HEAD"), allow("DELETE", "/projects/" + project, admin));
    assertEquals(List.of("POST"), allow("GET", "/projects/" + project + "/runs/1/cancel", admin));
    assertEquals(List.of("PUT"), allow("GET", "/projects/" + project + "/extracts/dhs", admin));
    Reply unknown = call("DELETE", "/nothing-here", admin);
    assertEquals(404, unknown.status());
    assertEquals("not_found", unknown.code());
  }

  private static List<String> allow(String method, String path, String token) {
    HttpResponse<String> r = exchange(method, path, token);
    assertEquals(405, r.statusCode(), method + " " + path + ": " + r.body());
    assertTrue(r.body().contains("\"method_not_allowed\""), r.body());
    return r.headers().allValues("Allow");
  }

  @Test
  void head_getsTheSameAnswerAsGetForEachRole_withoutABody() {
    String runs = "/projects/" + project + "/runs";
    for (String token : new String[] {null, "pprl_unknown", admin, analyst, auditor, steward}) {
      for (String path : List.of("/audit", runs, "/projects", "/projects/" + project, "/health")) {
        Reply get = call("GET", path, token);
        HttpResponse<String> head = head(path, token);
        assertEquals(get.status(), head.statusCode(), "HEAD " + path + " as " + token);
        assertEquals("", head.body());
      }
    }
    // On the wire: the headers of the GET, and not a byte of body.
    String raw =
        rawText(
            "HEAD /projects HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer "
                + admin
                + "\r\nConnection: close\r\n\r\n");
    assertTrue(raw.startsWith("HTTP/1.1 200"), raw);
    assertTrue(raw.endsWith("\r\n\r\n"), raw);
    // The attacker's case: an analyst used to get 200 for HEAD /audit.
    assertEquals(403, head("/audit", analyst).statusCode());
    assertEquals(403, head(runs, steward).statusCode());
    assertEquals(200, head("/audit", auditor).statusCode());
  }

  @Test
  void jettysOwnErrors_comeBackInTheJsonShape() throws IOException {
    JsonNode headers =
        raw("GET /health HTTP/1.1\r\nHost: x\r\nX-Big: " + "a".repeat(20_000) + "\r\n\r\n", 431);
    assertEquals("headers_too_large", headers.get("code").asText());
    JsonNode uri = raw("GET /" + "a".repeat(20_000) + " HTTP/1.1\r\nHost: x\r\n\r\n", 414);
    assertEquals("uri_too_long", uri.get("code").asText());
    JsonNode bad = raw("GET /health HTTP/1.1\r\nHost: x\r\nContent-Length: nope\r\n\r\n", 400);
    assertEquals("bad_request", bad.get("code").asText());
  }

  /** Sends {@code request} as it is and returns the JSON body, after checking the status. */
  private static JsonNode raw(String request, int status) throws IOException {
    String response = rawText(request);
    assertTrue(response.startsWith("HTTP/1.1 " + status), response);
    assertTrue(
        response.toLowerCase(Locale.ROOT).contains("content-type: application/json"), response);
    assertFalse(response.contains("aaaa"), "the reply quotes nothing of the request");
    return ServiceFixture.JSON.readTree(response.substring(response.indexOf("\r\n\r\n") + 4));
  }

  /** Sends {@code request} as it is on a new connection; the whole answer, until it closes. */
  private static String rawText(String request) {
    try (Socket s = new Socket("127.0.0.1", server.port())) {
      s.setSoTimeout(10_000);
      s.getOutputStream().write(request.getBytes(StandardCharsets.US_ASCII));
      s.getOutputStream().flush();
      InputStream in = s.getInputStream();
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  @Test
  void projectId_onlyItsCanonicalSpelling_findsIt() {
    assertEquals(200, call("GET", "/projects/" + project, admin).status());
    for (String other :
        List.of("0" + project, "+" + project, "%D9%A1", "%EF%BC%91", project + "%20", "-0", "0")) {
      Reply r = call("GET", "/projects/" + other, admin);
      assertEquals(404, r.status(), other);
      assertEquals("not_found", r.code(), other);
    }
    Reply run = call("GET", "/projects/" + project + "/runs/01", admin);
    assertEquals(404, run.status());
  }

  @Test
  void body_unknownField_isRefusedNamingIt_andNothingIsStored() {
    int before = projectCount();
    Reply r = createProject("typo", ",\"minCelSize\":1");
    assertEquals(400, r.status());
    assertEquals("bad_request", r.code());
    assertTrue(r.body().get("message").asText().contains("'minCelSize'"), r.body().toString());
    Reply question =
        send(
            CLIENT,
            request(server.port(), "/projects/" + project + "/questions", analyst)
                .POST(
                    HttpRequest.BodyPublishers.ofString(
                        "{\"purpose\":\"research\",\"question\":{},\"purpse\":\"x\"}"))
                .build());
    assertEquals(400, question.status(), question.body().toString());
    assertTrue(question.body().get("message").asText().contains("'purpse'"));
    assertEquals(before, projectCount());
  }

  @Test
  void query_unknownOrRepeatedParameter_isRefusedNamingIt() {
    String matches = "/projects/" + project + "/matches";
    Reply typo = call("GET", matches + "?purpse=research", steward);
    assertEquals(400, typo.status(), typo.body().toString());
    assertEquals("bad_request", typo.code());
    assertTrue(typo.body().get("message").asText().contains("'purpse'"), typo.body().toString());
    Reply twice = call("GET", matches + "?purpose=research&purpose=x", steward);
    assertEquals(400, twice.status(), twice.body().toString());
    assertTrue(twice.body().get("message").asText().contains("'purpose'"));
    // On a route that reads no parameter at all, and before the caller is known to be allowed.
    assertEquals(400, call("GET", "/projects?x=1", analyst).status());
    assertEquals(401, call("GET", "/projects?x=1", "not-a-token").status());
    // The known one passes this check (whatever the route then says of the purpose itself).
    Reply plain = call("GET", matches + "?purpose=research", steward);
    assertFalse(
        plain.body().path("message").asText("").contains("query parameter"),
        plain.body().toString());
  }

  @Test
  void body_duplicateField_isRefusedNamingIt() {
    int before = projectCount();
    Reply r =
        send(
            CLIENT,
            request(server.port(), "/projects", admin)
                .POST(
                    HttpRequest.BodyPublishers.ofString(
                        "{\"name\":\"one\",\"name\":\"two\",\"agencies\":[\"dhs\"],"
                            + "\"schemaFingerprint\":\""
                            + FINGERPRINT
                            + "\"}"))
                .build());
    assertEquals(400, r.status());
    assertEquals("bad_request", r.code());
    assertEquals("duplicate field 'name'", r.body().get("message").asText());
    assertEquals(before, projectCount());
  }

  @Test
  void projectName_withControlBidiOrLoneSurrogate_isRefused() {
    int before = projectCount();
    for (String name :
        List.of(
            "two\\nlines",
            "tab\\there",
            "left\\u202Eright",
            "isolate\\u2066x\\u2069",
            "mark\\u200Fx",
            "lone\\ud800",
            "trail\\udc00x")) {
      Reply r = createProject(name, "");
      assertEquals(400, r.status(), name + " " + r.body());
      assertEquals("bad_request", r.code(), name);
      assertFalse(r.body().get("message").asText().contains("\n"), name);
    }
    // Malformed UTF-8 (a byte 0xFF) is refused, not read as U+FFFD.
    byte[] head = "{\"name\":\"bad".getBytes(StandardCharsets.UTF_8);
    byte[] tail =
        ("\",\"agencies\":[\"dhs\"],\"schemaFingerprint\":\"" + FINGERPRINT + "\"}")
            .getBytes(StandardCharsets.UTF_8);
    byte[] malformed = new byte[head.length + 1 + tail.length];
    System.arraycopy(head, 0, malformed, 0, head.length);
    malformed[head.length] = (byte) 0xFF;
    System.arraycopy(tail, 0, malformed, head.length + 1, tail.length);
    Reply bytes =
        send(
            CLIENT,
            request(server.port(), "/projects", admin)
                .POST(HttpRequest.BodyPublishers.ofByteArray(malformed))
                .build());
    assertEquals(400, bytes.status(), bytes.body().toString());
    assertEquals(before, projectCount());
    Reply accented = createProject("Étude des parcours \\u00e0 Montr\\u00e9al \\ud83d\\ude00", "");
    assertEquals(201, accented.status(), accented.body().toString());
  }

  private static int projectCount() {
    return call("GET", "/projects", admin).body().get("projects").size();
  }

  @Test
  void reUpload_ofTheSameExtract_answersTheExistingVersionAndSaysSo() {
    Reply other = createProject("uploads", "");
    long p = other.body().get("id").asLong();
    byte[] bytes = extract("dhs", FINGERPRINT, 6, 11);
    Reply first = upload(p, bytes);
    Reply again = upload(p, bytes);
    Reply changed = upload(p, extract("dhs", FINGERPRINT, 7, 12));

    assertEquals(201, first.status(), first.body().toString());
    assertFalse(first.body().get("unchanged").asBoolean());
    assertEquals(200, again.status(), again.body().toString());
    assertTrue(again.body().get("unchanged").asBoolean());
    assertEquals(1, again.body().get("version").asInt());
    assertEquals(first.body().get("sha256"), again.body().get("sha256"));
    assertEquals(first.body().get("uploadedAt"), again.body().get("uploadedAt"));
    assertEquals(201, changed.status());
    assertEquals(2, changed.body().get("version").asInt());
  }

  private static Reply upload(long p, byte[] bytes) {
    return send(
        CLIENT,
        request(server.port(), "/projects/" + p + "/extracts/dhs", steward)
            .PUT(HttpRequest.BodyPublishers.ofByteArray(bytes))
            .build());
  }
}
