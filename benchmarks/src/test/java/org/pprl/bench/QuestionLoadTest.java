package org.pprl.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Runs the question load against a stub service on a random loopback port. */
class QuestionLoadTest {
  private HttpServer server;
  private final Set<String> asked = ConcurrentHashMap.newKeySet();

  @BeforeEach
  void startStub() throws IOException {
    server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    server.setExecutor(Executors.newFixedThreadPool(4));
    server.createContext("/health", ex -> answer(ex, 200));
    server.createContext(
        "/projects/7/questions",
        ex -> {
          JsonNode body = new ObjectMapper().readTree(ex.getRequestBody());
          boolean ok =
              "Bearer right".equals(ex.getRequestHeaders().getFirst("Authorization"))
                  && ex.getRequestMethod().equals("POST")
                  && body.path("purpose").asText().equals("research")
                  && body.path("question").has("cohort");
          if (ok) {
            asked.add(body.get("question").toString());
          }
          answer(ex, ok ? 200 : 403);
        });
    server.start();
  }

  @AfterEach
  void stopStub() {
    server.stop(0);
  }

  private static void answer(HttpExchange ex, int status) throws IOException {
    byte[] body = "{}".getBytes(StandardCharsets.UTF_8);
    ex.sendResponseHeaders(status, body.length);
    ex.getResponseBody().write(body);
    ex.close();
  }

  private QuestionLoad.Options options(String token) {
    return QuestionLoad.parse(
        new String[] {
          "--url",
          "http://127.0.0.1:" + server.getAddress().getPort(),
          "--token",
          token,
          "--project",
          "7",
          "--clients",
          "3",
          "--seconds",
          "2"
        });
  }

  @Test
  void run_stubService_asksEveryQuestionRoundRobinWithoutErrors() throws Exception {
    QuestionLoad.Result r = QuestionLoad.run(options("right"));

    assertTrue(r.requests() >= DemoQuestions.ALL.size(), "requests " + r.requests());
    assertEquals(0, r.errors(), r.statuses().toString());
    assertEquals(DemoQuestions.ALL.size(), asked.size(), "distinct questions asked");
    for (long[] q : r.perQuestion()) {
      assertTrue(Math.abs(q.length - r.requests() / 4.0) <= 3, "round-robin: " + q.length);
    }
    assertTrue(r.health().length >= 1 && r.health().length <= 2, "probes " + r.health().length);
    assertEquals(0, r.healthErrors());
    ByteArrayOutputStream text = new ByteArrayOutputStream();
    QuestionLoad.print(
        new PrintStream(text, true, StandardCharsets.UTF_8), options("right"), r, "0 0 0", "0 0 0");
    assertTrue(text.toString(StandardCharsets.UTF_8).contains("| all | " + r.requests() + " |"));
  }

  @Test
  void run_wrongToken_countsEveryAnswerAsAnError() throws Exception {
    QuestionLoad.Result r = QuestionLoad.run(options("wrong"));

    assertTrue(r.requests() > 0);
    assertEquals(r.requests(), r.errors());
    assertEquals(r.requests(), r.statuses().get(403));
  }

  @Test
  void percentile_oneToHundred_isTheNearestRank() {
    long[] values = new long[100];
    for (int i = 0; i < 100; i++) {
      values[i] = i + 1;
    }
    assertEquals(50, QuestionLoad.percentile(values, 50));
    assertEquals(99, QuestionLoad.percentile(values, 99));
    assertEquals(100, QuestionLoad.percentile(values, 100));
    assertEquals(7, QuestionLoad.percentile(new long[] {7}, 99));
    assertEquals(-1, QuestionLoad.percentile(new long[0], 99));
  }

  @Test
  void parse_missingRequiredOrOutOfRange_isRefused() {
    assertNull(QuestionLoad.parse(new String[] {"--help"}));
    assertThrows(
        IllegalArgumentException.class,
        () -> QuestionLoad.parse(new String[] {"--url", "http://127.0.0.1:1"}));
    assertThrows(
        IllegalArgumentException.class,
        () ->
            QuestionLoad.parse(
                new String[] {
                  "--url", "http://127.0.0.1:1", "--token", "t", "--project", "1", "--clients", "0"
                }));
    assertThrows(
        IllegalArgumentException.class,
        () ->
            QuestionLoad.parse(
                new String[] {"--url", "ftp://x", "--token", "t", "--project", "1"}));
  }
}
