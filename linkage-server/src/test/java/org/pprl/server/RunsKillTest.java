package org.pprl.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.pprl.server.RunFixture.awaitFinal;
import static org.pprl.server.RunFixture.links;
import static org.pprl.server.RunFixture.startRun;
import static org.pprl.server.ServiceFixture.request;
import static org.pprl.server.ServiceFixture.send;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.StringWriter;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.pprl.core.audit.Verification;
import org.pprl.core.audit.Verifier;
import org.pprl.fixtures.Agency;

/**
 * The service killed (SIGKILL, {@link Process#destroyForcibly}) in the middle of a run and of an
 * upload: reopened, its data directory is as before them, and its audit log verifies. On SQLite and
 * again on PostgreSQL ({@link TestStores}), where the killed process's transactions end with its
 * connections.
 */
class RunsKillTest {
  private static final Agency PA = Agency.PUBLIC_ASSISTANCE;
  private static final Agency HS = Agency.HOMELESS_SERVICES;

  @TempDir Path dir;
  private Process child;
  private final CountDownLatch neverEnds = new CountDownLatch(1);

  @AfterEach
  void cleanUp() throws InterruptedException {
    neverEnds.countDown();
    if (child != null && child.isAlive()) {
      child.destroyForcibly();
      child.waitFor(RunFixture.WAIT_MILLIS, TimeUnit.MILLISECONDS);
    }
  }

  @Test
  void kill_midRunAndMidUpload_reopensWithPreviousExtractsLinksAndAVerifiableLog()
      throws Exception {
    RunFixture.City city = RunFixture.city(dir.resolve("work"), 2000, 5, PA, HS);
    Path data = dir.resolve("data");
    Store setup = TestStores.open(data);
    setup.createAgency(PA.id());
    setup.createAgency(HS.id());
    String pa = setup.createToken(Role.STEWARD, PA.id(), null).token();
    String hs = setup.createToken(Role.STEWARD, HS.id(), null).token();
    Store.NewToken adminToken = setup.createToken(Role.ADMIN, null, null);
    String admin = adminToken.token();
    long project =
        setup
            .createProject(
                adminToken.principal(),
                "kill",
                List.of(PA.id(), HS.id()),
                city.fingerprint(),
                6,
                city.purposes(),
                city.attributes())
            .id();
    Path holdFile = dir.resolve("hold");
    int port = startChild(data, holdFile);
    HttpClient client = HttpClient.newHttpClient();

    // Before the kill: both extracts, one successful run, then a second homeless extract.
    assertEquals(201, upload(client, port, pa, project, PA, city.extract(PA)));
    assertEquals(201, upload(client, port, hs, project, HS, city.extract(HS)));
    long first = startRun(client, port, admin, project).body().get("run").asLong();
    assertEquals(
        "succeeded", awaitFinal(client, port, admin, project, first).get("status").asText());
    Map<String, Map<String, String>> linksBefore = links(setup, project);
    assertFalse(linksBefore.isEmpty());
    // The same records in other bytes: the very bytes again would make no new version.
    Path again = dir.resolve("homeless-again.pprl.gz");
    try (java.util.zip.GZIPOutputStream z =
        new java.util.zip.GZIPOutputStream(Files.newOutputStream(again))) {
      Files.copy(city.extract(HS), z);
    }
    assertEquals(201, upload(client, port, hs, project, HS, again));

    // A run held for good in the middle, and an upload whose body stops half-way.
    Files.writeString(holdFile, "comparing fields");
    long second = startRun(client, port, admin, project).body().get("run").asLong();
    RunFixture.await(
        client,
        port,
        admin,
        project,
        second,
        j ->
            j.get("status").asText().equals("running")
                && j.get("phase").asText().startsWith("candidates"));
    byte[] body = Files.readAllBytes(city.extract(PA));
    CompletableFuture<HttpResponse<String>> halfUpload =
        client.sendAsync(
            request(port, "/projects/" + project + "/extracts/" + PA.id(), pa)
                .PUT(HttpRequest.BodyPublishers.ofInputStream(() -> halfThenStall(body)))
                .build(),
            HttpResponse.BodyHandlers.ofString());
    Path incoming = data.resolve(Store.INCOMING_DIR);
    awaitTrue(() -> incomingBytes(incoming) > 0, "the upload to reach incoming/");

    child.destroyForcibly();
    assertTrue(child.waitFor(RunFixture.WAIT_MILLIS, TimeUnit.MILLISECONDS));
    // The client may not notice the dead server while its body publisher is stalled: end the
    // stall so that the request fails one way or the other, and bound the wait.
    neverEnds.countDown();
    assertTrue(
        halfUpload
            .handle((r, e) -> e != null || r.statusCode() >= 400)
            .get(RunFixture.WAIT_MILLIS, TimeUnit.MILLISECONDS));

    Store reopened = TestStores.open(data);
    assertEquals(1, reopened.currentExtract(project, PA.id()).orElseThrow().version());
    assertEquals(2, reopened.currentExtract(project, HS.id()).orElseThrow().version());
    assertEquals(linksBefore, links(reopened, project));
    assertEquals("running", reopened.run(project, second).orElseThrow().status().id());
    try (LinkageServer server = LinkageServer.start(reopened, 0, 1 << 20)) {
      Store.Run run = reopened.run(project, second).orElseThrow();
      assertEquals(Store.RunStatus.FAILED, run.status());
      assertEquals("interrupted", run.error());
      assertEquals(0, incomingBytes(incoming));
      try (Stream<Path> files = Files.list(incoming)) {
        assertEquals(List.of(), files.toList());
      }
      // The service works on: a new run over the current extracts succeeds.
      JsonNode third =
          awaitFinal(
              client,
              server.port(),
              admin,
              project,
              startRun(client, server.port(), admin, project).body().get("run").asLong());
      assertEquals("succeeded", third.get("status").asText(), third.toString());
    }
    StringWriter log = new StringWriter();
    // Closing the service closed its store: read the log with another.
    try (Store afterwards = TestStores.open(data)) {
      afterwards.exportAudit(log);
    }
    Verification v = Verifier.verify(log.toString().lines().toList(), reopened.auditPublicKey());
    assertTrue(v.ok(), v.toString());
    assertTrue(log.toString().contains("\"error\":\"interrupted\""));
  }

