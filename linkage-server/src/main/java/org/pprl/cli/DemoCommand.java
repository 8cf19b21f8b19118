package org.pprl.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintWriter;
import java.io.Writer;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import org.pprl.core.evaluate.LinkEvaluator;
import org.pprl.core.evaluate.PairMetrics;
import org.pprl.core.evaluate.Truth;
import org.pprl.core.extract.ExtractReader;
import org.pprl.core.extract.ExtractSummary;
import org.pprl.core.io.AtomicOutput;
import org.pprl.fixtures.Agency;
import org.pprl.server.LinkageServer;
import org.pprl.server.OwnerOnly;
import org.pprl.server.Role;
import org.pprl.server.ServerSettings;
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
          + " encode each locally (only encodings leave the agency), start the embedded linkage"
          + " service, upload each extract with its steward's token, run the linkage as the"
          + " administrator (scored against the generator's truth), ask the foster-care-to-shelter"
          + " question as an analyst (small cells suppressed), read the children's services"
          + " steward's consented matches, and verify the audit log offline as an auditor.",
      "Everything is written under --dir, which is replaced: the CSVs and truth (city/), the"
          + " shared secret, the schema, each agency's extract (*.pprl), the service's data"
          + " directory (service/), the linked pairs and the exported audit log."
    })
final class DemoCommand implements Callable<Integer> {
  private static final ObjectMapper JSON = new ObjectMapper();
  static final String SCHEMA_RESOURCE = "/org/pprl/examples/agency-schema.json";

  /** The question shapes the demo's project declares. */
  static final String QUESTIONS_RESOURCE = "/org/pprl/examples/agency-questions.json";

  /** The statutory tables the demo's project declares: the law's two questions. */
  static final String STATUTORY_RESOURCE = "/org/pprl/examples/agency-statutory.json";

  /** The public name counts the demo's uploads are assessed against. */
  static final String PUBLIC_FREQUENCIES_RESOURCE =
      "/org/pprl/examples/public-name-frequencies.csv";

  /** An ad-hoc question: which other agencies foster-care leavers are known to, by gender. */
  static final String FOSTER_OVERLAP_BY_GENDER =
      "{\"cohort\": {\"agency\": \"childrens_services\", \"where\": {\"foster_care\": [\"Y\"]}},"
          + " \"with\": [\"homeless_services\", \"public_assistance\"], \"columns\": \"count\","
          + " \"rows\": {\"agency\": \"childrens_services\", \"attribute\": \"gender\"}}";

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

  @Option(
      names = "--keep-running",
      description =
          "Leave the service running after the demo, for exploring with the client commands;"
              + " each role's token is written to an owner-only file in DIR/tokens/ (for"
              + " --token-file), and all of them to DIR/tokens.env. Ctrl-C stops it.")
  boolean keepRunning;

  @Option(
      names = "--port",
      paramLabel = "PORT",
      defaultValue = "8080",
      description = "The service's port with --keep-running (default: ${DEFAULT-VALUE}).")
  int port;

  @Option(
      names = "--host",
      paramLabel = "ADDRESS",
      defaultValue = ServerSettings.LOOPBACK,
      description =
          "The interface the service listens on with --keep-running (default: ${DEFAULT-VALUE},"
              + " this machine only; the demo's service is plain HTTP).")
  String host;

  @Option(
      names = "--database",
      paramLabel = "URL",
      description =
          "An empty PostgreSQL database for the demo's service instead of SQLite in DIR/service:"
              + " postgresql://USER@HOST[:PORT]/DATABASE, as for pprl serve (default: SQLite).")
  String database;

  @Option(
      names = "--database-password-file",
      paramLabel = "FILE",
      description = DataDirOption.PASSWORD_FILE)
  Path databasePasswordFile;

  @Spec CommandSpec spec;

