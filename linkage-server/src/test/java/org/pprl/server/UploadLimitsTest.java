package org.pprl.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.pprl.server.ServiceFixture.FINGERPRINT;
import static org.pprl.server.ServiceFixture.OTHER_FINGERPRINT;
import static org.pprl.server.ServiceFixture.extract;
import static org.pprl.server.ServiceFixture.request;
import static org.pprl.server.ServiceFixture.send;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.pprl.core.extract.ExtractHeader;
import org.pprl.core.extract.ExtractRecord;
import org.pprl.core.extract.ExtractWriter;
import org.pprl.server.ServiceFixture.Reply;

/**
 * Issue 14, part 2: an upload is bounded in time, in number, in size as sent and once decompressed,
 * and refused at its header when that is wrong, while everything else keeps answering. Limits are
 * small here so that each case takes a second or two, not the defaults' minutes.
 */
class UploadLimitsTest {
  private static final List<String> AGENCIES = List.of("dhs", "acs", "dhe");

  @TempDir Path dir;
  private Store store;
  private LinkageServer server;
  private final HttpClient client = HttpClient.newHttpClient();
  private final Map<String, String> stewards = new HashMap<>();
  private String admin;

  @BeforeEach
  void open() throws IOException {
    store = TestStores.open(dir);
    admin = store.createToken(Role.ADMIN, null, "admin").token();
    for (String agency : AGENCIES) {
      store.createAgency(agency);
      stewards.put(agency, store.createToken(Role.STEWARD, agency, null).token());
    }
  }

  @AfterEach
  void close() {
    if (server != null) {
      server.close();
    }
  }

  private void start(ServerSettings.Builder settings) {
    server = LinkageServer.start(store, settings.build());
  }

  private long project() {
    Reply r =
        send(
            client,
            request(server.port(), "/projects", admin)
                .POST(
                    HttpRequest.BodyPublishers.ofString(
                        "{\"name\":\"limits\",\"agencies\":[\"dhs\",\"acs\",\"dhe\"],"
                            + "\"schemaFingerprint\":\""
                            + FINGERPRINT
                            + "\"}"))
                .build());
    assertEquals(201, r.status(), r.body().toString());
    return r.body().get("id").asLong();
  }

  private Reply upload(long project, String agency, byte[] body) {
    return send(
        client,
        request(server.port(), "/projects/" + project + "/extracts/" + agency, stewards.get(agency))
            .PUT(HttpRequest.BodyPublishers.ofByteArray(body))
            .build());
  }

  private List<Path> incoming() throws IOException {
    try (Stream<Path> files = Files.list(dir.resolve(Store.INCOMING_DIR))) {
      return files.toList();
    }
  }

  /** Waits (up to 10 s) for incoming/ to be empty: a handler deletes its file as it finishes. */
  private void assertIncomingEmptySoon() throws Exception {
    long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    while (!incoming().isEmpty() && System.nanoTime() < until) {
      Thread.sleep(20);
    }
    assertEquals(List.of(), incoming(), "no .part file is left behind");
  }

  /** A raw HTTP/1.1 PUT whose headers declare {@code length} bytes; the body is the caller's. */
  private Socket openUpload(long project, String agency, long length) throws IOException {
    Socket s = new Socket("127.0.0.1", server.port());
    s.setSoTimeout(15_000);
    String head =
        "PUT /projects/"
            + project
            + "/extracts/"
            + agency
            + " HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer "
            + stewards.get(agency)
            + "\r\nContent-Length: "
            + length
            + "\r\n\r\n";
    s.getOutputStream().write(head.getBytes(StandardCharsets.US_ASCII));
    s.getOutputStream().flush();
    return s;
  }

  /** The status of the response on {@code s}, or -1 if the connection closed without one. */
  private static int status(Socket s) {
    try {
      InputStream in = s.getInputStream();
      byte[] line = new byte[12];
      int n = in.readNBytes(line, 0, 12);
      if (n < 12) {
        return -1;
      }
      return Integer.parseInt(new String(line, 9, 3, StandardCharsets.US_ASCII));
    } catch (IOException e) {
      return -1;
    }
  }

