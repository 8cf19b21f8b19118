package org.pprl.core.query;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;

/**
 * An analyst's question about persons of one agency's cohort: either which other agencies also hold
 * them ({@link Overlap}) or how many reach a dated event at another agency within given numbers of
 * days of a dated event ({@link Window}). The JSON forms and the table layouts are in {@code
 * docs/questions.md}; {@link QuestionEvaluator} answers a question over a {@link LinkedPopulation}.
 */
public sealed interface OverlapQuestion permits OverlapQuestion.Overlap, OverlapQuestion.Window {

  /** Largest number of agencies in an overlap question's {@code with}: 2^6 = 64 columns. */
  int MAX_WITH = 6;

  /** Largest number of windows in a window question's {@code days}. */
  int MAX_WINDOWS = 16;

  /** Longest window, in days (a century). */
  int MAX_DAYS = 36_600;

  /** The cohort every cell counts persons of. */
  Cohort cohort();

  /** The optional row breakdown. */
  Optional<AttributeRef> rows();

  /**
   * Every agency the question names, the cohort's first, each once: what a project must hold for
   * the question to be asked of it.
   */
  List<String> agencies();

  /**
   * The persons of one agency whose record passes a filter.
   *
   * @param agency the cohort agency's id
   * @param where attribute name to its allowed values (a record passes when, for every attribute,
   *     its value is one of them; a missing value passes none); empty for every record; sorted by
   *     attribute name
   */
  record Cohort(String agency, Map<String, List<String>> where) {
    /** Copies the filter into attribute-name order. */
    public Cohort {
      requireName(agency, "cohort.agency");
      TreeMap<String, List<String>> copy = new TreeMap<>();
      where.forEach((k, v) -> copy.put(k, List.copyOf(v)));
      where = Collections.unmodifiableMap(copy);
    }
  }

  /**
   * An attribute of one agency's records.
   *
   * @param agency the agency's id
   * @param attribute the attribute's name
   */
  record AttributeRef(String agency, String attribute) {
    /** Checks that both names are present. */
    public AttributeRef {
      requireName(agency, "agency");
      requireName(attribute, "attribute");
    }
  }

  /** How an overlap question's columns split the cohort. */
  enum Columns {
    /**
     * One column per combination of {@code with} agencies holding the person: "none", then single
     * agencies, then pairs, ..., in {@code with} order.
     */
    COMBINATIONS,
    /**
     * One column per number of {@code with} agencies holding the person: "none", "1 agency", ...
     */
    COUNT
  }

  /**
   * Cohort persons by which of the {@code with} agencies also hold a linked record.
   *
   * @param cohort the cohort
   * @param with the other agencies, 1 to {@value #MAX_WITH}, distinct, not the cohort agency
   * @param rows a breakdown by an attribute of the cohort agency or of a {@code with} agency
   * @param columns the column layout
   */
  record Overlap(Cohort cohort, List<String> with, Optional<AttributeRef> rows, Columns columns)
      implements OverlapQuestion {
    /** Checks the agencies. */
    public Overlap {
      with = List.copyOf(with);
      if (with.isEmpty() || with.size() > MAX_WITH) {
        throw new IllegalArgumentException(
            "with has " + with.size() + " agencies, expected 1 to " + MAX_WITH);
      }
      if (Set.copyOf(with).size() != with.size()) {
        throw new IllegalArgumentException("with names an agency twice");
      }
      if (with.contains(cohort.agency())) {
        throw new IllegalArgumentException("with must not name the cohort agency");
      }
      if (rows.isPresent()
          && !rows.get().agency().equals(cohort.agency())
          && !with.contains(rows.get().agency())) {
        throw new IllegalArgumentException(
            "rows.agency must be the cohort agency or one of the with agencies");
      }
    }

    @Override
    public List<String> agencies() {
      List<String> out = new ArrayList<>(with.size() + 1);
      out.add(cohort.agency());
      out.addAll(with);
      return List.copyOf(out);
    }
  }

  /**
   * Cohort persons with a {@code from} date, by whether a linked {@code to} date follows within
   * each number of days (cumulative columns).
   *
   * @param cohort the cohort
   * @param from the dated attribute the window starts from, of the cohort agency
   * @param to the dated attribute of the event counted
   * @param days the window lengths, strictly increasing, each 0 to {@value #MAX_DAYS}
   * @param rows a breakdown by an attribute of the cohort agency or of the {@code to} agency
   */
  record Window(
      Cohort cohort,
      AttributeRef from,
      AttributeRef to,
      List<Integer> days,
      Optional<AttributeRef> rows)
      implements OverlapQuestion {
    /** Checks the agencies and the windows. */
    public Window {
      days = List.copyOf(days);
      if (!from.agency().equals(cohort.agency())) {
        throw new IllegalArgumentException("from.agency must be the cohort agency");
      }
      if (days.isEmpty() || days.size() > MAX_WINDOWS) {
        throw new IllegalArgumentException(
            "days has " + days.size() + " entries, expected 1 to " + MAX_WINDOWS);
      }
      for (int i = 0; i < days.size(); i++) {
        int d = days.get(i);
        if (d < 0 || d > MAX_DAYS) {
          throw new IllegalArgumentException(
              "days[" + i + "] is " + d + ", expected 0 to " + MAX_DAYS);
        }
        if (i > 0 && d <= days.get(i - 1)) {
          throw new IllegalArgumentException("days[" + i + "] is not above days[" + (i - 1) + "]");
        }
      }
      if (rows.isPresent()
          && !rows.get().agency().equals(cohort.agency())
          && !rows.get().agency().equals(to.agency())) {
        throw new IllegalArgumentException(
            "rows.agency must be the cohort agency or the to agency");
      }
    }

    @Override
    public List<String> agencies() {
      return to.agency().equals(cohort.agency())
          ? List.of(cohort.agency())
          : List.of(cohort.agency(), to.agency());
    }
  }

