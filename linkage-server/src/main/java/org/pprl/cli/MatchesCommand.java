package org.pprl.cli;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.PrintWriter;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code pprl matches --project P}: a steward's own consented matches. */
@Command(
    name = "matches",
    mixinStandardHelpOptions = true,
    sortOptions = false,
    description = {
      "Read your agency's consented matches (a steward): GET /projects/P/matches. For each of"
          + " your records that is linked and consented to the project's record-level purpose,"
          + " with a consented record of another agency: your record id, its link id and the"
          + " other agencies (never their record ids). Printed as tab-separated lines after a"
          + " header, or the service's JSON with --json."
    })
final class MatchesCommand implements Callable<Integer> {
  @Mixin ProjectOption project;

  @Option(
      names = "--purpose",
      paramLabel = "P",
      description = "The purpose (default: the project's record-level purpose).")
  String purpose;

  @Option(names = "--json", description = "Print the service's JSON answer.")
  boolean json;

  @Mixin ServiceOptions service;

  @Spec CommandSpec spec;

  @Override
  public Integer call() {
    ServiceClient client = service.client();
    long id = project.id(client);
    String stated = purpose;
    if (stated == null) {
      JsonNode recordLevel = client.get("/projects/" + id).path("recordLevelPurposes");
      if (recordLevel.isEmpty()) {
        throw new CommandFailure(
            "project " + id + " has no record-level purpose: it releases no consented matches");
      }
      stated = recordLevel.get(0).asText();
    }
    JsonNode answer =
        client.get(
            "/projects/"
                + id
                + "/matches?purpose="
                + URLEncoder.encode(stated, StandardCharsets.UTF_8));
    PrintWriter out = spec.commandLine().getOut();
    if (json) {
      ServiceClient.printJson(out, answer);
      out.flush();
      return 0;
    }
    out.printf(
        Locale.ROOT,
        "# %,d records of %s with a consented match (project %d, run %d, purpose %s)%n",
        answer.get("count").asLong(),
        answer.get("agency").asText(),
        answer.get("project").asLong(),
        answer.get("run").asLong(),
        answer.get("purpose").asText());
    out.println("record_id\tlink_id\tother_agencies");
    for (JsonNode m : answer.get("matches")) {
      List<String> others = new ArrayList<>();
      m.get("agencies").forEach(a -> others.add(a.asText()));
      out.println(
          m.get("recordId").asText()
              + "\t"
              + m.get("linkId").asText()
              + "\t"
              + String.join(",", others));
    }
    out.flush();
    return 0;
  }
}
