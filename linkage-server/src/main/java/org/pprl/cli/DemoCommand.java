package org.pprl.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintWriter;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeSet;
import java.util.concurrent.Callable;
import org.pprl.core.evaluate.LinkEvaluator;
import org.pprl.core.evaluate.PairMetrics;
import org.pprl.core.evaluate.Truth;
import org.pprl.core.extract.ExtractReader;
import org.pprl.core.extract.ExtractSummary;
import org.pprl.fixtures.Agency;
import org.pprl.server.LinkageServer;
import org.pprl.server.Role;
import org.pprl.server.Store;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code pprl demo}: the README's main job. Generates a small city, encodes each agency's extract
 * as its data steward would, and links two agencies, printing what each step produced.
 */
@Command(
    name = "demo",
    mixinStandardHelpOptions = true,
    sortOptions = false,
    description = {
      "Runs the engine end to end on a generated city: generate five agencies' client extracts,"
          + " encode each locally (only encodings leave the agency), upload them to the embedded"
          + " linkage service with each steward's token, verify the service's audit log offline,"
          + " then link public assistance with homeless services and score the links against the"
          + " generator's truth.",
      "Everything is written under --dir, which is replaced: the CSVs and truth (city/), the"
          + " shared secret, the schema, each agency's extract (*.pprl) and the linked pairs.",
      "Linkage runs inside the service, analysts' questions and stewards' matches are not part"
          + " of the demo yet: the link step runs locally."
    })
final class DemoCommand implements Callable<Integer> {
  private static final ObjectMapper JSON = new ObjectMapper();
  static final String SCHEMA_RESOURCE = "/org/pprl/examples/agency-schema.json";

  @Option(
      names = "--dir",
      paramLabel = "DIR",
      defaultValue = "pprl-demo",
      description = "Working directory (default: ${DEFAULT-VALUE}).")
  Path dir;

  @Option(
      names = "--population",
      paramLabel = "N",
      defaultValue = "20000",
      description = "Persons in the city (default: ${DEFAULT-VALUE}).")
  long population;

  @Option(
      names = "--seed",
      paramLabel = "S",
      defaultValue = "1",
      description = "Seed of the generated city (default: ${DEFAULT-VALUE}).")
  long seed;

  @Spec CommandSpec spec;

  @Override
  public Integer call() throws IOException {
    // The embedded service's own log lines would interleave with the demo's story; keep warnings.
    System.setProperty("org.slf4j.simpleLogger.log.org.pprl.server", "warn");
    PrintWriter out = spec.commandLine().getOut();
    if (population < 100 || population > 2_000_000) {
      throw new CommandFailure("--population must be between 100 and 2,000,000, got " + population);
    }
    if (Files.exists(dir) && !Files.isDirectory(dir)) {
      throw new CommandFailure("--dir " + dir + " is a file");
    }
    Files.createDirectories(dir);
    Path city = dir.resolve("city");
    long start = System.nanoTime();

    out.println("1. Generating a city of " + population + " persons and five agencies' extracts");
    run(
        "generate",
        "--out",
        city.toString(),
        "--population",
        Long.toString(population),
        "--seed",
        Long.toString(seed));

    Path schema = dir.resolve("agency-schema.json");
    try (InputStream in = DemoCommand.class.getResourceAsStream(SCHEMA_RESOURCE)) {
      if (in == null) {
        throw new IllegalStateException("the example schema is missing from the jar");
      }
      Files.write(schema, in.readAllBytes());
    }
    // A demo secret derived from the seed, so the same seed gives the same run. Real agencies
    // share a random secret (e.g. `openssl rand -hex 32`) and never give it to the service.
    Path secret = dir.resolve("secret.key");
    Files.writeString(secret, HexFormat.of().formatHex(sha256("pprl demo secret " + seed)));

    out.println();
    out.println(
        "2. Encoding each agency's extract locally with the shared secret ("
            + secret
            + ", derived from the seed for the demo only)");
    List<Path> extracts = new ArrayList<>();
    for (Agency agency : Agency.values()) {
      Path extract = dir.resolve(agency.id() + ".pprl");
      run(
          "encode",
          "--schema",
          schema.toString(),
          "--secret-file",
          secret.toString(),
          "--input",
          city.resolve(agency.fileName()).toString(),
          "--output",
          extract.toString(),
          "--date-format",
          agency.datePattern());
      extracts.add(extract);
    }
    out.println();
    out.printf(Locale.ROOT, "   %-20s %8s %10s  %s%n", "agency", "records", "bytes", "fingerprint");
    List<ExtractSummary> summaries = new ArrayList<>();
    for (Path extract : extracts) {
      ExtractSummary s = ExtractReader.verify(extract);
      summaries.add(s);
      out.printf(
          Locale.ROOT,
          "   %-20s %,8d %,10d  %s...%n",
          s.header().agency(),
          s.recordCount(),
          Files.size(extract),
          s.header().schemaFingerprintHex().substring(0, 16));
    }

    out.println();
    out.println("3. Uploading every extract to the linkage service, each with its steward's token");
    service(out, extracts, summaries);

    out.println();
    out.println("4. Linking public_assistance with homeless_services (no labels used)");
    Path pairs = dir.resolve("pairs.csv");
    run(
        "link",
        dir.resolve(Agency.PUBLIC_ASSISTANCE.id() + ".pprl").toString(),
        dir.resolve(Agency.HOMELESS_SERVICES.id() + ".pprl").toString(),
        "--pairs",
        pairs.toString());

    out.println();
    out.println("5. Scoring the links against the generator's ground truth");
    LinkEvaluator.Report report = LinkEvaluator.pairs(Truth.read(city.resolve("truth.csv")), pairs);
    PairMetrics m = report.pairs();
    out.printf(
        Locale.ROOT,
        "   precision %.4f, recall %.4f, F1 %.4f (%d links, %d true pairs)%n",
        m.precision(),
        m.recall(),
        m.f1(),
        m.predicted(),
        m.actual());
    out.printf(
        Locale.ROOT,
        "%nDone in %.1f s; everything is in %s%n",
        (System.nanoTime() - start) / 1e9,
        dir);
    out.flush();
    return 0;
  }