  /**
   * Many uploads that trickle a byte at a time: the ones over the limits are refused at once (429
   * for a steward's, 503 for the service's), the ones taken are cut off at the upload time limit,
   * {@code /health} keeps answering fast, and incoming/ ends empty.
   *
   * <p>The health bound is on the median of nine probes, at 100 ms, so that one probe delayed by a
   * loaded 2-core machine (GC, another build) does not fail it; the uploads' own limits are a
   * second and a half, far from it.
   */
  @Test
  void slowUploads_areLimitedAndCutOff_healthStaysFast_incomingEndsEmpty() throws Exception {
    start(
        ServerSettings.builder()
            .maxUploads(4)
            .maxUploadsPerSteward(2)
            .uploadTimeout(Duration.ofMillis(1500))
            .idleTimeout(Duration.ofSeconds(5))
            .maxUploadBytes(10L << 20));
    long project = project();
    byte[] valid = extract("dhs", FINGERPRINT, 50, 1);
    int uploads = 30;
    ExecutorService pool = Executors.newFixedThreadPool(uploads);
    List<Future<Integer>> statuses = new ArrayList<>();
    try {
      for (int i = 0; i < uploads; i++) {
        String agency = AGENCIES.get(i % AGENCIES.size());
        byte[] body = extract(agency, FINGERPRINT, 50, i);
        statuses.add(
            pool.submit(
                () -> {
                  try (Socket s = openUpload(project, agency, 10L << 20)) {
                    OutputStream out = s.getOutputStream();
                    // The header at once, then a byte every 50 ms until the server answers.
                    out.write(body, 0, 600);
                    out.flush();
                    for (int k = 600; k < body.length; k++) {
                      if (s.getInputStream().available() > 0) {
                        break;
                      }
                      try {
                        out.write(body[k]);
                        out.flush();
                      } catch (IOException closed) {
                        break;
                      }
                      Thread.sleep(50);
                    }
                    return status(s);
                  }
                }));
      }
      Thread.sleep(300); // every upload has started
      long[] probes = new long[9];
      for (int i = 0; i < probes.length; i++) {
        long t0 = System.nanoTime();
        Reply health = send(client, request(server.port(), "/health", null).GET().build());
        probes[i] = System.nanoTime() - t0;
        assertEquals(200, health.status());
        Thread.sleep(50);
      }
      Arrays.sort(probes);
      assertTrue(
          probes[probes.length / 2] < TimeUnit.MILLISECONDS.toNanos(100),
          "median /health under slow uploads: " + probes[probes.length / 2] / 1_000_000 + " ms");
      TreeSet<Integer> seen = new TreeSet<>();
      int cut = 0;
      for (Future<Integer> f : statuses) {
        int status = f.get(30, TimeUnit.SECONDS);
        seen.add(status);
        cut += status == 408 ? 1 : 0;
      }
      assertTrue(Set.of(408, 429, 503).containsAll(seen), "statuses: " + seen);
      assertTrue(seen.contains(429), "a steward's fourth upload is refused: " + seen);
      assertTrue(cut >= 1 && cut <= 4, cut + " uploads cut off at the time limit");
    } finally {
      pool.shutdownNow();
    }
    assertIncomingEmptySoon();
    assertEquals(List.of(), store.extractVersions(project, "dhs"));
    // The service is free again: a whole upload is taken.
    Reply ok = upload(project, "dhs", valid);
    assertEquals(201, ok.status(), ok.body().toString());
  }

  @Test
  void stalledUpload_isCutOffAtTheIdleTimeout() throws Exception {
    start(ServerSettings.builder().idleTimeout(Duration.ofMillis(500)));
    long project = project();
    byte[] body = extract("dhs", FINGERPRINT, 50, 1);
    try (Socket s = openUpload(project, "dhs", body.length)) {
      s.getOutputStream().write(body, 0, 600);
      s.getOutputStream().flush();
      int status = status(s); // nothing more is sent
      assertTrue(status == 408 || status == -1, "status " + status);
    }
    assertIncomingEmptySoon();
    JsonNode refused = lastEvent("extract.refuse");
    assertEquals("upload_timeout", refused.path("detail").path("code").asText());
  }

