package org.pprl.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.PrintWriter;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code pprl ask --project P}: an analyst's question, or the project's statutory tables. */
@Command(
    name = "ask",
    mixinStandardHelpOptions = true,
    sortOptions = false,
    description = {
      "Ask an overlap or window question (an analyst; docs/questions.md), from a JSON file or"
          + " from options, and print the answer as a table: POST /projects/P/questions. Every"
          + " number is perturbed by the cell-key method and values below the project's minimum"
          + " cell size are shown as '*'. With --statutory, the project's statutory tables instead"
          + " (exact counts, suppressed across the set): GET /projects/P/statutory.",
      "Examples:",
      "  pprl ask --project 1 --purpose research --question q.json",
      "  pprl ask --project 1 --purpose research --cohort childrens_services"
          + " --where foster_care=Y --with homeless_services,public_assistance --columns count"
          + " --rows childrens_services:gender",
      "  pprl ask --project 1 --purpose research --cohort childrens_services"
          + " --where foster_care=Y --from childrens_services:foster_discharge_date"
          + " --to homeless_services:shelter_entry_date --days 30,90,180,365",
      "  pprl ask --project 1 --purpose research --statutory"
    })
final class AskCommand implements Callable<Integer> {
  @Mixin ProjectOption project;

  @Option(
      names = "--purpose",
      required = true,
      paramLabel = "P",
      description = "The purpose you ask for: one of the project's purposes.")
  String purpose;

  @ArgGroup(multiplicity = "1")
  What what;

  /** Exactly one of: a question file, a question from options, the statutory tables. */
  static final class What {
    @Option(
        names = "--question",
        paramLabel = "FILE",
        description =
            "The question as JSON: the question itself, or a request body {\"purpose\","
                + " \"question\"} whose question is taken.")
    Path file;

    @Option(names = "--statutory", description = "The project's statutory tables.")
    boolean statutory;

    @ArgGroup(exclusive = false)
    Flags flags;
  }

  /** A question written as options. */
  static final class Flags {
    @Option(
        names = "--cohort",
        required = true,
        paramLabel = "AGENCY",
        description = "The agency whose records form the cohort.")
    String cohort;

    @Option(
        names = "--where",
        paramLabel = "ATTR=V1,V2",
        description = "Keep cohort records whose attribute is one of these values (repeatable).")
    Map<String, String> where;

    @Option(
        names = "--with",
        split = ",",
        paramLabel = "A,B",
        description = "An overlap question: the other agencies the cohort is looked up in.")
    List<String> with;

    @Option(
        names = "--columns",
        paramLabel = "KIND",
        description = "Overlap columns: combinations (default) or count.")
    String columns;

    @Option(
        names = "--from",
        paramLabel = "AGENCY:ATTR",
        description = "A window question: the cohort agency's start date.")
    String from;

    @Option(
        names = "--to",
        paramLabel = "AGENCY:ATTR",
        description = "A window question: the date of the event looked for.")
    String to;

    @Option(
        names = "--days",
        split = ",",
        paramLabel = "N,M",
        description = "A window question: the windows, in days, increasing.")
    List<Integer> days;

    @Option(
        names = "--rows",
        paramLabel = "AGENCY:ATTR",
        description = "Break the cohort down by this attribute (one row per value).")
    String rows;
  }

  @Option(names = "--json", description = "Print the service's JSON answer.")
  boolean json;

  @Mixin ServiceOptions service;

  @Spec CommandSpec spec;

  @Override
  public Integer call() {
    ObjectNode question = what.statutory ? null : question();
    ServiceClient client = service.client();
    long id = project.id(client);
    PrintWriter out = spec.commandLine().getOut();
    JsonNode answer;
    if (what.statutory) {
      answer =
          client.get(
              "/projects/"
                  + id
                  + "/statutory?purpose="
                  + URLEncoder.encode(purpose, StandardCharsets.UTF_8));
    } else {
      ObjectNode body = ServiceClient.JSON.createObjectNode();
      body.put("purpose", purpose);
      body.set("question", question);
      answer = client.post("/projects/" + id + "/questions", body, 200);
    }
    if (json) {
      ServiceClient.printJson(out, answer);
    } else if (what.statutory) {
      out.printf(
          Locale.ROOT,
          "statutory tables of project %d, from run %d, for %s:%n",
          answer.get("project").asLong(),
          answer.get("run").asLong(),
          answer.get("purpose").asText());
      for (JsonNode t : answer.get("tables")) {
        out.println();
        out.println(t.get("name").asText() + ":");
        AnswerTables.print(out, t.get("table"), "  ", "persons");
      }
    } else {
      out.printf(
          Locale.ROOT,
          "answer of project %d, from run %d, for %s:%n",
          answer.get("project").asLong(),
          answer.get("run").asLong(),
          answer.get("purpose").asText());
      AnswerTables.print(out, answer.get("table"), "  ", "persons");
    }
    out.flush();
    return 0;
  }

  /** The question, from its file or from the options. */
  private ObjectNode question() {
    if (what.file != null) {
      JsonNode read = ProjectCommand.readJson(what.file);
      JsonNode q = read.has("question") ? read.get("question") : read;
      if (!q.isObject()) {
        throw new CommandFailure(what.file + " does not hold a question (a JSON object)");
      }
      return (ObjectNode) q;
    }
    Flags f = what.flags;
    ObjectNode q = ServiceClient.JSON.createObjectNode();
    ObjectNode cohort = q.putObject("cohort");
    cohort.put("agency", f.cohort);
    if (f.where != null) {
      ObjectNode where = cohort.putObject("where");
      f.where.forEach(
          (attr, values) -> List.of(values.split(",")).forEach(where.putArray(attr)::add));
    }
    boolean window = f.from != null || f.to != null || f.days != null;
    if (window == (f.with != null)) {
      throw new CommandFailure(
          "ask for an overlap (--with) or a window (--from, --to, --days), one of the two");
    }
    if (window) {
      if (f.from == null || f.to == null || f.days == null) {
        throw new CommandFailure("a window question needs --from, --to and --days");
      }
      q.set("from", attribute("--from", f.from));
      q.set("to", attribute("--to", f.to));
      f.days.forEach(q.putArray("days")::add);
    } else {
      f.with.forEach(q.putArray("with")::add);
      if (f.columns != null) {
        q.put("columns", f.columns);
      }
    }
    if (f.rows != null) {
      q.set("rows", attribute("--rows", f.rows));
    }
    return q;
  }

  private static ObjectNode attribute(String option, String text) {
    int colon = text.indexOf(':');
    if (colon <= 0 || colon == text.length() - 1) {
      throw new CommandFailure(option + " must be AGENCY:ATTRIBUTE, got '" + text + "'");
    }
    ObjectNode a = ServiceClient.JSON.createObjectNode();
    a.put("agency", text.substring(0, colon));
    a.put("attribute", text.substring(colon + 1));
    return a;
  }
}