  /**
   * Runs the embedded service on a free port: an administrator creates the project, each agency's
   * steward uploads its extract, one upload with the wrong steward's token is refused, and an
   * auditor exports the audit log, which is then verified offline.
   */
  private void service(PrintWriter out, List<Path> extracts, List<ExtractSummary> summaries)
      throws IOException {
    String fingerprint = summaries.get(0).header().schemaFingerprintHex();
    Path data = dir.resolve("service");
    deleteTree(data);
    Store store = Store.open(data);
    Map<String, String> stewards = new LinkedHashMap<>();
    for (Agency agency : Agency.values()) {
      store.createAgency(agency.id());
      stewards.put(agency.id(), store.createToken(Role.STEWARD, agency.id(), "demo").token());
    }
    String admin = store.createToken(Role.ADMIN, null, "demo").token();
    String auditor = store.createToken(Role.AUDITOR, null, "demo").token();
    try (LinkageServer server = LinkageServer.start(store, 0, 1L << 30)) {
      String base = "http://localhost:" + server.port();
      HttpClient http = HttpClient.newHttpClient();
      TreeSet<String> attributes = new TreeSet<>();
      TreeSet<String> purposes = new TreeSet<>();
      for (ExtractSummary s : summaries) {
        attributes.addAll(s.header().attributes());
        purposes.addAll(s.header().purposes());
      }
      ObjectNode request = JSON.createObjectNode();
      request.put("name", "demo");
      stewards.keySet().forEach(request.putArray("agencies")::add);
      request.put("schemaFingerprint", fingerprint);
      purposes.forEach(request.putArray("purposes")::add);
      attributes.forEach(request.putArray("attributes")::add);
      JsonNode project =
          send(
              http,
              HttpRequest.newBuilder(URI.create(base + "/projects"))
                  .header("Authorization", "Bearer " + admin)
                  .POST(HttpRequest.BodyPublishers.ofString(request.toString())),
              201);
      long id = project.get("id").asLong();
      out.printf(
          Locale.ROOT,
          "   project %d created by the administrator on port %d%n",
          id,
          server.port());
      for (int e = 0; e < extracts.size(); e++) {
        Path extract = extracts.get(e);
        String agency = summaries.get(e).header().agency();
        JsonNode receipt =
            send(
                http,
                HttpRequest.newBuilder(URI.create(base + "/projects/" + id + "/extracts/" + agency))
                    .header("Authorization", "Bearer " + stewards.get(agency))
                    .PUT(HttpRequest.BodyPublishers.ofFile(extract)),
                201);
        out.printf(
            Locale.ROOT,
            "   %-20s receipt: version %d, %,d records, sha256 %s...%n",
            agency,
            receipt.get("version").asInt(),
            receipt.get("records").asLong(),
            receipt.get("sha256").asText().substring(0, 16));
      }
      JsonNode refused =
          send(
              http,
              HttpRequest.newBuilder(
                      URI.create(base + "/projects/" + id + "/extracts/" + Agency.HOUSING.id()))
                  .header("Authorization", "Bearer " + stewards.get(Agency.EDUCATION.id()))
                  .PUT(HttpRequest.BodyPublishers.ofFile(extracts.get(0))),
              403);
      out.println(
          "   education's steward uploading for housing is refused: "
              + refused.get("code").asText());
      send(
          http,
          HttpRequest.newBuilder(URI.create(base + "/audit/checkpoint"))
              .header("Authorization", "Bearer " + auditor)
              .POST(HttpRequest.BodyPublishers.noBody()),
          201);
      HttpResponse<Path> log =
          sendTo(
              http,
              HttpRequest.newBuilder(URI.create(base + "/audit"))
                  .header("Authorization", "Bearer " + auditor)
                  .GET()
                  .build(),
              dir.resolve("audit.jsonl"));
      Path key = dir.resolve("audit-key.pub");
      Files.writeString(key, java.util.Base64.getEncoder().encodeToString(store.auditPublicKey()));
      out.println(
          "   the auditor exported the audit log to " + log.body() + " and verifies it offline:");
      run("audit", "verify", "--log", log.body().toString(), "--public-key", key.toString());
    }
  }

