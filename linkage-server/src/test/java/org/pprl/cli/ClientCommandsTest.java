package org.pprl.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.pprl.core.extract.ExtractReader;
import org.pprl.core.schema.EngineSchema;
import org.pprl.fixtures.Agency;
import org.pprl.server.LinkageServer;
import org.pprl.server.Role;
import org.pprl.server.Store;
import org.pprl.server.TestStores;

/**
 * The service's client commands against a real service on a free port: the demo's roles played
 * through {@code pprl project}, {@code upload}, {@code run}, {@code ask}, {@code matches} and
 * {@code audit export}, each caller with its own owner-only token file. On SQLite and again on
 * PostgreSQL ({@link TestStores}).
 */
class ClientCommandsTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Agency[] AGENCIES = {
    Agency.CHILDRENS_SERVICES, Agency.HOMELESS_SERVICES, Agency.PUBLIC_ASSISTANCE
  };

  @TempDir static Path dir;

  private static Path examples;
  private static Store store;
  private static LinkageServer server;
  private static String url;
  private static final Map<String, String> tokens = new TreeMap<>();
  private static final Map<String, Path> tokenFiles = new TreeMap<>();

  @BeforeAll
  static void start() throws IOException {
    examples = Paths.get(System.getProperty("pprl.examples", "../examples"));
    ok(
        CliRun.of(
            "generate",
            "--out",
            dir.resolve("city").toString(),
            "--population",
            "3000",
            "--seed",
            "4"));
    Path secret = Files.writeString(dir.resolve("secret.key"), "client test secret");
    for (Agency a : AGENCIES) {
      ok(
          CliRun.of(
              "encode",
              "--schema",
              examples.resolve("agency-schema.json").toString(),
              "--secret-file",
              secret.toString(),
              "--input",
              dir.resolve("city").resolve(a.fileName()).toString(),
              "--output",
              extract(a).toString(),
              "--date-format",
              a.datePattern(),
              "--agency",
              a.id()));
    }
    store = TestStores.open(dir.resolve("service"));
    for (Agency a : AGENCIES) {
      store.createAgency(a.id());
      token(a.id(), store.createToken(Role.STEWARD, a.id(), "test").token());
    }
    token("admin", store.createToken(Role.ADMIN, null, "test").token());
    token("analyst", store.createToken(Role.ANALYST, null, "test").token());
    token("auditor", store.createToken(Role.AUDITOR, null, "test").token());
    server = LinkageServer.start(store, 0, 1L << 30);
    url = "http://127.0.0.1:" + server.port();
  }

  @AfterAll
  static void stop() {
    server.close();
  }

  private static Path extract(Agency a) {
    return dir.resolve(a.id() + ".pprl");
  }

  private static void token(String who, String token) throws IOException {
    Path file = dir.resolve("token-" + who);
    Files.createFile(
        file, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
    Files.writeString(file, token + "\n");
    tokens.put(who, token);
    tokenFiles.put(who, file);
  }

  private static CliRun ok(CliRun run) {
    assertEquals(0, run.exit(), run.err());
    return run;
  }

  /** Runs a client command as {@code who}, with the token from its file. */
  private static CliRun as(String who, String... args) {
    List<String> all = new ArrayList<>(List.of(args));
    all.addAll(List.of("--url", url, "--token-file", tokenFiles.get(who).toString()));
    CliRun run = CliRun.of(all.toArray(new String[0]));
    for (String token : tokens.values()) {
      assertFalse(run.out().contains(token) || run.err().contains(token), "a token was printed");
    }
    return run;
  }

  @Test
  void clientCommands_demoFlow_everyRoleThroughTheCommandLine() throws Exception {
    // The administrator: the fingerprint before any extract, then the project from the schema.
    Path schema = examples.resolve("agency-schema.json");
    String fingerprint = ok(CliRun.of("schema", "fingerprint", schema.toString())).out().strip();
    assertEquals(
        ExtractReader.verify(extract(AGENCIES[0])).header().schemaFingerprintHex(), fingerprint);
    assertEquals(EngineSchema.parse(schema).fingerprintHex(), fingerprint);
    CliRun created =
        ok(
            as(
                "admin",
                "project",
                "create",
                "--name",
                "demo",
                "--agencies",
                "childrens_services,homeless_services,public_assistance",
                "--schema",
                schema.toString(),
                "--record-level-purpose",
                "service_coordination",
                "--questions",
                examples.resolve("agency-questions.json").toString(),
                "--statutory",
                examples.resolve("agency-statutory.json").toString()));
    assertTrue(created.out().contains("schema fingerprint:  " + fingerprint), created.out());
    assertTrue(created.out().matches("(?s).*attributes: .*\\bgender\\b.*"), created.out());
    CliRun shown = ok(as("admin", "project", "show", "--project", "demo"));
    assertTrue(shown.out().contains("schema fingerprint:  " + fingerprint), shown.out());
    assertTrue(shown.out().matches("(?s).*homeless_services\\s+none yet.*"), shown.out());

    // Two stewards upload; a third, with another agency's file, is refused with both agencies.
    for (Agency a : new Agency[] {Agency.CHILDRENS_SERVICES, Agency.HOMELESS_SERVICES}) {
      CliRun up = ok(as(a.id(), "upload", extract(a).toString(), "--project", "demo"));
      assertTrue(up.out().contains("agency " + a.id() + ", version 1,"), up.out());
      assertTrue(up.out().contains("attack self-assessment: "), up.out());
    }
    CliRun refused =
        as(
            Agency.PUBLIC_ASSISTANCE.id(),
            "upload",
            extract(Agency.HOMELESS_SERVICES).toString(),
            "--project",
            "demo");
    assertEquals(ServiceException.REFUSED, refused.exit(), refused.err());
    assertEquals(1, refused.err().strip().lines().count(), refused.err());
    assertTrue(
        refused.err().startsWith("pprl upload: the service refused (forbidden, HTTP 403): "));
    assertTrue(refused.err().contains("steward of agency 'public_assistance'"), refused.err());
    assertTrue(refused.err().contains("names agency 'homeless_services'"), refused.err());
    CliRun mismatch =
        as(
            Agency.PUBLIC_ASSISTANCE.id(),
            "upload",
            extract(Agency.HOMELESS_SERVICES).toString(),
            "--project",
            "demo",
            "--agency",
            "public_assistance");
    assertEquals(2, mismatch.exit(), mismatch.err());
    assertTrue(
        mismatch.err().contains("names agency 'homeless_services', not 'public_assistance'"),
        mismatch.err());
    String[] upload = {
      "upload", extract(Agency.PUBLIC_ASSISTANCE).toString(), "--project", "demo", "--json"
    };
    CliRun receipt = ok(as(Agency.PUBLIC_ASSISTANCE.id(), upload));
    assertEquals(1, JSON.readTree(receipt.out()).get("version").asInt());
    // The same file again: no new version, said so, exit 0.
    CliRun again = ok(as(Agency.PUBLIC_ASSISTANCE.id(), Arrays.copyOf(upload, upload.length - 1)));
    assertTrue(again.out().startsWith("unchanged: "), again.out());
    assertTrue(again.out().contains("is version 1 of project"), again.out());

    // The administrator runs the linkage and follows it to the end.
    CliRun run = ok(as("admin", "run", "--project", "demo"));
    assertTrue(run.err().contains("run 1 succeeded: done"), run.err());
    assertTrue(run.out().startsWith("run 1 succeeded"), run.out());
    assertTrue(run.out().contains("homeless_services - public_assistance"), run.out());

    // The analyst: a question as a table and as JSON, the same numbers; the statutory tables.
    String[] question = {
      "ask",
      "--project",
      "demo",
      "--purpose",
      "research",
      "--cohort",
      "childrens_services",
      "--where",
      "foster_care=Y",
      "--with",
      "homeless_services,public_assistance",
      "--columns",
      "count",
      "--rows",
      "childrens_services:gender"
    };
    CliRun table = ok(as("analyst", question));
    List<String> withJson = new ArrayList<>(List.of(question));
    withJson.add("--json");
    JsonNode answer = JSON.readTree(ok(as("analyst", withJson.toArray(new String[0]))).out());
    assertRowsAsInTheAnswer(table.out(), answer.get("table"));
    assertTrue(table.out().contains("perturbed by the cell-key method, * = 0..5"), table.out());
    CliRun statutory =
        ok(as("analyst", "ask", "--project", "demo", "--purpose", "research", "--statutory"));
    assertTrue(statutory.out().contains("foster_care_to_shelter:"), statutory.out());
    assertTrue(statutory.out().contains("within 365 days"), statutory.out());
    assertTrue(statutory.out().contains("exact counts, * = 1..5 or hidden"), statutory.out());

    // A steward's consented matches: its own ids, as text and as JSON.
    CliRun matches = ok(as(Agency.CHILDRENS_SERVICES.id(), "matches", "--project", "demo"));
    JsonNode released =
        JSON.readTree(
            ok(as(Agency.CHILDRENS_SERVICES.id(), "matches", "--project", "1", "--json")).out());
    List<String> lines = matches.out().lines().toList();
    assertEquals("record_id\tlink_id\tother_agencies", lines.get(1));
    assertEquals(released.get("count").asInt(), lines.size() - 2);
    assertTrue(released.get("count").asInt() > 0, matches.out());
    for (int i = 0; i < released.get("count").asInt(); i++) {
      JsonNode m = released.get("matches").get(i);
      assertEquals(
          m.get("recordId").asText() + "\t" + m.get("linkId").asText(),
          lines.get(i + 2).substring(0, lines.get(i + 2).lastIndexOf('\t')));
    }

    // The auditor exports the log and verifies it: every event signed, no unsigned tail.
    Path log = dir.resolve("out").resolve("audit.jsonl");
    Files.createDirectories(log.getParent());
    ok(as("auditor", "audit", "export", "--out", log.toString()));
    Path key = dir.resolve("service").resolve("audit-key.pub");
    CliRun verified =
        ok(CliRun.of("audit", "verify", "--log", log.toString(), "--public-key", key.toString()));
    assertTrue(verified.out().matches("verified \\d+ events, 1 checkpoints\\n"), verified.out());
    try (var files = Files.list(log.getParent())) {
      assertEquals(List.of(log), files.toList(), "only the log, no temporary file");
    }

    // A refusal by the service: one line with its code, exit 3.
    CliRun forbidden = as("analyst", "run", "--project", "1");
    assertEquals(ServiceException.REFUSED, forbidden.exit(), forbidden.err());
    assertEquals(
        "pprl run: the service refused (forbidden, HTTP 403): this needs the admin role",
        forbidden.err().strip());
    CliRun purpose =
        as("analyst", "ask", "--project", "1", "--purpose", "marketing", "--statutory");
    assertEquals(ServiceException.REFUSED, purpose.exit(), purpose.err());
    assertTrue(purpose.err().contains("(purpose_not_allowed, HTTP 403)"), purpose.err());
  }

  /** Each row of the printed table holds the answer's cells and row total, in order. */
  private static void assertRowsAsInTheAnswer(String printed, JsonNode table) {
    List<String> lines = printed.lines().toList();
    for (int r = 0; r < table.get("rows").size(); r++) {
      String label = table.get("rows").get(r).asText();
      List<String> expected = new ArrayList<>(List.of(label));
      table.get("cells").get(r).forEach(c -> expected.add(c.asText()));
      expected.add(table.get("rowTotals").get(r).asText());
      String line =
          lines.stream()
              .filter(l -> l.strip().startsWith(label + " "))
              .findFirst()
              .orElseThrow(() -> new AssertionError("no row " + label + " in\n" + printed));
      assertEquals(expected, List.of(line.strip().split("\\s+")), line);
    }
  }

  @Test
  void tokenFile_readableByOthers_isRefusedBeforeAnyRequest() throws Exception {
    Path open = dir.resolve("open-token");
    Files.writeString(open, tokens.get("admin"));
    Files.setPosixFilePermissions(open, PosixFilePermissions.fromString("rw-r--r--"));

    CliRun run = CliRun.of("project", "show", "--url", url, "--token-file", open.toString());

    assertEquals(2, run.exit(), run.err());
    assertEquals(
        "pprl project show: token file "
            + open
            + " is open to its group or others (rw-r--r--); a token must be its owner's only:"
            + " chmod 600 "
            + open,
        run.err().strip());
    assertFalse(run.err().contains(tokens.get("admin")));
  }

  @Test
  void serviceDown_isOneLineAndExitFour() throws Exception {
    int port;
    try (ServerSocket s = new ServerSocket(0)) {
      port = s.getLocalPort();
    }
    CliRun run =
        CliRun.of(
            "project",
            "show",
            "--url",
            "http://127.0.0.1:" + port,
            "--token-file",
            tokenFiles.get("admin").toString());

    assertEquals(ServiceException.UNREACHABLE, run.exit(), run.err());
    assertEquals(
        "pprl project show: cannot connect to http://127.0.0.1:"
            + port
            + "/ (connection refused: is 'pprl serve' running there?)",
        run.err().strip());
  }

  /** In a process of its own: the token and address from the environment, none on argv. */
  @Test
  void tokenFromEnvironment_isUsedAndNeverOnTheCommandLine() throws Exception {
    Process ok = child(Map.of("PPRL_URL", url, "PPRL_TOKEN", tokens.get("auditor")));
    Process bad = child(Map.of("PPRL_URL", url, "PPRL_TOKEN", "pprl_not-a-token"));

    String okOut = new String(ok.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    String badErr = new String(bad.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);

    assertTrue(ok.waitFor(60, TimeUnit.SECONDS));
    assertEquals(0, ok.exitValue(), okOut);
    assertTrue(bad.waitFor(60, TimeUnit.SECONDS));
    assertEquals(ServiceException.REFUSED, bad.exitValue(), badErr);
    assertEquals(
        "pprl project show: the service refused (unauthenticated, HTTP 401): the token is not"
            + " known, or is revoked or expired",
        badErr.strip());
  }

  private static Process child(Map<String, String> env) throws IOException {
    Path java = Path.of(System.getProperty("java.home"), "bin", "java");
    ProcessBuilder b =
        new ProcessBuilder(
            java.toString(),
            "-Xmx256m",
            "-cp",
            System.getProperty("java.class.path"),
            Pprl.class.getName(),
            "project",
            "show");
    b.environment().clear();
    b.environment().put("HOME", dir.toString());
    b.environment().putAll(env);
    return b.start();
  }
}