  @Test
  void wrongFingerprint_isRefusedAtTheHeader_beforeTheBodyIsSent() throws Exception {
    start(ServerSettings.builder().maxUploadBytes(10L << 20));
    long project = project();
    byte[] body = extract("dhs", OTHER_FINGERPRINT, 200, 1);
    try (Socket s = openUpload(project, "dhs", 10L << 20)) {
      // Only the first 1,000 bytes of ten declared megabytes: the answer cannot wait for the rest.
      s.getOutputStream().write(body, 0, 1000);
      s.getOutputStream().flush();
      assertEquals(422, status(s));
    }
    assertIncomingEmptySoon();
    assertEquals(
        "wrong_fingerprint", lastEvent("extract.refuse").path("detail").path("code").asText());
  }

  @Test
  void gzipBomb_isRefusedWhileStreaming_farBeforeItsEnd() throws Exception {
    start(ServerSettings.builder().maxExpansion(10).maxUploadBytes(64L << 20));
    long project = project();
    byte[] bomb = gzippedZeroClkExtract("dhs", 1_000_000); // ~140 MB once decompressed
    Reply r = upload(project, "dhs", bomb);
    assertEquals(413, r.status(), r.body().toString());
    assertEquals("expansion_too_large", r.code());
    // The refusal names how much had arrived: a small part of the upload.
    String message = r.body().get("message").asText();
    long received = Long.parseLong(message.replaceAll(".* from the (\\d+) bytes received.*", "$1"));
    assertTrue(received < bomb.length / 4, message + " of " + bomb.length);
    assertIncomingEmptySoon();
    assertEquals(List.of(), store.extractVersions(project, "dhs"));
  }

  @Test
  void gzipUpload_largerThanTheExtractLimitOnceDecompressed_isRefused() throws Exception {
    start(ServerSettings.builder().maxExtractBytes(100_000));
    long project = project();
    byte[] plain = extract("dhs", FINGERPRINT, 2000, 1); // random CLKs: ~300 KB, little expansion
    Reply r = upload(project, "dhs", gzip(plain));
    assertEquals(413, r.status(), r.body().toString());
    assertEquals("too_large", r.code());
    assertTrue(r.body().get("message").asText().contains("once decompressed"), r.body().toString());
    assertIncomingEmptySoon();
    Reply small = upload(project, "dhs", gzip(extract("dhs", FINGERPRINT, 100, 1)));
    assertEquals(201, small.status(), small.body().toString());
    assertEquals(100, small.body().get("records").asInt());
  }

  @Test
  void gzipInsideGzip_isCorrupt() throws Exception {
    start(ServerSettings.builder());
    long project = project();
    Reply r = upload(project, "dhs", gzip(gzip(extract("dhs", FINGERPRINT, 10, 1))));
    assertEquals(422, r.status(), r.body().toString());
    assertEquals("corrupt_extract", r.code());
  }

  private JsonNode lastEvent(String type) throws IOException {
    java.io.StringWriter log = new java.io.StringWriter();
    store.exportAudit(log, Long.MAX_VALUE);
    JsonNode last = null;
    for (String line : log.toString().split("\n")) {
      JsonNode e = ServiceFixture.JSON.readTree(line);
      if (type.equals(e.path("action").asText())) {
        last = e;
      }
    }
    assertTrue(last != null, "no " + type + " event");
    return last;
  }

  private static byte[] gzip(byte[] plain) throws IOException {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (GZIPOutputStream z = new GZIPOutputStream(bytes)) {
      z.write(plain);
    }
    return bytes.toByteArray();
  }

  /** A gzip extract whose CLKs are all zero: compresses far better than any real one. */
  private static byte[] gzippedZeroClkExtract(String agency, int records) throws IOException {
    ExtractHeader header =
        ExtractHeader.builder()
            .schemaFingerprint(HexFormat.of().parseHex(FINGERPRINT))
            .agency(agency)
            .toolVersion("pprl test")
            .clkBits(1024)
            .purposes("research")
            .build();
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (ExtractWriter w =
        ExtractWriter.create(new GZIPOutputStream(bytes, 1 << 16), header, false)) {
      ExtractRecord r = new ExtractRecord(header);
      for (int i = 0; i < records; i++) {
        r.setId(Integer.toString(i));
        r.setConsent(1);
        w.write(r);
      }
      w.finish();
    }
    return bytes.toByteArray();
  }
}
