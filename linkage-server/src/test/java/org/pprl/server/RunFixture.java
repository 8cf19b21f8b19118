package org.pprl.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.pprl.server.ServiceFixture.request;
import static org.pprl.server.ServiceFixture.send;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Predicate;
import org.pprl.cli.Pprl;
import org.pprl.core.evaluate.Truth;
import org.pprl.core.extract.ExtractHeader;
import org.pprl.core.extract.ExtractReader;
import org.pprl.fixtures.Agency;
import picocli.CommandLine;

/**
 * Test helpers for runs: a generated city encoded as the stewards would (`pprl generate`, `pprl
 * encode` in-process), and waiting for a run over HTTP.
 */
final class RunFixture {
  /** Generous: a run of these small extracts takes well under a second on a quiet machine. */
  static final long WAIT_MILLIS = 120_000;

  private RunFixture() {}

  /** A generated city and its encoded extracts. */
  record City(
      Path dir,
      Path secret,
      Path schema,
      Truth truth,
      String fingerprint,
      List<String> attributes,
      List<String> purposes) {
    Path extract(Agency a) {
      return dir.resolve(a.id() + ".pprl");
    }

    Path csv(Agency a) {
      return dir.resolve("city").resolve(a.fileName());
    }

    /** Encodes {@code csv} as agency {@code a}'s extract into {@code out}. */
    void encode(Agency a, Path csv, Path out) {
      run(
          "encode",
          "--schema",
          schema.toString(),
          "--secret-file",
          secret.toString(),
          "--input",
          csv.toString(),
          "--output",
          out.toString(),
          "--date-format",
          a.datePattern(),
          "--agency",
          a.id());
    }
  }

  /** Generates a city of {@code population} persons into {@code dir} and encodes the agencies. */
  static City city(Path dir, int population, long seed, Agency... agencies) throws IOException {
    run(
        "generate",
        "--out",
        dir.resolve("city").toString(),
        "--population",
        Integer.toString(population),
        "--seed",
        Long.toString(seed));
    Path secret = Files.writeString(dir.resolve("secret"), "run test secret " + seed);
    Path schema =
        Paths.get(System.getProperty("pprl.examples", "../examples"), "agency-schema.json");
    City city =
        new City(
            dir,
            secret,
            schema,
            Truth.read(dir.resolve("city").resolve("truth.csv")),
            null,
            List.of(),
            List.of());
    for (Agency a : agencies) {
      city.encode(a, city.csv(a), city.extract(a));
    }
    ExtractHeader header = ExtractReader.verify(city.extract(agencies[0])).header();
    return new City(
        dir,
        secret,
        schema,
        city.truth(),
        header.schemaFingerprintHex(),
        header.attributes(),
        header.purposes());
  }

  static void run(String... args) {
    StringWriter err = new StringWriter();
    CommandLine cli = Pprl.commandLine();
    cli.setOut(new PrintWriter(new StringWriter(), true));
    cli.setErr(new PrintWriter(err, true));
    int exit = cli.execute(args);
    assertEquals(0, exit, "pprl " + args[0] + ": " + err);
  }

  /** Polls the run until {@code done} holds for its JSON, or fails after {@link #WAIT_MILLIS}. */
  static JsonNode await(
      HttpClient client, int port, String admin, long project, long run, Predicate<JsonNode> done)
      throws InterruptedException {
    long deadline = System.nanoTime() + WAIT_MILLIS * 1_000_000;
    JsonNode last = null;
    while (System.nanoTime() < deadline) {
      ServiceFixture.Reply r =
          send(client, request(port, "/projects/" + project + "/runs/" + run, admin).GET().build());
      assertEquals(200, r.status(), r.body().toString());
      last = r.body();
      if (done.test(last)) {
        return last;
      }
      Thread.sleep(20);
    }
    throw new AssertionError("run " + run + " did not get there; last seen " + last);
  }

  /** Polls until the run has reached a final state. */
  static JsonNode awaitFinal(HttpClient client, int port, String admin, long project, long run)
      throws InterruptedException {
    return await(
        client,
        port,
        admin,
        project,
        run,
        j ->
            !j.get("status").asText().equals("queued")
                && !j.get("status").asText().equals("running"));
  }

  /** POSTs a run of the project; returns the reply. */
  static ServiceFixture.Reply startRun(HttpClient client, int port, String token, long project) {
    return send(
        client,
        request(port, "/projects/" + project + "/runs", token)
            .POST(HttpRequest.BodyPublishers.noBody())
            .build());
  }

  /** The project's current links: agency, then record id, to link id. */
  static Map<String, Map<String, String>> links(Store store, long project) {
    Map<String, Map<String, String>> out = new TreeMap<>();
    store.forEachLink(
        project,
        l -> out.computeIfAbsent(l.agency(), a -> new TreeMap<>()).put(l.recordId(), l.linkId()));
    return out;
  }

  /** Share of linked record pairs (same link id, different agencies) that the truth confirms. */
  static double precision(Store store, long project, Truth truth) {
    Map<String, List<Store.Link>> byId = new TreeMap<>();
    store.forEachLink(
        project, l -> byId.computeIfAbsent(l.linkId(), k -> new ArrayList<>()).add(l));
    long pairs = 0;
    long right = 0;
    for (List<Store.Link> entity : byId.values()) {
      for (int i = 0; i < entity.size(); i++) {
        for (int j = i + 1; j < entity.size(); j++) {
          Store.Link a = entity.get(i);
          Store.Link b = entity.get(j);
          pairs++;
          if (truth.sameEntity(a.agency(), a.recordId(), b.agency(), b.recordId())) {
            right++;
          }
        }
      }
    }
    return pairs == 0 ? 0 : (double) right / pairs;
  }
}
