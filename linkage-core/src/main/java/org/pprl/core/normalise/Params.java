package org.pprl.core.normalise;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeSet;

/** Reads a normaliser's JSON-style params, refusing unknown keys and values of the wrong shape. */
final class Params {
  private final String normaliser;
  private final Map<String, ?> map;

  Params(String normaliser, Map<String, ?> map, String... known) {
    this.normaliser = normaliser;
    this.map = map == null ? Map.of() : map;
    List<String> knownList = Arrays.asList(known);
    for (String key : this.map.keySet()) {
      if (!knownList.contains(key)) {
        throw new IllegalArgumentException(
            "normaliser '"
                + normaliser
                + "': unknown param '"
                + key
                + "'; known: "
                + (known.length == 0 ? "none" : String.join(", ", new TreeSet<>(knownList))));
      }
    }
  }

  /**
   * A string param that must be one of {@code allowed} (case-insensitive); returns it lower-cased.
   */
  String choice(String key, String dflt, String... allowed) {
    Object v = map.get(key);
    if (v == null) {
      return dflt;
    }
    String s = v instanceof String ? ((String) v).toLowerCase(Locale.ROOT) : null;
    if (s == null || !Arrays.asList(allowed).contains(s)) {
      throw wrongShape("param '" + key + "'", "one of " + String.join(", ", allowed), v);
    }
    return s;
  }

  /** A list-of-strings param. */
  List<String> strings(String key, List<String> dflt) {
    if (map.get(key) == null) {
      return dflt;
    }
    return elements(key, String.class, "a string");
  }

  /** A required list of whole numbers. */
  List<Long> wholeNumbers(String key) {
    List<Long> out = new ArrayList<>();
    for (Number n : elements(key, Number.class, "a whole number")) {
      if (!(n instanceof Integer || n instanceof Long)) {
        throw elementError(key, out.size(), "a whole number", n);
      }
      out.add(n.longValue());
    }
    return out;
  }

  /** The elements of a required list param, each of {@code type}. */
  private <T> List<T> elements(String key, Class<T> type, String what) {
    List<?> list = list(key);
    List<T> out = new ArrayList<>(list.size());
    for (int i = 0; i < list.size(); i++) {
      Object e = list.get(i);
      if (!type.isInstance(e)) {
        throw elementError(key, i, what, e);
      }
      out.add(type.cast(e));
    }
    return out;
  }

  private IllegalArgumentException elementError(String key, int i, String what, Object e) {
    return wrongShape("param '" + key + "' element " + i, what, e);
  }

  /** The error for {@code subject} (a param, or one of its elements) not being {@code what}. */
  private IllegalArgumentException wrongShape(String subject, String what, Object v) {
    return new IllegalArgumentException(
        "normaliser '"
            + normaliser
            + "': "
            + subject
            + " must be "
            + what
            + "; was "
            + describe(v));
  }

  /** A string param. */
  String string(String key, String dflt) {
    Object v = map.get(key);
    if (v == null) {
      return dflt;
    }
    if (!(v instanceof String)) {
      throw wrongShape("param '" + key + "'", "a string", v);
    }
    return (String) v;
  }

  /** A required object of group name to a list of strings. */
  Map<String, List<String>> groups(String key) {
    Object v = map.get(key);
    if (!(v instanceof Map)) {
      throw wrongShape("param '" + key + "'", "an object of group: [values]", v);
    }
    Map<String, List<String>> out = new java.util.LinkedHashMap<>();
    for (Map.Entry<?, ?> e : ((Map<?, ?>) v).entrySet()) {
      String group = String.valueOf(e.getKey());
      Params inner =
          new Params(normaliser, Map.of(key + "." + group, e.getValue()), key + "." + group);
      out.put(group, inner.strings(key + "." + group, List.of()));
    }
    return out;
  }

  /** A list param (required). */
  List<?> list(String key) {
    Object v = map.get(key);
    if (!(v instanceof List)) {
      throw wrongShape("param '" + key + "'", "a list", v);
    }
    return (List<?>) v;
  }

  static String describe(Object v) {
    if (v == null) {
      return "absent";
    }
    if (v instanceof String) {
      return "'" + v + "'";
    }
    String type = v.getClass().getSimpleName();
    return ("AEIOU".indexOf(type.charAt(0)) >= 0 ? "an " : "a ") + type;
  }
}
