package org.pprl.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import org.pprl.core.encode.ColumnMapping;
import org.pprl.core.encode.CsvColumns;
import org.pprl.core.encode.DateProfile;
import org.pprl.core.schema.EngineSchema;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code pprl profile}: reads an agency's CSV as {@code pprl encode} would, without encoding it and
 * without the secret, and says per column what the schema will make of it: empties, the date
 * formats a date column's values fit and the one it will be read with, and the rows no format
 * reads. Counts and row numbers only, never a value, so its report may be shared.
 */
@Command(
    name = "profile",
    mixinStandardHelpOptions = true,
    sortOptions = false,
    description = {
      "Check a CSV extract against the schema and a mapping before encoding it: needs no secret"
          + " and writes nothing but the report.",
      "",
      "For each column the schema reads: its CSV and schema names, how many values are empty,"
          + " and for a date column how many values each candidate format reads, the format"
          + " encode will use (declared, detected or none: ambiguous) and the rows (numbered from"
          + " 0 after the header) that no format reads. Never prints a value.",
      "Exit status: 0 when encode would accept every date column, 1 when a date column must"
          + " be declared or some dates fit no format, 2 on bad input."
    })
final class ProfileCommand implements Callable<Integer> {
  @Option(
      names = "--schema",
      required = true,
      paramLabel = "S.json",
      description = "Linkage schema.")
  Path schemaFile;

  @Option(
      names = "--input",
      required = true,
      paramLabel = "IN.csv",
      description = "CSV extract, UTF-8, with a header row.")
  Path input;

  @Option(
      names = "--mapping",
      paramLabel = "M.json",
      description = "This agency's column mapping, as for encode (docs/agency-files.md).")
  Path mappingFile;

  @Option(
      names = "--date-format",
      paramLabel = "PATTERN",
      description = "The format of every date column, as for encode.")
  String dateFormat;

  @Option(
      names = "--id-column",
      paramLabel = "COL",
      description = "CSV column of the record id, as for encode.")
  String idColumn;

  @Option(
      names = "--json",
      paramLabel = "FILE",
      description =
          "Also write the report as JSON to FILE; '-': JSON on standard output, the text on"
              + " standard error (docs/cli.md).")
  String json;

  @Spec CommandSpec spec;

  @Override
  public Integer call() throws IOException {
    PrintWriter out = spec.commandLine().getOut();
    EngineSchema schema;
    ColumnMapping mapping;
    try {
      schema = EncodeCommand.readSchema(schemaFile);
      mapping = EncodeCommand.readMapping(mappingFile, schema, dateFormat, idColumn);
    } catch (EncodeCommand.BadInput e) {
      throw new CommandFailure(e.getMessage());
    }
    AgencyFile file = AgencyFile.open(input, schema, mapping, true);
    ObjectNode report = report(file, schema);
    JsonReport.print(json, report, out, spec.commandLine().getErr(), text -> print(text, report));
    out.flush();
    return report.get("ready").asBoolean() ? 0 : 1;
  }

  private static ObjectNode report(AgencyFile file, EngineSchema schema) {
    ObjectNode root = JsonReport.start("profile");
    AgencyFile.Pass pass = file.pass;
    root.put("input", file.input.toString());
    root.put("rows", pass.rows);
    root.put("rowsOfWrongWidth", pass.wrongWidth);
    ArrayNode wrong = root.putArray("rowsOfWrongWidthFirst");
    pass.wrongWidthRows.forEach(wrong::add);
    ArrayNode columns = root.putArray("columns");
    CsvColumns bound = file.columns;
    boolean ready = true;
    if (bound.id() >= 0) {
      column(columns, file, bound.id(), null, "record id");
    }
    for (int f = 0; f < schema.clkhash().features().size(); f++) {
      if (bound.feature(f) >= 0) {
        String id = schema.clkhash().features().get(f).identifier();
        ObjectNode c = column(columns, file, bound.feature(f), id, "feature");
        ready &= date(c, file, bound.feature(f));
      }
    }
    for (int a = 0; a < schema.attributes().size(); a++) {
      if (bound.attribute(a) >= 0) {
        ObjectNode c =
            column(
                columns, file, bound.attribute(a), schema.attributes().get(a).name(), "attribute");
        ready &= date(c, file, bound.attribute(a));
      }
    }
    for (int p = 0; p < schema.consents().size(); p++) {
      if (bound.consent(p) >= 0) {
        column(columns, file, bound.consent(p), schema.consents().get(p).purpose(), "consent");
      }
    }
    ArrayNode absent = root.putArray("absentAttributes");
    bound.absentAttributes().forEach(absent::add);
    ArrayNode noConsent = root.putArray("absentConsents");
    bound.absentConsents().forEach(noConsent::add);
    root.put("ready", ready);
    return root;
  }

