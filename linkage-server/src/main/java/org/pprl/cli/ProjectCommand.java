package org.pprl.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import org.pprl.core.schema.EngineSchema;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code pprl project}: an administrator's projects on the running service. */
@Command(
    name = "project",
    mixinStandardHelpOptions = true,
    description = "Create and show projects on the linkage service (POST and GET /projects).",
    subcommands = {ProjectCommand.Create.class, ProjectCommand.Show.class})
public final class ProjectCommand implements Runnable {
  @Spec CommandSpec spec;

  @Override
  public void run() {
    spec.commandLine().usage(spec.commandLine().getOut());
  }

  /** {@code pprl project create}. */
  @Command(
      name = "create",
      mixinStandardHelpOptions = true,
      sortOptions = false,
      description = {
        "Create a project (administrator). With --schema, the schema fingerprint, the attributes"
            + " extracts may carry and the purposes they carry consent flags for are taken from"
            + " the schema the agencies encode with, so that their uploads are not refused"
            + " (attribute_not_allowed, wrong_fingerprint); --attributes and --purposes replace"
            + " them.",
        "Prints the project as 'pprl project show' does, or its JSON with --json."
      })
  static final class Create implements Callable<Integer> {
    @Mixin ServiceOptions service;

    @Option(names = "--name", required = true, paramLabel = "NAME", description = "Its name.")
    String name;

    @Option(
        names = "--agencies",
        required = true,
        split = ",",
        paramLabel = "A,B",
        description = "The agencies taking part (created with 'pprl admin create-agency').")
    List<String> agencies;

    @ArgGroup(multiplicity = "1")
    Fingerprint fingerprint;

    /** Where the fingerprint comes from: the schema, or given. */
    static final class Fingerprint {
      @Option(
          names = "--schema",
          paramLabel = "S.json",
          description =
              "The schema the agencies encode with: fingerprint, attributes and purposes.")
      Path schema;

      @Option(
          names = "--fingerprint",
          paramLabel = "HEX",
          description =
              "The schema fingerprint, 64 hex digits ('pprl schema fingerprint S.json'); then give"
                  + " --attributes and --purposes too.")
      String hex;
    }

    @Option(
        names = "--attributes",
        split = ",",
        paramLabel = "A,B",
        description =
            "The only attributes an extract may carry (default: the schema's; none without"
                + " --schema).")
    List<String> attributes;

    @Option(
        names = "--purposes",
        split = ",",
        paramLabel = "P,Q",
        description =
            "The purposes questions and consented matches may state (default: those the schema"
                + " has consent flags for).")
    List<String> purposes;

    @Option(
        names = "--record-level-purpose",
        paramLabel = "P",
        description =
            "The one purpose stewards may read consented matches for (default: none, no matches).")
    String recordLevelPurpose;

    @Option(
        names = "--questions",
        paramLabel = "FILE",
        description =
            "The question shapes analysts may ask, as JSON (docs/questions.md; e.g."
                + " examples/agency-questions.json). Without it, no breakdown, filter or window.")
    Path questions;

    @Option(
        names = "--statutory",
        paramLabel = "FILE",
        description =
            "The statutory tables, as JSON [{\"name\": N, \"question\": Q}] (e.g."
                + " examples/agency-statutory.json).")
    Path statutory;

    @Option(
        names = "--min-cell-size",
        paramLabel = "N",
        description = "Published values below it are shown as '*' (default and least: 6).")
    Integer minCellSize;

    @Option(
        names = "--refuse-failed-assessment",
        description = "Refuse uploads whose own attack self-assessment fails.")
    boolean refuseFailedAssessment;

    @Option(names = "--json", description = "Print the service's JSON answer.")
    boolean json;

    @Spec CommandSpec spec;

    @Override
    public Integer call() {
      ObjectNode body = ServiceClient.JSON.createObjectNode();
      body.put("name", name);
      agencies.forEach(body.putArray("agencies")::add);
      List<String> allowed = attributes;
      List<String> allowedPurposes = purposes;
      if (fingerprint.schema != null) {
        EngineSchema schema = SchemaCommand.read(fingerprint.schema);
        body.put("schemaFingerprint", schema.fingerprintHex());
        if (allowed == null) {
          allowed = schema.attributes().stream().map(EngineSchema.Attribute::name).toList();
        }
        if (allowedPurposes == null) {
          allowedPurposes = schema.consents().stream().map(EngineSchema.Consent::purpose).toList();
        }
      } else {
        body.put("schemaFingerprint", fingerprint.hex.toLowerCase(Locale.ROOT));
        if (allowed == null) {
          spec.commandLine()
              .getErr()
              .println(
                  "pprl project create: warning: no --attributes, so an upload carrying any"
                      + " attribute will be refused (attribute_not_allowed); --schema S.json"
                      + " takes them from the schema");
        }
      }
      (allowed == null ? List.<String>of() : allowed).forEach(body.putArray("attributes")::add);
      (allowedPurposes == null ? List.<String>of() : allowedPurposes)
          .forEach(body.putArray("purposes")::add);
      ArrayNode recordLevel = body.putArray("recordLevelPurposes");
      if (recordLevelPurpose != null) {
        recordLevel.add(recordLevelPurpose);
      }
      if (questions != null) {
        body.set("questions", readJson(questions));
      }
      if (statutory != null) {
        body.set("statutory", readJson(statutory));
      }
      if (minCellSize != null) {
        body.put("minCellSize", minCellSize);
      }
      body.put("refuseFailedAssessment", refuseFailedAssessment);
      JsonNode created = service.client().post("/projects", body, 201);
      PrintWriter out = spec.commandLine().getOut();
      if (json) {
        ServiceClient.printJson(out, created);
      } else {
        Show.print(out, created);
      }
      out.flush();
      return 0;
    }
  }