  /** Starts {@link ServiceChild} on the data directory; returns its port. */
  private int startChild(Path data, Path holdFile) throws Exception {
    Path java = Path.of(System.getProperty("java.home"), "bin", "java");
    List<String> command = new ArrayList<>(List.of(java.toString(), "-Xmx512m"));
    if (ModuleLayer.boot().findModule("jdk.incubator.vector").isPresent()) {
      command.addAll(List.of("--add-modules", "jdk.incubator.vector"));
    }
    command.addAll(
        List.of(
            "-cp",
            System.getProperty("java.class.path"),
            ServiceChild.class.getName(),
            data.toString(),
            holdFile.toString()));
    ProcessBuilder builder =
        new ProcessBuilder(command)
            .redirectError(dir.resolve("child.log").toFile())
            .redirectInput(ProcessBuilder.Redirect.PIPE);
    TestStores.passTo(data, builder.environment());
    child = builder.start();
    BufferedReader out =
        new BufferedReader(new InputStreamReader(child.getInputStream(), StandardCharsets.UTF_8));
    CompletableFuture<String> first = CompletableFuture.supplyAsync(() -> readLine(out));
    String line = first.get(RunFixture.WAIT_MILLIS, TimeUnit.MILLISECONDS);
    assertTrue(line != null && line.startsWith("port "), "child said " + line + "; " + childLog());
    // Keep draining what the child prints, so it never blocks on a full pipe.
    CompletableFuture.runAsync(
        () -> {
          while (readLine(out) != null) {
            // discard
          }
        });
    return Integer.parseInt(line.substring(5).trim());
  }

  private String childLog() {
    try {
      return Files.readString(dir.resolve("child.log"));
    } catch (IOException e) {
      return "(no log)";
    }
  }

  private static String readLine(BufferedReader r) {
    try {
      return r.readLine();
    } catch (IOException e) {
      return null;
    }
  }

  private static int upload(
      HttpClient client, int port, String token, long project, Agency a, Path extract)
      throws IOException {
    return send(
            client,
            request(port, "/projects/" + project + "/extracts/" + a.id(), token)
                .PUT(HttpRequest.BodyPublishers.ofFile(extract))
                .build())
        .status();
  }

  /** The first half of {@code body}, then a read that blocks until the test ends. */
  private InputStream halfThenStall(byte[] body) {
    return new InputStream() {
      private int next;

      @Override
      public int read() throws IOException {
        if (next < body.length / 2) {
          return body[next++] & 0xff;
        }
        try {
          neverEnds.await();
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
        throw new IOException("the test is over");
      }

      @Override
      public int read(byte[] b, int off, int len) throws IOException {
        if (len == 0) {
          return 0;
        }
        int n = Math.min(len, body.length / 2 - next);
        if (n <= 0) {
          return read();
        }
        System.arraycopy(body, next, b, off, n);
        next += n;
        return n;
      }
    };
  }

  private static long incomingBytes(Path incoming) {
    try (Stream<Path> files = Files.list(incoming)) {
      long total = 0;
      for (Path f : (Iterable<Path>) files::iterator) {
        total += Files.size(f);
      }
      return total;
    } catch (IOException e) {
      return 0; // a file vanished while listed: try again
    }
  }

  private static void awaitTrue(java.util.function.BooleanSupplier condition, String what)
      throws InterruptedException {
    long deadline = System.nanoTime() + RunFixture.WAIT_MILLIS * 1_000_000;
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("timed out waiting for " + what);
      }
      Thread.sleep(20);
    }
  }
}
