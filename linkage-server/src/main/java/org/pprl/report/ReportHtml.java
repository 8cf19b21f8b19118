package org.pprl.report;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * A linkage report ({@link LinkageReport}'s data) as HTML: the match-weight histogram of each pair
 * of extracts with its cut, m and u per field and level, estimated (and, where known, true) matches
 * per pair of extracts, and the entities' sizes. Each chart is inline SVG followed by a table of
 * its numbers, its text alternative. {@link #fragment} is the body alone, which the service's
 * administrator page shows under its own stylesheet; {@link #page} a complete, self-contained file
 * with the stylesheet and the data (as JSON) inside it, for {@code pprl link --report}.
 */
public final class ReportHtml {
  /** The stylesheet the charts' classes come from, on the class path beside this class. */
  public static final String STYLESHEET = "report.css";

  private ReportHtml() {}

  /**
   * The complete HTML document: no script runs and nothing is fetched; the data is in a {@code
   * <script type="application/json" id="report-data">} element for readers and tests.
   */
  public static String page(JsonNode data, String title, String dataJson) {
    StringBuilder out = new StringBuilder();
    out.append("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n");
    out.append("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n");
    // The file may be opened anywhere: it asks for nothing outside itself.
    out.append(
        "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none';"
            + " style-src 'unsafe-inline'; img-src data:\">\n");
    out.append("<title>").append(Html.text(title)).append("</title>\n");
    out.append("<style>\n").append(stylesheet()).append("</style>\n</head>\n<body>\n<main>\n");
    out.append("<h1>").append(Html.text(title)).append("</h1>\n");
    out.append(fragment(data, "r", NO_TRUTH_GIVEN));
    out.append("</main>\n<script type=\"application/json\" id=\"report-data\">")
        .append(Html.scriptJson(dataJson))
        .append("</script>\n</body>\n</html>\n");
    return out.toString();
  }

  /** The stylesheet's text. */
  public static String stylesheet() {
    try (InputStream in = ReportHtml.class.getResourceAsStream(STYLESHEET)) {
      if (in == null) {
        throw new IllegalStateException(
            "the resource " + STYLESHEET + " is missing from the build");
      }
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read the resource " + STYLESHEET, e);
    }
  }

  /** What {@link #page} says of true counts when it was given no ground truth. */
  public static final String NO_TRUTH_GIVEN =
      "No ground truth was given, so the true matches are not counted here;"
          + " pprl link --truth T.csv puts them beside the estimates.";

  /**
   * The report's sections, with element ids starting with {@code idPrefix} (unique in the page that
   * shows it).
   *
   * @param noTruth what to say of true counts when the data holds none: why they are not known
   *     where the report is read
   */
  public static String fragment(JsonNode data, String idPrefix, String noTruth) {
    StringBuilder out = new StringBuilder();
    summary(out, data);
    weights(out, data, idPrefix);
    matches(out, data, idPrefix, noTruth);
    models(out, data, idPrefix);
    entities(out, data, idPrefix);
    return out.toString();
  }

  private static void summary(StringBuilder out, JsonNode data) {
    out.append("<section class=\"report\"><h2>Extracts</h2>\n");
    table(
        out,
        "The extracts linked",
        List.of("extract", "records"),
        rows(data.path("extracts"), e -> List.of(e.path("name").asText(), count(e, "records"))));
    JsonNode e = data.path("entities");
    out.append("<p>")
        .append(Svg.number(e.path("count").asDouble()))
        .append(" entities of two or more records, holding ")
        .append(Svg.number(e.path("linkedRecords").asDouble()))
        .append(" records; the largest has ")
        .append(Svg.number(e.path("largest").asDouble()))
        .append(".</p>\n</section>\n");
  }

  private static void weights(StringBuilder out, JsonNode data, String idPrefix) {
    out.append("<section class=\"report\"><h2>Weights of the candidate pairs, and the cut</h2>\n");
    out.append(
        "<p>Each pair of extracts' candidate pairs by weight: the match weight (log2 of how much"
            + " likelier the pair's field agreement is among matches than among random pairs),"
            + " or the CLK Dice where linking was by a Dice threshold. Pairs at or above the cut"
            + " (the line) are links on their own; the bars there are darker.</p>\n");
    int k = 0;
    for (JsonNode pair : data.path("pairsOfExtracts")) {
      JsonNode w = pair.path("weights");
      if (w.isMissingNode()) {
        continue;
      }
      String name = pairName(pair);
      boolean dice = "dice".equals(w.path("measure").asText());
      double from = w.path("from").asDouble();
      double width = w.path("width").asDouble();
      JsonNode counts = w.path("counts");
      List<String> labels = new ArrayList<>();
      double[] values = new double[counts.size()];
      for (int b = 0; b < counts.size(); b++) {
        labels.add(binLabel(from + b * width, dice));
        values[b] = counts.get(b).asDouble();
      }
      double cut = w.path("cut").isNumber() ? w.path("cut").asDouble() : Double.NaN;
      double at = Double.isNaN(cut) ? Double.NaN : (cut - from) / width;
      // The service's and the command's bins start at the cut; data from elsewhere may not.
      int highlight = Double.isNaN(cut) ? -1 : (int) Math.ceil(at - 1e-9);
      String measure = dice ? "CLK Dice" : "match weight (log2)";
      String id = idPrefix + "-w" + k++;
      out.append("<h3>").append(Html.text(name)).append("</h3>\n");
      out.append(
          Svg.bars(
              id,
              "Candidate pairs of " + name + " by " + measure,
              String.format(
                  Locale.ROOT,
                  "%s candidate pairs; %s. The table below gives every bar's count.",
                  Svg.number(pair.path("candidates").asDouble()),
                  Double.isNaN(cut)
                      ? "the cut is a fixed match probability"
                      : "the cut is at " + measure + " " + Svg.number(cut)),
              labels,
              List.of(new Svg.Series("candidate pairs", values)),
              true,
              new Svg.Marker(at, Double.isNaN(cut) ? "" : "cut " + Svg.number(cut)),
              highlight,
              measure,
              "candidate pairs"));
      List<List<String>> rows = new ArrayList<>();
      for (int b = 0; b < counts.size(); b++) {
        rows.add(
            List.of(
                binLabel(from + b * width, dice) + " to " + binLabel(from + (b + 1) * width, dice),
                Svg.number(values[b]),
                Double.isNaN(cut) ? "" : b >= highlight ? "at or above" : "below"));
      }
      details(
          out,
          "Numbers of this chart",
          "Candidate pairs of " + name + " by " + measure,
          List.of(measure, "candidate pairs", "against the cut"),
          rows);
    }
    out.append("</section>\n");
  }

  private static void matches(StringBuilder out, JsonNode data, String idPrefix, String noTruth) {
    out.append("<section class=\"report\"><h2>Matches per pair of extracts</h2>\n");
    boolean truth = false;
    for (JsonNode pair : data.path("pairsOfExtracts")) {
      truth |= pair.path("truePairs").isNumber();
    }
    List<String> labels = new ArrayList<>();
    JsonNode pairs = data.path("pairsOfExtracts");
    double[] estimated = new double[pairs.size()];
    double[] links = new double[pairs.size()];
    double[] trueCounts = new double[pairs.size()];
    List<List<String>> rows = new ArrayList<>();
    for (int k = 0; k < pairs.size(); k++) {
      JsonNode pair = pairs.get(k);
      labels.add(pairName(pair));
      estimated[k] = pair.path("estimatedMatches").asDouble(0);
      links[k] = pair.path("links").asDouble();
      trueCounts[k] = pair.path("truePairs").asDouble(0);
      List<String> row = new ArrayList<>();
      row.add(pairName(pair));
      row.add(count(pair, "candidates"));
      row.add(
          pair.path("estimatedMatches").isNumber()
              ? String.format(Locale.ROOT, "%.1f", estimated[k])
              : "n/a");
      row.add(count(pair, "links"));
      if (truth) {
        row.add(count(pair, "truePairs"));
      }
      rows.add(row);
    }
    List<Svg.Series> series = new ArrayList<>();
    series.add(new Svg.Series("estimated matches", estimated));
    series.add(new Svg.Series("links", links));
    if (truth) {
      series.add(new Svg.Series("true pairs", trueCounts));
    }
    out.append(
            "<p>The model's estimate of the matches among each pair of extracts' candidates, and the"
                + " pairs of records inside one entity (links)")
        .append(truth ? ", beside the true pairs of the ground truth" : "")
        .append(".</p>\n");
    if (!truth) {
      out.append("<p>").append(Html.text(noTruth)).append("</p>\n");
    }
    out.append(
        Svg.bars(
            idPrefix + "-m",
            "Estimated matches and links per pair of extracts",
            "One group of bars per pair of extracts; the table below gives the numbers.",
            labels,
            series,
            false,
            null,
            -1,
            "pair of extracts",
            "pairs of records"));
    List<String> header = new ArrayList<>(List.of("pair of extracts", "candidates"));
    header.add("estimated matches");
    header.add("links");
    if (truth) {
      header.add("true pairs");
    }
    table(out, "Matches per pair of extracts", header, rows);
    out.append("</section>\n");
  }

  private static void models(StringBuilder out, JsonNode data, String idPrefix) {
    out.append("<section class=\"report\"><h2>The model: m and u per field and level</h2>\n");
    if (data.path("models").isEmpty()) {
      out.append("<p>No model: the extracts were linked by a CLK Dice threshold.</p>\n");
    }
    int k = 0;
    for (JsonNode model : data.path("models")) {
      boolean inside = "inside".equals(model.path("scope").asText());
      out.append("<h3>")
          .append(inside ? "Inside each extract (duplicates)" : "Across extracts")
          .append("</h3>\n<p>")
          .append(
              inside
                  ? "m: how often duplicates reach each level; r: related records that are not"
                      + " one person (one household); u: random pairs."
                  : "m: how often matches reach each level; u: random pairs. The weight of a"
                      + " level is log2(m / u).")
          .append("</p>\n");
      for (JsonNode field : model.path("fields")) {
        JsonNode levels = field.path("levels");
        List<String> labels = new ArrayList<>();
        double[] m = new double[levels.size()];
        double[] u = new double[levels.size()];
        double[] r = new double[levels.size()];
        List<List<String>> rows = new ArrayList<>();
        for (int l = 0; l < levels.size(); l++) {
          JsonNode level = levels.get(l);
          labels.add(shortLevel(level.path("level").asText(), l, levels.size()));
          m[l] = level.path("m").asDouble();
          u[l] = level.path("u").asDouble();
          r[l] = level.path("r").asDouble();
          List<String> row = new ArrayList<>();
          row.add(
              (levels.size() > LONE_FIELD_LEVELS ? l + ": " : "") + level.path("level").asText());
          row.add(probability(m[l]));
          if (inside) {
            row.add(probability(r[l]));
          }
          row.add(probability(u[l]));
          row.add(String.format(Locale.ROOT, "%+.2f", Math.log(m[l] / u[l]) / Math.log(2)));
          rows.add(row);
        }
        List<Svg.Series> series = new ArrayList<>();
        series.add(new Svg.Series("m", m));
        if (inside) {
          series.add(new Svg.Series("r", r));
        }
        series.add(new Svg.Series("u", u));
        String name = field.path("name").asText();
        out.append("<h4>").append(Html.text(name)).append("</h4>\n");
        out.append(
            Svg.bars(
                idPrefix + "-f" + k++,
                "m" + (inside ? ", r" : "") + " and u of " + name + " by level",
                "Probability of each level among matches and random pairs; the table below gives"
                    + " the numbers.",
                labels,
                series,
                false,
                null,
                -1,
                "level",
                "probability"));
        List<String> header = new ArrayList<>(List.of("level", "m"));
        if (inside) {
          header.add("r");
        }
        header.add("u");
        header.add("weight log2(m/u)");
        details(out, "Numbers of this chart", "m and u of " + name, header, rows);
      }
    }
    out.append("</section>\n");
  }

  private static void entities(StringBuilder out, JsonNode data, String idPrefix) {
    out.append("<section class=\"report\"><h2>Entity sizes</h2>\n");
    List<String> labels = new ArrayList<>();
    List<Double> values = new ArrayList<>();
    List<List<String>> rows = new ArrayList<>();
    for (JsonNode s : data.path("entitySizes")) {
      int size = s.path("size").asInt();
      rows.add(
          List.of(size == 1 ? "1 (in no entity)" : Integer.toString(size), count(s, "entities")));
      if (size > 1) {
        labels.add(Integer.toString(size));
        values.add(s.path("entities").asDouble());
      }
    }
    double[] v = new double[values.size()];
    for (int i = 0; i < v.length; i++) {
      v[i] = values.get(i);
    }
    out.append(
        Svg.bars(
            idPrefix + "-e",
            "Entities by number of records",
            "How many entities hold two, three or more records; the table below gives the numbers,"
                + " and the records in no entity.",
            labels,
            List.of(new Svg.Series("entities", v)),
            true,
            null,
            -1,
            "records in the entity",
            "entities"));
    table(out, "Entities by number of records", List.of("records", "entities"), rows);
    out.append("</section>\n");
  }

  /**
   * A level's name short enough to stand under its bar: a Dice range without the word, or for a
   * joint field's many levels their number (the table names each in full).
   */
  private static String shortLevel(String name, int level, int levels) {
    if (levels > LONE_FIELD_LEVELS) {
      return Integer.toString(level);
    }
    return name.replace("Dice ", "").replace(" to < ", "–");
  }

  /** A lone field's levels (Estimation.LEVEL_CUTS and identical); a joint field has 3^k. */
  private static final int LONE_FIELD_LEVELS = 8;

  private static String pairName(JsonNode pair) {
    String a = pair.path("a").asText();
    String b = pair.path("b").asText();
    return a.equals(b) ? a + " (inside)" : a + " × " + b;
  }

  private static String binLabel(double v, boolean dice) {
    return dice ? String.format(Locale.ROOT, "%.2f", v) : String.format(Locale.ROOT, "%.1f", v);
  }

  private static String probability(double p) {
    return String.format(Locale.ROOT, "%.4f", p);
  }

  private static String count(JsonNode node, String field) {
    return node.path(field).isNumber() ? Svg.number(node.path(field).asDouble()) : "n/a";
  }

  private static List<List<String>> rows(
      JsonNode items, java.util.function.Function<JsonNode, List<String>> row) {
    List<List<String>> out = new ArrayList<>();
    for (JsonNode item : items) {
      out.add(row.apply(item));
    }
    return out;
  }

  private static void details(
      StringBuilder out,
      String summary,
      String caption,
      List<String> header,
      List<List<String>> rows) {
    out.append("<details><summary>").append(Html.text(summary)).append("</summary>\n");
    table(out, caption, header, rows);
    out.append("</details>\n");
  }

  private static void table(
      StringBuilder out, String caption, List<String> header, List<List<String>> rows) {
    out.append("<table><caption>").append(Html.text(caption)).append("</caption>\n<thead><tr>");
    for (String h : header) {
      out.append("<th scope=\"col\">").append(Html.text(h)).append("</th>");
    }
    out.append("</tr></thead>\n<tbody>\n");
    for (List<String> row : rows) {
      out.append("<tr>");
      for (int c = 0; c < row.size(); c++) {
        String tag = c == 0 ? "th scope=\"row\"" : "td";
        out.append('<')
            .append(tag)
            .append('>')
            .append(Html.text(row.get(c)))
            .append(c == 0 ? "</th>" : "</td>");
      }
      out.append("</tr>\n");
    }
    out.append("</tbody></table>\n");
  }
}
