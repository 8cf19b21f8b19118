package org.pprl.core.query;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.pprl.core.query.OverlapQuestion.AttributeRef;
import org.pprl.core.query.OverlapQuestion.Overlap;
import org.pprl.core.query.OverlapQuestion.Window;

/**
 * The question shapes a project allows its analysts: which attributes they may break down or filter
 * by, each with its declared categories; which dated attributes windows may run between, and the
 * window lengths; and the smallest cohort a question may count.
 *
 * <p>Why declared shapes. A question language that lets a record's own value become a row label or
 * a filter value lets an analyst isolate one person (a breakdown by discharge date publishes every
 * date; a filter on one date isolates its persons). Under a policy no record value is ever shown or
 * matched on its own: rows are the declared categories of an attribute (plus the fixed labels
 * {@code (other)}, {@code (missing)} and {@code (no record)}), a filter may only name declared
 * categories, and a dated attribute is only used through the declared windows. The layout of a
 * table therefore never depends on the data.
 */
public record QuestionPolicy(
    Map<String, List<String>> categories, Set<String> dates, List<Integer> windows, int minCohort) {

  /** The windows the reporting law names, in days. */
  public static final List<Integer> LAW_WINDOWS = List.of(30, 60, 90, 180, 365);

  /** The default smallest cohort a question may count. */
  public static final int DEFAULT_MIN_COHORT = 10;

  /** The minimum cohort of a project that declares none: the default, or its min cell size. */
  public static int defaultMinCohort(int minCellSize) {
    return Math.max(minCellSize, DEFAULT_MIN_COHORT);
  }

  /** Most categories one attribute may declare. */
  public static final int MAX_CATEGORIES = 64;

  /** The row label of persons whose value is none of the attribute's declared categories. */
  public static final String OTHER_ROW = "(other)";

  /**
   * A question outside the policy.
   *
   * @param part where in the question, as a JSON path ({@code cohort.where.gender[1]}, {@code
   *     days[0]}, {@code rows.attribute})
   */
  public static final class Violation extends IllegalArgumentException {
    private static final long serialVersionUID = 1L;
    private final String part;

    Violation(String part, String message) {
      super(part + ": " + message);
      this.part = part;
    }

    /** Where in the question the violation is. */
    public String part() {
      return part;
    }
  }

  /** Copies and checks the declaration. */
  public QuestionPolicy {
    Map<String, List<String>> copy = new LinkedHashMap<>();
    categories.forEach(
        (attribute, values) -> {
          requireName(attribute, "categories attribute");
          if (values.isEmpty() || values.size() > MAX_CATEGORIES) {
            throw new IllegalArgumentException(
                "categories."
                    + attribute
                    + " has "
                    + values.size()
                    + " categories, expected 1 to "
                    + MAX_CATEGORIES);
          }
          if (new LinkedHashSet<>(values).size() != values.size()) {
            throw new IllegalArgumentException(
                "categories." + attribute + " names a category twice");
          }
          for (String v : values) {
            requireName(v, "categories." + attribute + " category");
            if (v.startsWith("(")) {
              throw new IllegalArgumentException(
                  "categories." + attribute + ": a category must not start with '('");
            }
          }
          copy.put(attribute, List.copyOf(values));
        });
    categories = Collections.unmodifiableMap(copy);
    dates = Collections.unmodifiableSet(new TreeSet<>(dates));
    for (String d : dates) {
      requireName(d, "dates attribute");
      if (categories.containsKey(d)) {
        throw new IllegalArgumentException(
            "attribute " + d + " is declared both as categories and as a date");
      }
    }
    windows = List.copyOf(windows);
    if (windows.isEmpty() || windows.size() > OverlapQuestion.MAX_WINDOWS) {
      throw new IllegalArgumentException(
          "windows has "
              + windows.size()
              + " entries, expected 1 to "
              + OverlapQuestion.MAX_WINDOWS);
    }
    for (int i = 0; i < windows.size(); i++) {
      int d = windows.get(i);
      if (d < 0 || d > OverlapQuestion.MAX_DAYS || (i > 0 && d <= windows.get(i - 1))) {
        throw new IllegalArgumentException(
            "windows must be strictly increasing whole numbers of days from 0 to "
                + OverlapQuestion.MAX_DAYS);
      }
    }
    if (minCohort < 1) {
      throw new IllegalArgumentException("minCohort is " + minCohort + ", expected at least 1");
    }
  }

  /** The attributes this policy names, categorical and dated. */
  public Set<String> attributes() {
    Set<String> all = new TreeSet<>(categories.keySet());
    all.addAll(dates);
    return all;
  }

  /**
   * Reads a policy from its JSON form: {@code {"categories": {"gender": ["man", ...], ...},
   * "dates": ["foster_discharge_date", ...], "windows": [30, 60, 90, 180, 365], "minCohort": 10}};
   * {@code windows} defaults to {@link #LAW_WINDOWS} and {@code minCohort} to {@code
   * defaultMinCohort}.
   *
   * @throws IllegalArgumentException naming the field at fault
   */
  public static QuestionPolicy parse(JsonNode json, int defaultMinCohort) {
    if (json == null || !json.isObject()) {
      throw new IllegalArgumentException("questions must be an object");
    }
    Iterator<String> names = json.fieldNames();
    List<String> known = List.of("categories", "dates", "windows", "minCohort");
    while (names.hasNext()) {
      String n = names.next();
      if (!known.contains(n)) {
        throw new IllegalArgumentException(
            "unknown field questions." + n + ", expected one of " + known);
      }
    }
    Map<String, List<String>> categories = new LinkedHashMap<>();
    JsonNode c = json.path("categories");
    if (!c.isMissingNode()) {
      if (!c.isObject()) {
        throw new IllegalArgumentException("questions.categories must be an object");
      }
      Iterator<Map.Entry<String, JsonNode>> it = c.fields();
      while (it.hasNext()) {
        Map.Entry<String, JsonNode> e = it.next();
        categories.put(e.getKey(), strings(e.getValue(), "questions.categories." + e.getKey()));
      }
    }
    Set<String> dates = new TreeSet<>();
    if (json.has("dates")) {
      dates.addAll(strings(json.get("dates"), "questions.dates"));
    }
    List<Integer> windows = LAW_WINDOWS;
    if (json.has("windows")) {
      JsonNode w = json.get("windows");
      if (!w.isArray()) {
        throw new IllegalArgumentException("questions.windows must be an array of whole numbers");
      }
      windows = new ArrayList<>();
      for (int i = 0; i < w.size(); i++) {
        if (!w.get(i).isIntegralNumber() || !w.get(i).canConvertToInt()) {
          throw new IllegalArgumentException("questions.windows[" + i + "] must be a whole number");
        }
        windows.add(w.get(i).intValue());
      }
    }
    int minCohort = defaultMinCohort;
    if (json.has("minCohort")) {
      JsonNode m = json.get("minCohort");
      if (!m.isIntegralNumber() || !m.canConvertToInt()) {
        throw new IllegalArgumentException("questions.minCohort must be a whole number");
      }
      minCohort = m.intValue();
    }
    return new QuestionPolicy(categories, dates, windows, minCohort);
  }

  /** The JSON form {@link #parse} reads. */
  public Map<String, Object> toJson() {
    Map<String, Object> json = new LinkedHashMap<>();
    json.put("categories", categories);
    json.put("dates", dates);
    json.put("windows", windows);
    json.put("minCohort", minCohort);
    return json;
  }

  /**
   * Checks that a question has an allowed shape: every filter and breakdown attribute is declared
   * with categories and every filter value is one of them; a window runs between declared dated
   * attributes over declared window lengths.
   *
   * @throws Violation naming the first part of the question that is outside the policy
   */
  public void check(OverlapQuestion question) {
    question
        .cohort()
        .where()
        .forEach(
            (attribute, values) -> {
              String part = "cohort.where." + attribute;
              List<String> declared = categoriesOf(attribute, part);
              for (int i = 0; i < values.size(); i++) {
                if (!declared.contains(values.get(i))) {
                  throw new Violation(
                      part + "[" + i + "]", "not a declared category of " + attribute);
                }
              }
            });
    if (question.rows().isPresent()) {
      categoriesOf(question.rows().get().attribute(), "rows.attribute");
    }
    if (question instanceof Window w) {
      requireDate(w.from(), "from.attribute");
      requireDate(w.to(), "to.attribute");
      for (int i = 0; i < w.days().size(); i++) {
        if (!windows.contains(w.days().get(i))) {
          throw new Violation(
              "days[" + i + "]", "not a declared window, expected one of " + windows);
        }
      }
    } else {
      assert question instanceof Overlap;
    }
  }

  /** The declared categories of a breakdown or filter attribute. */
  List<String> categoriesOf(String attribute, String part) {
    List<String> declared = categories.get(attribute);
    if (declared == null) {
      throw new Violation(
          part,
          dates.contains(attribute)
              ? attribute + " is a date; dates are only used through windows"
              : attribute + " is not declared for breakdowns or filters");
    }
    return declared;
  }

  private void requireDate(AttributeRef ref, String part) {
    if (!dates.contains(ref.attribute())) {
      throw new Violation(part, ref.attribute() + " is not a declared dated attribute");
    }
  }

  private static List<String> strings(JsonNode json, String field) {
    if (!json.isArray()) {
      throw new IllegalArgumentException(field + " must be an array of strings");
    }
    List<String> out = new ArrayList<>();
    for (int i = 0; i < json.size(); i++) {
      if (!json.get(i).isTextual()) {
        throw new IllegalArgumentException(field + "[" + i + "] must be a string");
      }
      out.add(json.get(i).textValue());
    }
    return out;
  }

  private static void requireName(String name, String field) {
    if (name == null || name.isEmpty()) {
      throw new IllegalArgumentException(field + " is empty");
    }
  }
}