  private static JsonNode send(HttpClient http, HttpRequest.Builder request, int expected)
      throws IOException {
    try {
      HttpResponse<String> r = http.send(request.build(), HttpResponse.BodyHandlers.ofString());
      if (r.statusCode() != expected) {
        throw new CommandFailure(
            "the service answered " + r.statusCode() + " where " + expected + " was expected");
      }
      return JSON.readTree(r.body());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new CommandFailure("interrupted while talking to the service", e);
    }
  }

  private static HttpResponse<Path> sendTo(HttpClient http, HttpRequest request, Path file)
      throws IOException {
    try {
      HttpResponse<Path> r = http.send(request, HttpResponse.BodyHandlers.ofFile(file));
      if (r.statusCode() != 200) {
        throw new CommandFailure("the service answered " + r.statusCode() + " to GET /audit");
      }
      return r;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new CommandFailure("interrupted while talking to the service", e);
    }
  }

  private static void deleteTree(Path root) throws IOException {
    if (!Files.exists(root)) {
      return;
    }
    try (java.util.stream.Stream<Path> files = Files.walk(root)) {
      for (Path p : files.sorted(java.util.Comparator.reverseOrder()).toList()) {
        Files.delete(p);
      }
    }
  }

  private static byte[] sha256(String text) {
    try {
      return java.security.MessageDigest.getInstance("SHA-256")
          .digest(text.getBytes(java.nio.charset.StandardCharsets.UTF_8));
    } catch (java.security.NoSuchAlgorithmException e) {
      throw new IllegalStateException("every JVM has SHA-256", e);
    }
  }

  /** Runs another subcommand with this command's output streams; a failure stops the demo. */
  private void run(String... args) {
    CommandLine cli = Pprl.commandLine();
    cli.setOut(indented(spec.commandLine().getOut()));
    cli.setErr(spec.commandLine().getErr());
    int exit = cli.execute(args);
    if (exit != 0) {
      throw new CommandFailure("step `pprl " + args[0] + "` failed with exit code " + exit);
    }
  }

  private static PrintWriter indented(PrintWriter target) {
    return new PrintWriter(
        new java.io.Writer() {
          private boolean lineStart = true;

          @Override
          public void write(char[] buf, int off, int len) {
            for (int i = off; i < off + len; i++) {
              if (lineStart) {
                target.write("   ");
              }
              target.write(buf[i]);
              lineStart = buf[i] == '\n';
            }
          }

          @Override
          public void flush() {
            target.flush();
          }

          @Override
          public void close() {
            target.flush();
          }
        },
        true);
  }
}