  private static ObjectNode column(
      ArrayNode columns, AgencyFile file, int index, String name, String role) {
    ObjectNode c = columns.addObject();
    c.put("column", file.header[index]);
    if (name != null) {
      c.put("name", name);
    }
    c.put("role", role);
    c.put("empty", file.pass.empty[index]);
    return c;
  }

  /** Adds the date profile of column {@code index}, if it is a date column; false if not ready. */
  private static boolean date(ObjectNode c, AgencyFile file, int index) {
    for (AgencyFile.DateColumn d : file.dates) {
      if (d.index() != index) {
        continue;
      }
      DateProfile p = d.profile();
      ObjectNode date = c.putObject("date");
      DateProfile.Source source = d.decision().source();
      date.put("format", d.decision().format());
      date.put("decision", source.name().toLowerCase(Locale.ROOT));
      ObjectNode fits = date.putObject("fits");
      List<String> formats = p.formats();
      for (int k = 0; k < formats.size(); k++) {
        fits.put(formats.get(k), p.fits(k));
      }
      date.put("fitNone", p.unread());
      ArrayNode rows = date.putArray("fitNoneRowsFirst");
      p.unreadRows().forEach(rows::add);
      if (source == DateProfile.Source.AMBIGUOUS) {
        date.put("problem", AgencyFile.ambiguity(d));
      }
      return source != DateProfile.Source.AMBIGUOUS && p.unread() == 0;
    }
    return true;
  }

  private static void print(PrintWriter out, ObjectNode report) {
    out.printf(
        Locale.ROOT,
        "%s: %,d rows (numbered from 0 after the header)%n",
        report.get("input").asText(),
        report.get("rows").asLong());
    if (report.get("rowsOfWrongWidth").asLong() > 0) {
      out.printf(
          Locale.ROOT,
          "  rows with another number of columns than the header: %,d (rows %s)%n",
          report.get("rowsOfWrongWidth").asLong(),
          rowList(report.get("rowsOfWrongWidthFirst"), report.get("rowsOfWrongWidth").asLong()));
    }
    for (JsonNode c : report.get("columns")) {
      out.printf(
          Locale.ROOT,
          "%-40s %-9s empty %,d%n",
          AgencyFile.label(c.get("column").asText(), c.path("name").asText(null)),
          c.get("role").asText(),
          c.get("empty").asLong());
      JsonNode date = c.get("date");
      if (date == null) {
        continue;
      }
      StringBuilder fits = new StringBuilder();
      date.get("fits")
          .fields()
          .forEachRemaining(
              e ->
                  fits.append(
                      String.format(Locale.ROOT, "  %s %,d", e.getKey(), e.getValue().asLong())));
      out.println("    values each date format reads:" + fits);
      String decision = date.get("decision").asText();
      out.println(
          "    read as: "
              + (date.get("format").isNull()
                  ? decision.equals("no_dates") ? "(no dates to read)" : "? (" + decision + ")"
                  : date.get("format").asText() + " (" + decision + ")"));
      if (date.get("fitNone").asLong() > 0) {
        out.printf(
            Locale.ROOT,
            "    %,d fit no format: rows %s%n",
            date.get("fitNone").asLong(),
            rowList(date.get("fitNoneRowsFirst"), date.get("fitNone").asLong()));
      }
      if (date.has("problem")) {
        out.println("    " + date.get("problem").asText());
      }
    }
    if (!report.get("absentAttributes").isEmpty()) {
      out.println("absent attributes: " + names(report.get("absentAttributes")));
    }
    if (!report.get("absentConsents").isEmpty()) {
      out.println("consents not recorded: " + names(report.get("absentConsents")));
    }
    out.println(
        report.get("ready").asBoolean()
            ? "every date column can be read"
            : "not ready: see the date columns above");
  }

  private static String rowList(JsonNode rows, long total) {
    StringBuilder s = new StringBuilder();
    rows.forEach(r -> s.append(s.length() == 0 ? "" : ", ").append(r.asLong()));
    if (total > rows.size()) {
      s.append(String.format(Locale.ROOT, " and %,d more", total - rows.size()));
    }
    return s.toString();
  }

  private static String names(JsonNode list) {
    StringBuilder s = new StringBuilder();
    list.forEach(n -> s.append(s.length() == 0 ? "" : ", ").append(n.asText()));
    return s.toString();
  }
}
