package org.pprl.cli;

import java.io.IOException;
import java.io.InputStream;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import org.pprl.core.evaluate.LinkEvaluator;
import org.pprl.core.evaluate.PairMetrics;
import org.pprl.core.evaluate.Truth;
import org.pprl.core.extract.ExtractReader;
import org.pprl.core.extract.ExtractSummary;
import org.pprl.fixtures.Agency;
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
          + " encode each locally (only encodings leave the agency), then link public assistance"
          + " with homeless services and score the links against the generator's truth.",
      "Everything is written under --dir, which is replaced: the CSVs and truth (city/), the"
          + " shared secret, the schema, each agency's extract (*.pprl) and the linked pairs.",
      "The linkage service (upload, analyst questions, audit) is not part of the demo yet."
    })
final class DemoCommand implements Callable<Integer> {
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
    for (Path extract : extracts) {
      ExtractSummary s = ExtractReader.verify(extract);
      out.printf(
          Locale.ROOT,
          "   %-20s %,8d %,10d  %s...%n",
          s.header().agency(),
          s.recordCount(),
          Files.size(extract),
          s.header().schemaFingerprintHex().substring(0, 16));
    }

    out.println();
    out.println("3. Linking public_assistance with homeless_services (no labels used)");
    Path pairs = dir.resolve("pairs.csv");
    run(
        "link",
        dir.resolve(Agency.PUBLIC_ASSISTANCE.id() + ".pprl").toString(),
        dir.resolve(Agency.HOMELESS_SERVICES.id() + ".pprl").toString(),
        "--pairs",
        pairs.toString());

    out.println();
    out.println("4. Scoring the links against the generator's ground truth");
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
