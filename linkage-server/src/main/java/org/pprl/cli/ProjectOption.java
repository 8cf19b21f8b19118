package org.pprl.cli;

import com.fasterxml.jackson.databind.JsonNode;
import picocli.CommandLine.Option;

/** The {@code --project P} option of the client commands: a project's number or its name. */
final class ProjectOption {
  @Option(
      names = "--project",
      required = true,
      paramLabel = "P",
      description = "The project: its number, or its name.")
  String project;

  /** The project's number: {@code P} itself, or the one visible project named {@code P}. */
  long id(ServiceClient client) {
    if (project.matches("[0-9]{1,18}")) {
      return Long.parseLong(project);
    }
    for (JsonNode p : client.get("/projects").path("projects")) {
      if (p.path("name").asText().equals(project)) {
        return p.get("id").asLong();
      }
    }
    throw new CommandFailure(
        "no project named '"
            + project
            + "' that this token may see (give its number, or check"
            + " the name with 'pprl project show')");
  }
}
