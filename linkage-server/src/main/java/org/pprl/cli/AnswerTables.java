package org.pprl.cli;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * A released table as an analyst reads it: rows and columns aligned, the suppressed cells as the
 * service's symbol, the column totals, the share of the base and a line saying what the symbol
 * means (exact counts with suppression, or the cell-key method's perturbed ones).
 */
final class AnswerTables {
  private AnswerTables() {}

  /**
   * Prints {@code table} (the {@code Table} or {@code StatutoryTable} of the API).
   *
   * @param indent put before every line
   * @param persons what the base counts, e.g. "persons" or "foster-care leavers"
   */
  static void print(PrintWriter out, JsonNode table, String indent, String persons) {
    List<String> rows = new ArrayList<>();
    table.get("rows").forEach(r -> rows.add(r.asText()));
    List<String> columns = new ArrayList<>();
    table.get("columns").forEach(c -> columns.add(c.asText()));
    boolean rowTotals = table.has("rowTotals");
    if (rowTotals) {
      columns.add("total");
    }
    int first = "% of base".length();
    for (String r : rows) {
      first = Math.max(first, r.length());
    }
    int width = 5;
    for (String c : columns) {
      width = Math.max(width, c.length());
    }
    String label = indent + "%-" + first + "s";
    String cell = "  %" + width + "s";
    StringBuilder line = new StringBuilder(String.format(Locale.ROOT, label, ""));
    columns.forEach(c -> line.append(String.format(Locale.ROOT, cell, c)));
    out.println(line);
    for (int r = 0; r < rows.size(); r++) {
      List<JsonNode> values = new ArrayList<>();
      table.get("cells").get(r).forEach(values::add);
      if (rowTotals) {
        values.add(table.get("rowTotals").get(r));
      }
      out.println(line(label, cell, rows.get(r), values, false));
    }
    List<JsonNode> totals = new ArrayList<>();
    table.get("columnTotals").forEach(totals::add);
    if (rowTotals) {
      totals.add(table.get("grandTotal"));
    }
    out.println(line(label, cell, "total", totals, false));
    if (table.has("columnTotalPercents")) {
      List<JsonNode> percents = new ArrayList<>();
      table.get("columnTotalPercents").forEach(percents::add);
      if (rowTotals) {
        percents.add(table.get("grandTotalPercent"));
      }
      out.println(line(label, cell, "% of base", percents, true));
    }
    boolean exact = table.get("protection").asText().equals("suppression");
    out.printf(
        Locale.ROOT,
        exact
            ? "%sbase: %s %s; exact counts, %s = 1..%d or hidden so that no such count can be"
                + " worked out%n"
            : "%sbase: %s %s; every number is perturbed by the cell-key method, %s = 0..%d after"
                + " perturbation%n",
        indent,
        table.get("base").asText(),
        persons,
        table.get("suppressedSymbol").asText(),
        table.get("minCellSize").asInt() - 1);
  }

  private static String line(
      String label, String cell, String name, List<JsonNode> values, boolean percent) {
    StringBuilder line = new StringBuilder(String.format(Locale.ROOT, label, name));
    for (JsonNode v : values) {
      String text =
          percent && v.isNumber()
              ? String.format(Locale.ROOT, "%.1f%%", v.asDouble())
              : v.isNull() ? "-" : v.asText();
      line.append(String.format(Locale.ROOT, cell, text));
    }
    return line.toString();
  }
}
