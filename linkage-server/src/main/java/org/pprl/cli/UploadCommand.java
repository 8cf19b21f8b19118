package org.pprl.cli;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.Callable;
import org.pprl.core.extract.CorruptExtractException;
import org.pprl.core.extract.ExtractReader;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code pprl upload EXTRACT --project P}: a steward sends its agency's encoded extract. */
@Command(
    name = "upload",
    mixinStandardHelpOptions = true,
    sortOptions = false,
    description = {
      "Upload an encoded extract to a project (a steward, for its own agency): PUT"
          + " /projects/P/extracts/AGENCY. The service checks it completely and assesses it"
          + " before it becomes the agency's current version; prints the receipt.",
      "The agency is the one the file's header names (set by 'pprl encode --agency'); --agency"
          + " must agree with it. A file encoded without --agency names its input file's name"
          + " instead: encode it again with --agency."
    })
final class UploadCommand implements Callable<Integer> {
  @Parameters(index = "0", paramLabel = "EXTRACT", description = "The extract file (.pprl).")
  Path extract;

  @Mixin ProjectOption project;

  @Option(
      names = "--agency",
      paramLabel = "A",
      description = "Your agency: checked against the file's header before anything is sent.")
  String agency;

  @Option(names = "--json", description = "Print the service's JSON receipt.")
  boolean json;

  @Mixin ServiceOptions service;

  @Spec CommandSpec spec;

  @Override
  public Integer call() {
    String named = agencyInFile();
    if (agency != null && !agency.equals(named)) {
      throw new CommandFailure(
          extract
              + " names agency '"
              + named
              + "', not '"
              + agency
              + "'; encode it again with 'pprl encode ... --agency "
              + agency
              + "'");
    }
    ServiceClient client = service.client();
    long id = project.id(client);
    JsonNode receipt;
    try {
      // 200: the very bytes of the current version again, answered with that version.
      receipt = client.put("/projects/" + id + "/extracts/" + named, extract, 201, 200);
    } catch (ServiceException e) {
      if ("forbidden".equals(e.code()) || "wrong_agency".equals(e.code())) {
        throw e.with(
            extract
                + " names agency '"
                + named
                + "' (a file encoded without --agency names its input file instead)");
      }
      throw e;
    }
    PrintWriter out = spec.commandLine().getOut();
    if (json) {
      ServiceClient.printJson(out, receipt);
      out.flush();
      return 0;
    }
    JsonNode assessment = receipt.get("assessment");
    if (receipt.path("unchanged").asBoolean()) {
      out.printf(
          Locale.ROOT,
          "unchanged: %s is version %d of project %d, agency %s, already (sha256 %s, uploaded %s);"
              + " no new version%n",
          extract.getFileName(),
          receipt.get("version").asInt(),
          receipt.get("project").asLong(),
          receipt.get("agency").asText(),
          receipt.get("sha256").asText(),
          receipt.get("uploadedAt").asText());
      out.flush();
      return 0;
    }
    out.printf(
        Locale.ROOT,
        "uploaded %s: project %d, agency %s, version %d, %,d records (added %,d, removed %,d)%n"
            + "  sha256 %s, at %s%n"
            + "  attack self-assessment: %s%s%n",
        extract.getFileName(),
        receipt.get("project").asLong(),
        receipt.get("agency").asText(),
        receipt.get("version").asInt(),
        receipt.get("records").asLong(),
        receipt.get("added").asLong(),
        receipt.get("removed").asLong(),
        receipt.get("sha256").asText(),
        receipt.get("uploadedAt").asText(),
        assessment.get("verdict").asText(),
        assessment.get("publicFrequencies").asBoolean()
            ? " (aligned with public name counts)"
            : " (structure only: the service holds no public name counts)");
    for (JsonNode failed : assessment.get("failed")) {
      out.println("    failed: " + failed.asText());
    }
    out.flush();
    return 0;
  }

  /** The agency the file's header names; the file must at least have a readable header. */
  private String agencyInFile() {
    try (ExtractReader r = ExtractReader.open(extract)) {
      return r.header().agency();
    } catch (NoSuchFileException e) {
      throw new CommandFailure("no extract file " + extract);
    } catch (CorruptExtractException e) {
      throw new CommandFailure(extract + " is not an extract: " + e.getMessage(), e);
    } catch (IOException e) {
      throw new CommandFailure("cannot read " + extract + ": " + e.getMessage(), e);
    }
  }
}
