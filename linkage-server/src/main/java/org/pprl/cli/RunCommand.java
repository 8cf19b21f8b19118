package org.pprl.cli;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.PrintWriter;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code pprl run --project P}: an administrator links the project's current extracts. */
@Command(
    name = "run",
    mixinStandardHelpOptions = true,
    sortOptions = false,
    description = {
      "Start a linkage run over the agencies' current extracts (an administrator): POST"
          + " /projects/P/runs. Then follows it, one progress line per phase on standard error,"
          + " and prints its summary when it succeeds.",
      "Exits 0 when the run succeeded, 5 when it failed or was cancelled (with its error), 3"
          + " when the service refused to start it (run_active, no_extract, ...). With --no-wait,"
          + " prints the run's number and returns at once."
    })
final class RunCommand implements Callable<Integer> {
  /** Exit code when the run ended failed or cancelled. */
  static final int RUN_FAILED = 5;

  /** How often the run is asked for its state while it is queued or running. */
  private static final long POLL_MILLIS = 250;

  @Mixin ProjectOption project;

  @Option(names = "--no-wait", description = "Return once the run is queued.")
  boolean noWait;

  @Option(names = "--json", description = "Print the service's JSON answer (the finished run).")
  boolean json;

  @Mixin ServiceOptions service;

  @Spec CommandSpec spec;

  @Override
  public Integer call() {
    ServiceClient client = service.client();
    long id = project.id(client);
    JsonNode queued = client.post("/projects/" + id + "/runs", null, 202);
    long run = queued.get("run").asLong();
    PrintWriter out = spec.commandLine().getOut();
    PrintWriter err = spec.commandLine().getErr();
    if (noWait) {
      if (json) {
        ServiceClient.printJson(out, queued);
      } else {
        out.printf(
            Locale.ROOT,
            "run %d of project %d queued (GET /projects/%d/runs/%d tells its state)%n",
            run,
            id,
            id,
            run);
      }
      out.flush();
      return 0;
    }
    String path = "/projects/" + id + "/runs/" + run;
    String seen = null;
    JsonNode status;
    while (true) {
      status = client.get(path);
      String phase = status.path("phase").asText("");
      String state = status.get("status").asText();
      String now = state + (phase.isEmpty() ? "" : ": " + phase);
      if (!now.equals(seen)) {
        err.println("run " + run + " " + now);
        err.flush();
        seen = now;
      }
      if (!state.equals("queued") && !state.equals("running")) {
        break;
      }
      sleep();
    }
    if (json) {
      ServiceClient.printJson(out, status);
      out.flush();
    }
    String state = status.get("status").asText();
    if (!state.equals("succeeded")) {
      err.println(
          "pprl run: run "
              + run
              + " "
              + state
              + (status.hasNonNull("error") ? ": " + status.get("error").asText() : ""));
      err.flush();
      return RUN_FAILED;
    }
    if (!json) {
      printSummary(out, run, status);
      out.flush();
    }
    return 0;
  }

  private static void printSummary(PrintWriter out, long run, JsonNode status) {
    JsonNode summary = status.get("summary");
    out.printf(
        Locale.ROOT,
        "run %d succeeded%s: %,d entities (persons in two or more records), %,d linked records,"
            + " %,d comparisons; link ids kept %,d, new %,d%n",
        run,
        took(status),
        summary.path("entities").asLong(),
        summary.path("linkedRecords").asLong(),
        summary.path("comparisons").asLong(),
        summary.path("linkIdsKept").asLong(),
        summary.path("linkIdsNew").asLong());
    summary
        .path("records")
        .properties()
        .forEach(
            e ->
                out.printf(
                    Locale.ROOT, "  %-40s %,10d records%n", e.getKey(), e.getValue().asLong()));
    for (JsonNode pair : summary.path("links")) {
      JsonNode agencies = pair.get("agencies");
      out.printf(
          Locale.ROOT,
          "  %-40s %,10d links%n",
          agencies.get(0).asText() + " - " + agencies.get(1).asText(),
          pair.get("links").asLong());
    }
  }

  /** " in 2.7 s", from the run's own times, or nothing when they cannot be read. */
  private static String took(JsonNode status) {
    String from = status.path("queuedAt").asText(null);
    String to = status.path("finishedAt").asText(null);
    if (from == null || to == null) {
      return "";
    }
    try {
      Duration d = Duration.between(Instant.parse(from), Instant.parse(to));
      return String.format(Locale.ROOT, " in %.1f s", d.toMillis() / 1000.0);
    } catch (DateTimeParseException e) {
      return "";
    }
  }

  private static void sleep() {
    try {
      Thread.sleep(POLL_MILLIS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw ServiceException.unreachable("interrupted while waiting for the run", e);
    }
  }
}
