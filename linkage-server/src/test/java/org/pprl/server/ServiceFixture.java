package org.pprl.server;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.HexFormat;
import java.util.List;
import java.util.SplittableRandom;
import org.pprl.core.encode.KeyCheck;
import org.pprl.core.extract.ExtractHeader;
import org.pprl.core.extract.ExtractRecord;
import org.pprl.core.extract.ExtractWriter;

/** Test helpers: extracts made with the core writer, and JSON requests to a running service. */
final class ServiceFixture {
  static final ObjectMapper JSON = new ObjectMapper();
  static final String FINGERPRINT = "ab".repeat(32);
  static final String OTHER_FINGERPRINT = "cd".repeat(32);

  private ServiceFixture() {}

  /** An extract of {@code records} records with 1024-bit CLKs, seeded, in memory. */
  static byte[] extract(String agency, String fingerprintHex, int records, long seed) {
    return extract(agency, fingerprintHex, records, seed, new String[0]);
  }

  /** As {@link #extract(String, String, int, long)}, with these attributes, all missing. */
  static byte[] extract(
      String agency, String fingerprintHex, int records, long seed, String... attributes) {
    return extract(agency, fingerprintHex, records, seed, 1024, false, attributes);
  }

  /**
   * An extract with CLKs of {@code clkBits}; with {@code repeatId}, the last record has the first
   * one's id (written without the writer's check, as a faulty tool might).
   */
  static byte[] extract(
      String agency,
      String fingerprintHex,
      int records,
      long seed,
      int clkBits,
      boolean repeatId,
      String... attributes) {
    String[] ids = new String[records];
    for (int i = 0; i < records; i++) {
      ids[i] = repeatId && i == records - 1 ? "r0" : "r" + i;
    }
    return extract(agency, fingerprintHex, ids, seed, clkBits, !repeatId, new byte[0], attributes);
  }

  /** As {@link #extract(String, String, int, long)}, carrying the key check of {@code secret}. */
  static byte[] extractUnder(
      String secret, String agency, String fingerprintHex, int records, long seed) {
    String[] ids = new String[records];
    for (int i = 0; i < records; i++) {
      ids[i] = "r" + i;
    }
    return extract(
        agency,
        fingerprintHex,
        ids,
        seed,
        1024,
        true,
        KeyCheck.of(secret.getBytes(java.nio.charset.StandardCharsets.UTF_8)));
  }

  /** An extract whose records have these ids, in this order, with 1024-bit CLKs. */
  static byte[] extractWithIds(String agency, String fingerprintHex, List<String> ids, long seed) {
    return extract(
        agency, fingerprintHex, ids.toArray(new String[0]), seed, 1024, true, new byte[0]);
  }

  private static byte[] extract(
      String agency,
      String fingerprintHex,
      String[] ids,
      long seed,
      int clkBits,
      boolean checkIds,
      byte[] keyCheck,
      String... attributes) {
    ExtractHeader header =
        ExtractHeader.builder()
            .keyCheck(keyCheck)
            .schemaFingerprint(HexFormat.of().parseHex(fingerprintHex))
            .agency(agency)
            .toolVersion("pprl test")
            .clkBits(clkBits)
            .attributes(attributes)
            .purposes("research")
            .build();
    SplittableRandom random = new SplittableRandom(seed);
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (ExtractWriter w = ExtractWriter.create(bytes, header, checkIds)) {
      ExtractRecord r = new ExtractRecord(header);
      for (String id : ids) {
        r.setId(id);
        long[] clk = r.clk();
        for (int k = 0; k < clk.length; k++) {
          clk[k] = random.nextLong();
        }
        if (clkBits % 64 != 0) {
          clk[clk.length - 1] &= (1L << (clkBits % 64)) - 1;
        }
        r.setConsent(1);
        w.write(r);
      }
      w.finish();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return bytes.toByteArray();
  }

  /** A response: status and parsed JSON body. */
  record Reply(int status, JsonNode body) {
    String code() {
      return body.path("code").asText(null);
    }
  }

  /** Sends a request and parses the JSON answer. */
  static Reply send(HttpClient client, HttpRequest request) {
    try {
      HttpResponse<String> response = client.send(request, HttpResponse.BodyHandlers.ofString());
      String body = response.body();
      return new Reply(
          response.statusCode(), body.isEmpty() ? JSON.nullNode() : JSON.readTree(body));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  static HttpRequest.Builder request(int port, String path, String token) {
    HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path));
    if (token != null) {
      b.header("Authorization", "Bearer " + token);
    }
    return b;
  }
}
