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

  /**
   * An extract whose field filter {@code name} (256 bits) is built as doubleHash builds one: each
   * record has three "bigrams" from a skewed vocabulary of 30, and a bigram sets the arithmetic
   * progression {@code a + i * b} (mod 256, 8 bits) of its own {@code (a, b)}. The pattern search
   * finds such progressions without any key.
   */
  static byte[] patternedExtract(String agency, String fingerprintHex, int records, long seed) {
    ExtractHeader header =
        ExtractHeader.builder()
            .schemaFingerprint(HexFormat.of().parseHex(fingerprintHex))
            .agency(agency)
            .toolVersion("pprl test")
            .clkBits(1024)
            .fieldFilter("name", 256)
            .purposes("research")
            .build();
    SplittableRandom random = new SplittableRandom(seed);
    int[][] bigrams = new int[30][];
    for (int t = 0; t < bigrams.length; t++) {
      bigrams[t] = new int[] {random.nextInt(256), 1 + random.nextInt(127)};
    }
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (ExtractWriter w = ExtractWriter.create(bytes, header)) {
      ExtractRecord r = new ExtractRecord(header);
      for (int n = 0; n < records; n++) {
        r.clear();
        r.setId("r" + n);
        long[] clk = r.clk();
        for (int k = 0; k < clk.length; k++) {
          clk[k] = random.nextLong();
        }
        long[] name = r.fieldFilter(0);
        for (int j = 0; j < 3; j++) {
          // Skewed: token t is drawn with weight about 1 / (t + 1).
          int t = (int) Math.min(29, Math.floor(Math.exp(random.nextDouble() * Math.log(31)) - 1));
          for (int i = 0; i < 8; i++) {
            int bit = (bigrams[t][0] + i * bigrams[t][1]) % 256;
            name[bit >>> 6] |= 1L << bit;
          }
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

  /** {@code bytes} gzip-compressed: the same extract in other bytes, which an upload takes. */
  static byte[] gzip(byte[] bytes) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try (java.util.zip.GZIPOutputStream z = new java.util.zip.GZIPOutputStream(out)) {
      z.write(bytes);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return out.toByteArray();
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
