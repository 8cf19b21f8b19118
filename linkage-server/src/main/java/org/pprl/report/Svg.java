package org.pprl.report;

import java.util.List;
import java.util.Locale;

/**
 * Bar charts as inline SVG, drawn in Java so that a report needs no script and no network to open,
 * and a page under a strict Content-Security-Policy can show them: colours and lines come from
 * classes in {@code report.css}, never from {@code style} attributes. Each chart carries a title
 * and description for screen readers; the numbers themselves are in a table beside it.
 */
final class Svg {
  private static final int WIDTH = 720;
  private static final int HEIGHT = 260;
  private static final int LEFT = 64;
  private static final int RIGHT = 16;
  private static final int TOP = 28;
  private static final int BOTTOM = 64;

  private Svg() {}

  /** One series of bars: a CSS class ({@code s0}, {@code s1}, ...) and a value per category. */
  record Series(String name, double[] values) {}

  /**
   * A marker across the categories at a fractional category position ({@code 2.5}: halfway into the
   * third), such as the cut on a weight histogram; NaN for none.
   */
  record Marker(double at, String label) {}

  /**
   * A vertical bar chart: for each category, one bar per series side by side.
   *
   * @param id a unique id in the document, for the title and description
   * @param labels category labels; every {@code labelEvery}-th is written under the axis
   * @param log a log scale (log10(1 + v)): for counts spanning orders of magnitude
   * @param highlightFrom categories from this index on get class {@code hi} (bars at or above a
   *     cut); -1 for none
   */
  static String bars(
      String id,
      String title,
      String description,
      List<String> labels,
      List<Series> series,
      boolean log,
      Marker marker,
      int highlightFrom,
      String xLabel,
      String yLabel) {
    double max = 0;
    for (Series s : series) {
      for (double v : s.values()) {
        max = Math.max(max, scale(v, log));
      }
    }
    if (max <= 0) {
      max = 1;
    }
    int n = Math.max(1, labels.size());
    double plotW = WIDTH - LEFT - RIGHT;
    double plotH = HEIGHT - TOP - BOTTOM;
    double slot = plotW / n;
    double barW = Math.max(1, slot * 0.8 / Math.max(1, series.size()));
    StringBuilder out = new StringBuilder();
    out.append(
        String.format(
            Locale.ROOT,
            "<svg class=\"chart\" viewBox=\"0 0 %d %d\" role=\"img\" aria-labelledby=\"%s-t %s-d\""
                + " xmlns=\"http://www.w3.org/2000/svg\">",
            WIDTH,
            HEIGHT,
            id,
            id));
    out.append("<title id=\"")
        .append(id)
        .append("-t\">")
        .append(Html.text(title))
        .append("</title>");
    out.append("<desc id=\"")
        .append(id)
        .append("-d\">")
        .append(Html.text(description))
        .append("</desc>");
    // Axes and the largest value on the y axis.
    out.append(line(LEFT, TOP, LEFT, TOP + plotH, "axis"));
    out.append(line(LEFT, TOP + plotH, LEFT + plotW, TOP + plotH, "axis"));
    double top = log ? Math.pow(10, max) - 1 : max;
    out.append(text(LEFT - 6, TOP + 4, "end", number(top)));
    out.append(text(LEFT - 6, TOP + plotH, "end", "0"));
    out.append(
        text(
            14,
            TOP + plotH / 2,
            "middle",
            yLabel + (log ? " (log scale)" : ""),
            "rotate(-90 14 " + fmt(TOP + plotH / 2) + ")"));
    out.append(text(LEFT + plotW / 2, HEIGHT - 8, "middle", xLabel));
    int every = Math.max(1, (int) Math.ceil(labels.size() / 12.0));
    for (int c = 0; c < labels.size(); c++) {
      double x0 = LEFT + c * slot + slot * 0.1;
      for (int s = 0; s < series.size(); s++) {
        double v = series.get(s).values()[c];
        double h = plotH * scale(v, log) / max;
        String cls =
            "bar s"
                + s
                + (highlightFrom >= 0 && c >= highlightFrom && series.size() == 1 ? " hi" : "");
        out.append(
            String.format(
                Locale.ROOT,
                "<rect class=\"%s\" x=\"%s\" y=\"%s\" width=\"%s\" height=\"%s\"><title>%s</title></rect>",
                cls,
                fmt(x0 + s * barW),
                fmt(TOP + plotH - h),
                fmt(barW),
                fmt(h),
                Html.text(labels.get(c) + ", " + series.get(s).name() + ": " + number(v))));
      }
      if (c % every == 0) {
        out.append(text(LEFT + c * slot + slot / 2, TOP + plotH + 16, "middle", labels.get(c)));
      }
    }
    if (marker != null && Double.isFinite(marker.at())) {
      double x = LEFT + Math.max(0, Math.min(n, marker.at())) * slot;
      out.append(line(x, TOP - 6, x, TOP + plotH, "cut"));
      out.append(text(x + 4, TOP - 10, "start", marker.label()));
    }
    if (series.size() > 1) {
      double x = LEFT + plotW;
      for (int s = series.size() - 1; s >= 0; s--) {
        String name = series.get(s).name();
        x -= 14 + name.length() * 7;
        out.append(
            String.format(
                Locale.ROOT,
                "<rect class=\"bar s%d\" x=\"%s\" y=\"%d\" width=\"10\" height=\"10\"></rect>",
                s,
                fmt(x),
                HEIGHT - 30));
        out.append(text(x + 13, HEIGHT - 21, "start", name));
      }
    }
    out.append("</svg>");
    return out.toString();
  }

  private static double scale(double v, boolean log) {
    return log ? Math.log10(1 + Math.max(0, v)) : Math.max(0, v);
  }

  private static String line(double x1, double y1, double x2, double y2, String cls) {
    return String.format(
        Locale.ROOT,
        "<line class=\"%s\" x1=\"%s\" y1=\"%s\" x2=\"%s\" y2=\"%s\"></line>",
        cls,
        fmt(x1),
        fmt(y1),
        fmt(x2),
        fmt(y2));
  }

  private static String text(double x, double y, String anchor, String s) {
    return text(x, y, anchor, s, null);
  }

  private static String text(double x, double y, String anchor, String s, String transform) {
    return String.format(
        Locale.ROOT,
        "<text x=\"%s\" y=\"%s\" text-anchor=\"%s\"%s>%s</text>",
        fmt(x),
        fmt(y),
        anchor,
        transform == null ? "" : " transform=\"" + transform + "\"",
        Html.text(s));
  }

  private static String fmt(double v) {
    return String.format(Locale.ROOT, "%.1f", v);
  }

  /** A count as an integer, a probability or estimate with three significant digits. */
  static String number(double v) {
    if (v == Math.rint(v) && Math.abs(v) < 1e15) {
      return String.format(Locale.ROOT, "%,d", (long) v);
    }
    return String.format(Locale.ROOT, "%.3g", v);
  }
}