  /** {@code pprl project show [--project P]}. */
  @Command(
      name = "show",
      mixinStandardHelpOptions = true,
      description = {
        "Show a project: its agencies, the schema fingerprint uploads must carry, purposes,"
            + " attributes, statutory tables and each agency's current extract. Without --project,"
            + " one line for every project the token may see."
      })
  static final class Show implements Callable<Integer> {
    @Mixin ServiceOptions service;

    @Option(
        names = "--project",
        paramLabel = "P",
        description = "The project: its number, or its name.")
    String project;

    @Option(names = "--json", description = "Print the service's JSON answer.")
    boolean json;

    @Spec CommandSpec spec;

    @Override
    public Integer call() {
      ServiceClient client = service.client();
      PrintWriter out = spec.commandLine().getOut();
      if (project == null) {
        JsonNode all = client.get("/projects");
        if (json) {
          ServiceClient.printJson(out, all);
        } else {
          for (JsonNode p : all.get("projects")) {
            out.printf(
                Locale.ROOT,
                "%d\t%s\t%s\t%s%n",
                p.get("id").asLong(),
                p.get("name").asText(),
                join(p.get("agencies")),
                p.get("schemaFingerprint").asText());
          }
        }
      } else {
        ProjectOption option = new ProjectOption();
        option.project = project;
        JsonNode p = client.get("/projects/" + option.id(client));
        if (json) {
          ServiceClient.printJson(out, p);
        } else {
          print(out, p);
        }
      }
      out.flush();
      return 0;
    }

    /** The project for a reader: one line per property, then each agency's extract. */
    static void print(PrintWriter out, JsonNode p) {
      out.printf(Locale.ROOT, "project %d: %s%n", p.get("id").asLong(), p.get("name").asText());
      out.println("  agencies:            " + join(p.get("agencies")));
      out.println("  schema fingerprint:  " + p.get("schemaFingerprint").asText());
      out.println("  purposes:            " + join(p.get("purposes")));
      out.println("  record-level:        " + join(p.get("recordLevelPurposes")));
      out.println("  attributes:          " + join(p.get("attributes")));
      out.println("  minimum cell size:   " + p.get("minCellSize").asInt());
      List<String> tables = new ArrayList<>();
      p.path("statutory").forEach(t -> tables.add(t.path("name").asText()));
      out.println("  statutory tables:    " + (tables.isEmpty() ? "-" : String.join(", ", tables)));
      out.println(
          "  refuses uploads that fail their assessment: "
              + (p.path("refuseFailedAssessment").asBoolean() ? "yes" : "no"));
      out.println("  created:             " + p.get("created").asText());
      JsonNode extracts = p.get("extracts");
      if (extracts == null) {
        return;
      }
      out.println("  current extracts:");
      extracts
          .properties()
          .forEach(
              e -> {
                JsonNode v = e.getValue();
                if (v.isNull()) {
                  out.printf(Locale.ROOT, "    %-22s none yet%n", e.getKey());
                  return;
                }
                String changes =
                    v.hasNonNull("added")
                        ? String.format(
                            Locale.ROOT,
                            ", added %,d, removed %,d",
                            v.get("added").asLong(),
                            v.get("removed").asLong())
                        : "";
                out.printf(
                    Locale.ROOT,
                    "    %-22s version %d, %,d records, uploaded %s%s%n",
                    e.getKey(),
                    v.get("version").asInt(),
                    v.get("records").asLong(),
                    v.get("uploadedAt").asText(),
                    changes);
              });
    }
  }

  private static String join(JsonNode strings) {
    List<String> all = new ArrayList<>();
    if (strings != null) {
      strings.forEach(s -> all.add(s.asText()));
    }
    return all.isEmpty() ? "-" : String.join(", ", all);
  }

  /** A JSON file given to an option, one line on failure. */
  static JsonNode readJson(Path file) {
    try {
      return ServiceClient.JSON.readTree(Files.readAllBytes(file));
    } catch (NoSuchFileException e) {
      throw new CommandFailure("no file " + file);
    } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
      throw new CommandFailure(file + " is not JSON: " + e.getOriginalMessage(), e);
    } catch (IOException e) {
      throw new CommandFailure("cannot read " + file + ": " + e.getMessage(), e);
    }
  }
}