  /**
   * Reads a question from its JSON form. The kind follows from the fields: {@code with} makes an
   * overlap question, {@code from}, {@code to} and {@code days} a window question.
   *
   * @throws IllegalArgumentException with a one-line message naming the offending field
   */
  static OverlapQuestion parse(JsonNode json) {
    if (json == null || !json.isObject()) {
      throw new IllegalArgumentException("a question must be a JSON object");
    }
    boolean overlap = json.has("with");
    boolean window = json.has("from") || json.has("to") || json.has("days");
    if (overlap == window) {
      throw new IllegalArgumentException(
          overlap
              ? "a question has either with (overlap) or from, to and days (window), not both"
              : "a question needs with (overlap) or from, to and days (window)");
    }
    Cohort cohort = cohort(required(json, "cohort"));
    Optional<AttributeRef> rows =
        json.has("rows") ? Optional.of(attributeRef(json.get("rows"), "rows")) : Optional.empty();
    if (overlap) {
      allowOnly(json, "", "cohort", "with", "rows", "columns");
      List<String> with = new ArrayList<>();
      JsonNode w = json.get("with");
      if (!w.isArray()) {
        throw new IllegalArgumentException("with must be an array of agency ids");
      }
      for (int i = 0; i < w.size(); i++) {
        with.add(text(w.get(i), "with[" + i + "]"));
      }
      Columns columns = Columns.COMBINATIONS;
      if (json.has("columns")) {
        String c = text(json.get("columns"), "columns");
        if (c.equals("combinations")) {
          columns = Columns.COMBINATIONS;
        } else if (c.equals("count")) {
          columns = Columns.COUNT;
        } else {
          throw new IllegalArgumentException("columns must be \"combinations\" or \"count\"");
        }
      }
      return new Overlap(cohort, with, rows, columns);
    }
    allowOnly(json, "", "cohort", "from", "to", "days", "rows");
    AttributeRef from = attributeRef(required(json, "from"), "from");
    AttributeRef to = attributeRef(required(json, "to"), "to");
    JsonNode d = required(json, "days");
    if (!d.isArray()) {
      throw new IllegalArgumentException("days must be an array of whole numbers");
    }
    List<Integer> days = new ArrayList<>();
    for (int i = 0; i < d.size(); i++) {
      JsonNode n = d.get(i);
      if (!n.isIntegralNumber() || !n.canConvertToInt()) {
        throw new IllegalArgumentException("days[" + i + "] must be a whole number");
      }
      days.add(n.intValue());
    }
    return new Window(cohort, from, to, days, rows);
  }

  private static Cohort cohort(JsonNode json) {
    if (!json.isObject()) {
      throw new IllegalArgumentException("cohort must be an object");
    }
    allowOnly(json, "cohort.", "agency", "where");
    String agency = text(required(json, "agency", "cohort."), "cohort.agency");
    Map<String, List<String>> where = new LinkedHashMap<>();
    if (json.has("where")) {
      JsonNode w = json.get("where");
      if (!w.isObject()) {
        throw new IllegalArgumentException("cohort.where must be an object");
      }
      Iterator<Map.Entry<String, JsonNode>> fields = w.fields();
      while (fields.hasNext()) {
        Map.Entry<String, JsonNode> f = fields.next();
        String field = "cohort.where." + f.getKey();
        requireName(f.getKey(), "cohort.where attribute name");
        JsonNode values = f.getValue();
        if (!values.isArray() || values.isEmpty()) {
          throw new IllegalArgumentException(field + " must be a non-empty array of strings");
        }
        List<String> allowed = new ArrayList<>();
        for (int i = 0; i < values.size(); i++) {
          allowed.add(text(values.get(i), field + "[" + i + "]"));
        }
        where.put(f.getKey(), allowed);
      }
    }
    return new Cohort(agency, where);
  }

  private static AttributeRef attributeRef(JsonNode json, String field) {
    if (!json.isObject()) {
      throw new IllegalArgumentException(field + " must be an object with agency and attribute");
    }
    allowOnly(json, field + ".", "agency", "attribute");
    return new AttributeRef(
        text(required(json, "agency", field + "."), field + ".agency"),
        text(required(json, "attribute", field + "."), field + ".attribute"));
  }

  private static JsonNode required(JsonNode json, String name) {
    return required(json, name, "");
  }

  private static JsonNode required(JsonNode json, String name, String prefix) {
    JsonNode n = json.get(name);
    if (n == null || n.isNull()) {
      throw new IllegalArgumentException(prefix + name + " is missing");
    }
    return n;
  }

  private static String text(JsonNode n, String field) {
    if (!n.isTextual()) {
      throw new IllegalArgumentException(field + " must be a string");
    }
    if (n.textValue().isEmpty()) {
      throw new IllegalArgumentException(field + " is empty");
    }
    return n.textValue();
  }

  private static void allowOnly(JsonNode json, String prefix, String... names) {
    List<String> allowed = List.of(names);
    Iterator<String> it = json.fieldNames();
    while (it.hasNext()) {
      String name = it.next();
      if (!allowed.contains(name)) {
        throw new IllegalArgumentException(
            "unknown field " + prefix + name + ", expected one of " + allowed);
      }
    }
  }

  private static void requireName(String name, String field) {
    if (name == null || name.isEmpty()) {
      throw new IllegalArgumentException(field + " is empty");
    }
  }
}