  /** Where a client on this machine reaches a service listening on {@code host}. */
  static String connectHost(String host) {
    return host.equals("0.0.0.0") || host.equals("::") || host.equals("[::]")
        ? ServerSettings.LOOPBACK
        : ServeCommand.hostForUrl(host);
  }

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
    // Owner-only: the directory holds the generated people, the shared secret and tokens.
    OwnerOnly.directories(dir);
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
      OwnerOnly.write(schema, in.readAllBytes());
    }
    // A demo secret derived from the seed, so the same seed gives the same run. Real agencies
    // share a random secret (e.g. `openssl rand -hex 32`) and never give it to the service.
    Path secret = dir.resolve("secret.key");
    OwnerOnly.writeString(secret, HexFormat.of().formatHex(sha256("pprl demo secret " + seed)));

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
    out.println("3. Starting the linkage service; each steward uploads its extract with its token");
    Path data = dir.resolve("service");
    deleteTree(data);
    Store store = DataDirOption.open(data, database, databasePasswordFile, System.getenv());
    if (!store.principals().isEmpty() || !store.projects().isEmpty()) {
      // Only SQLite's file goes with DIR/service: a database in use is not the demo's to fill.
      store.close();
      throw new CommandFailure(
          "--database: the demo needs an empty database; this one holds tokens or projects");
    }
    // The service assesses every upload against public name counts when its data directory has
    // them: the demo's stand-in for census counts (docs/attacks.md).
    try (InputStream in = DemoCommand.class.getResourceAsStream(PUBLIC_FREQUENCIES_RESOURCE)) {
      try (OutputStream copy = OwnerOnly.newOutputStream(data.resolve("public-frequencies.csv"))) {
        in.transferTo(copy);
      }
    }
    LinkageServer server =
        LinkageServer.start(
            store,
            ServerSettings.builder()
                .host(keepRunning ? host : ServerSettings.LOOPBACK)
                .port(keepRunning ? port : 0)
                .build());
    try {
      Service service = new Service(store, server, summaries);
      service.upload(out, extracts);

      out.println();
      out.println("4. The administrator starts a linkage run in the service (no labels used)");
      service.link(out);
      Path pairs = dir.resolve("pairs.csv");
      service.writePairs(pairs);
      PairMetrics m = LinkEvaluator.pairs(Truth.read(city.resolve("truth.csv")), pairs).pairs();
      out.printf(
          Locale.ROOT,
          "   scored against the generator's truth (the demo reads the service's store for this;"
              + " no endpoint releases links):%n"
              + "   precision %.4f, recall %.4f, F1 %.4f (%d linked pairs, %d true pairs)%n",
          m.precision(),
          m.recall(),
          m.f1(),
          m.predicted(),
          m.actual());

      out.println();
      out.println(
          "5. An analyst asks: youth discharged from foster care who entered a shelter within 30,"
              + " 90, 180 and 365 days, by shelter type");
      service.ask(out);

      out.println();
      out.println(
          "6. The children's services steward reads its consented matches for service"
              + " coordination");
      service.matches(out);

      out.println();
      out.println("7. An auditor exports the audit log and verifies it offline");
      service.audit(out);

      out.printf(
          Locale.ROOT,
          "%nDone in %.1f s; everything is in %s%n",
          (System.nanoTime() - start) / 1e9,
          dir);
      if (keepRunning) {
        service.keepRunning(out);
      }
    } finally {
      server.close();
    }
    out.flush();
    return 0;
  }

  /** The demo's side of the service: its callers' tokens and the requests each makes. */
  private final class Service {
    private final Store store;
    private final LinkageServer server;
    private final List<ExtractSummary> summaries;
    private final String base;
    private final Map<String, String> stewards = new LinkedHashMap<>();
    private final String admin;
    private final String analyst;
    private final String auditor;
    private long project;

    Service(Store store, LinkageServer server, List<ExtractSummary> summaries) {
      this.store = store;
      this.server = server;
      this.summaries = summaries;
      this.base = "http://" + connectHost(host) + ":" + server.port();
      for (Agency agency : Agency.values()) {
        store.createAgency(agency.id());
        stewards.put(agency.id(), store.createToken(Role.STEWARD, agency.id(), "demo").token());
      }
      admin = store.createToken(Role.ADMIN, null, "demo").token();
      analyst = store.createToken(Role.ANALYST, null, "demo").token();
      auditor = store.createToken(Role.AUDITOR, null, "demo").token();
    }

    /** A client of the service calling with {@code token}. */
    private ServiceClient as(String token) {
      return new ServiceClient(URI.create(base), token);
    }

    /** The administrator creates the project; each steward uploads; one wrong upload is refused. */
    void upload(PrintWriter out, List<Path> extracts) throws IOException {
      TreeSet<String> attributes = new TreeSet<>();
      TreeSet<String> purposes = new TreeSet<>();
      for (ExtractSummary s : summaries) {
        attributes.addAll(s.header().attributes());
        purposes.addAll(s.header().purposes());
      }
      ObjectNode body = JSON.createObjectNode();
      body.put("name", "demo");
      stewards.keySet().forEach(body.putArray("agencies")::add);
      body.put("schemaFingerprint", summaries.get(0).header().schemaFingerprintHex());
      purposes.forEach(body.putArray("purposes")::add);
      attributes.forEach(body.putArray("attributes")::add);
      body.putArray("recordLevelPurposes").add("service_coordination");
      try (InputStream in = DemoCommand.class.getResourceAsStream(STATUTORY_RESOURCE)) {
        if (in == null) {
          throw new IllegalStateException("the example statutory tables are missing from the jar");
        }
        body.set("statutory", JSON.readTree(in));
      }
      try (InputStream in = DemoCommand.class.getResourceAsStream(QUESTIONS_RESOURCE)) {
        if (in == null) {
          throw new IllegalStateException("the example question policy is missing from the jar");
        }
        body.set("questions", JSON.readTree(in));
      }
      project = as(admin).post("/projects", body, 201).get("id").asLong();
      out.printf(
          Locale.ROOT,
          "   project %d (purposes: %s) created by the administrator on port %d%n",
          project,
          String.join(", ", purposes),
          server.port());
      for (int e = 0; e < extracts.size(); e++) {
        String agency = summaries.get(e).header().agency();
        JsonNode receipt =
            as(stewards.get(agency))
                .put("/projects/" + project + "/extracts/" + agency, extracts.get(e), 201);
        out.printf(
            Locale.ROOT,
            "   %-20s receipt: version %d, %,d records, sha256 %s..., attack assessment: %s%n",
            agency,
            receipt.get("version").asInt(),
            receipt.get("records").asLong(),
            receipt.get("sha256").asText().substring(0, 16),
            receipt.get("assessment").get("verdict").asText());
      }
      String refused;
      try {
        as(stewards.get(Agency.EDUCATION.id()))
            .put("/projects/" + project + "/extracts/" + Agency.HOUSING.id(), extracts.get(0), 201);
        throw new IllegalStateException("education's steward uploaded for housing");
      } catch (ServiceException e) {
        refused = e.code();
      }
      out.println("   education's steward uploading for housing is refused: " + refused);
    }

    /** Starts a run and follows its phases until it ends. */
    void link(PrintWriter out) throws IOException {
      ServiceClient client = as(admin);
      long run = client.post("/projects/" + project + "/runs", null, 202).get("run").asLong();
      String seen = null;
      JsonNode status;
      while (true) {
        status = client.get("/projects/" + project + "/runs/" + run);
        String phase = status.path("phase").asText("");
        if (!phase.isEmpty() && !phase.equals(seen)) {
          out.println("   run " + run + ": " + phase);
          seen = phase;
        }
        String state = status.get("status").asText();
        if (!state.equals("queued") && !state.equals("running")) {
          break;
        }
        sleep(50);
      }
      if (!status.get("status").asText().equals("succeeded")) {
        throw new CommandFailure(
            "the run ended " + status.get("status").asText() + ": " + status.path("error"));
      }
      JsonNode summary = status.get("summary");
      out.printf(
          Locale.ROOT,
          "   run %d succeeded: %,d persons found in more than one record (%,d records linked),"
              + " %,d comparisons%n",
          run,
          summary.path("entities").asLong(),
          summary.path("linkedRecords").asLong(),
          summary.path("comparisons").asLong());
    }

    /**
     * Every pair of records of different agencies that share a link id, as a pairs CSV, in the
     * order of the records (link ids are random, so their order would differ run to run).
     */
    void writePairs(Path file) throws IOException {
      Map<String, List<Store.Link>> entities = new TreeMap<>();
      store.forEachLink(
          project, l -> entities.computeIfAbsent(l.linkId(), k -> new ArrayList<>()).add(l));
      List<String> lines = new ArrayList<>();
      try (AtomicOutput csv = AtomicOutput.create(file);
          Writer w =
              new java.io.BufferedWriter(
                  new java.io.OutputStreamWriter(
                      csv.stream(), java.nio.charset.StandardCharsets.UTF_8))) {
        w.write("extract_a,id_a,extract_b,id_b,score\n");
        for (List<Store.Link> members : entities.values()) {
          for (int i = 0; i < members.size(); i++) {
            for (int j = i + 1; j < members.size(); j++) {
              Store.Link a = members.get(i);
              Store.Link b = members.get(j);
              if (!a.agency().equals(b.agency())) {
                lines.add(
                    String.join(
                            ",",
                            Csv.field(a.agency()),
                            Csv.field(a.recordId()),
                            Csv.field(b.agency()),
                            Csv.field(b.recordId()),
                            "1")
                        + "\n");
              }
            }
          }
        }
        lines.sort(null);
        for (String line : lines) {
          w.write(line);
        }
        w.flush();
        csv.commit();
      }
    }

    /**
     * The law's two children's-services tables (statutory: exact, suppressed together) and one
     * ad-hoc question (perturbed), printed as the analyst receives them.
     */
    void ask(PrintWriter out) throws IOException {
      JsonNode statutory = as(analyst).get("/projects/" + project + "/statutory?purpose=research");
      for (JsonNode t : statutory.get("tables")) {
        out.println("   statutory table " + t.get("name").asText() + ":");
        AnswerTables.print(out, t.get("table"), "   ", "foster-care leavers");
      }
      out.println("   an ad-hoc question: foster-care leavers by gender, with other agencies:");
      AnswerTables.print(out, ask(FOSTER_OVERLAP_BY_GENDER), "   ", "foster-care leavers");
    }

    private JsonNode ask(String question) throws IOException {
      ObjectNode body = JSON.createObjectNode();
      body.put("purpose", "research");
      body.set("question", JSON.readTree(question));
      return as(analyst).post("/projects/" + project + "/questions", body, 200).get("table");
    }

    /** A steward's consented matches, summarised: how many, with which agencies, two examples. */
    void matches(PrintWriter out) throws IOException {
      String agency = Agency.CHILDRENS_SERVICES.id();
      JsonNode answer =
          as(stewards.get(agency))
              .get("/projects/" + project + "/matches?purpose=service_coordination");
      Map<String, Integer> byAgency = new TreeMap<>();
      for (JsonNode m : answer.get("matches")) {
        for (JsonNode other : m.get("agencies")) {
          byAgency.merge(other.asText(), 1, Integer::sum);
        }
      }
      out.printf(
          Locale.ROOT,
          "   %,d of its records are linked to a consented record of another agency:%n",
          answer.get("count").asInt());
      byAgency.forEach((other, n) -> out.printf(Locale.ROOT, "     with %-20s %,6d%n", other, n));
      int shown = 0;
      for (JsonNode m : answer.get("matches")) {
        if (shown++ == 2) {
          break;
        }
        List<String> others = new ArrayList<>();
        m.get("agencies").forEach(a -> others.add(a.asText()));
        out.println(
            "   e.g. its record "
                + m.get("recordId").asText()
                + " is link "
                + m.get("linkId").asText()
                + ", also known to "
                + String.join(", ", others));
      }
      out.println(
          "   (its own record ids and link ids only: never another agency's ids, attributes or"
              + " scores)");
    }

    /** Checkpoint, export, offline verification. */
    void audit(PrintWriter out) throws IOException {
      Path log = dir.resolve("audit.jsonl");
      as(auditor).download("/audit", log);
      Path key = dir.resolve("audit-key.pub");
      OwnerOnly.writeString(key, Base64.getEncoder().encodeToString(store.auditPublicKey()));
      out.println(
          "   exported to "
              + log
              + " (ending with a checkpoint signed over the export's own reading); verified with"
              + " the service's public key:");
      run("audit", "verify", "--log", log.toString(), "--public-key", key.toString());
    }

    /**
     * Leaves the service up: writes each role's token to an owner-only file for the client's
     * --token-file (and all of them to tokens.env, for scripts), prints how to call it, then waits
     * for Ctrl-C.
     */
    void keepRunning(PrintWriter out) throws IOException {
      Path files = dir.resolve("tokens");
      deleteTree(files);
      Files.createDirectory(
          files,
          PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
      writeOwnerOnly(files.resolve("admin"), admin + "\n");
      writeOwnerOnly(files.resolve("analyst"), analyst + "\n");
      writeOwnerOnly(files.resolve("auditor"), auditor + "\n");
      for (Map.Entry<String, String> steward : stewards.entrySet()) {
        writeOwnerOnly(files.resolve("steward-" + steward.getKey()), steward.getValue() + "\n");
      }
      Path tokens = dir.resolve("tokens.env");
      StringBuilder text = new StringBuilder();
      text.append("PPRL_URL=").append(base).append('\n');
      text.append("ADMIN=").append(admin).append('\n');
      text.append("ANALYST=").append(analyst).append('\n');
      text.append("AUDITOR=").append(auditor).append('\n');
      stewards.forEach(
          (agency, token) ->
              text.append(agency.toUpperCase(Locale.ROOT))
                  .append("_STEWARD=")
                  .append(token)
                  .append('\n'));
      writeOwnerOnly(tokens, text.toString());
      out.printf(
          Locale.ROOT,
          "%nThe service keeps running at %s (project %d). Each role's token is in a file of %s"
              + " (owner-only; all of them in %s), for example:%n"
              + "  export PPRL_URL=%s%n"
              + "  ./pprl project show --project %d --token-file %s%n"
              + "  ./pprl ask --project %d --purpose research --statutory --token-file %s%n"
              + "Press Ctrl-C to stop.%n",
          base,
          project,
          files,
          tokens,
          base,
          project,
          files.resolve("admin"),
          project,
          files.resolve("analyst"));
      out.flush();
      CountDownLatch stopped = server.closeOnShutdown("pprl-demo-shutdown");
      try {
        stopped.await();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
  }

  /** Writes {@code text} to a new file that only its owner may read. */
  private static void writeOwnerOnly(Path file, String text) throws IOException {
    Files.deleteIfExists(file);
    Files.createFile(
        file, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
    Files.writeString(file, text);
  }

  private static void sleep(long millis) {
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new CommandFailure("interrupted while waiting for the run", e);
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
