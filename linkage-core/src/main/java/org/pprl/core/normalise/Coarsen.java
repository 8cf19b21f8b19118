package org.pprl.core.normalise;

import java.util.List;
import java.util.Map;

/**
 * Normalisers that coarsen an attribute carried in clear, so that it narrows down who a record is
 * less: whole numbers into bands, ISO dates to their month or year, categories into groups. Clear
 * attributes are a disclosure too: the frequency attack aligns each stratum of them with its own
 * public counts (docs/attacks.md), and {@code pprl assess} reports how much they add.
 */
final class Coarsen {
  private Coarsen() {}

  /**
   * {@code band}: a whole number into the band between consecutive {@code edges} (ascending):
   * {@code <e0}, {@code e0-(e1-1)}, ..., {@code ek+}. Missing stays missing.
   */
  static Normaliser band(List<Long> edges) {
    if (edges.isEmpty()) {
      throw new IllegalArgumentException("normaliser 'band': param 'edges' must list at least one");
    }
    for (int i = 1; i < edges.size(); i++) {
      if (edges.get(i) <= edges.get(i - 1)) {
        throw new IllegalArgumentException(
            "normaliser 'band': param 'edges' must be strictly increasing; element "
                + i
                + " is not above element "
                + (i - 1));
      }
    }
    long[] e = edges.stream().mapToLong(Long::longValue).toArray();
    return value -> {
      String v = value == null ? "" : value.strip();
      if (v.isEmpty()) {
        return "";
      }
      long n;
      try {
        n = Long.parseLong(v);
      } catch (NumberFormatException x) {
        throw new NormaliseException(
            NormaliseException.Reason.NOT_A_NUMBER, "band", "value is not a whole number");
      }
      if (n < e[0]) {
        return "<" + e[0];
      }
      for (int i = 1; i < e.length; i++) {
        if (n < e[i]) {
          return e[i - 1] + "-" + (e[i] - 1);
        }
      }
      return e[e.length - 1] + "+";
    };
  }

  /**
   * {@code truncate}: an ISO date ({@code yyyy-MM-dd}, as {@code date} writes) to its month or
   * year.
   */
  static Normaliser truncate(String to) {
    int keep = to.equals("year") ? 4 : 7;
    return value -> {
      String v = value == null ? "" : value.strip();
      if (v.isEmpty()) {
        return "";
      }
      if (v.length() != 10 || v.charAt(4) != '-' || v.charAt(7) != '-') {
        throw new NormaliseException(
            NormaliseException.Reason.UNPARSEABLE_DATE,
            "truncate",
            "expects an ISO date yyyy-MM-dd (put it after 'date' in a chain)");
      }
      return v.substring(0, keep);
    };
  }

  /**
   * {@code group}: a category into its group ({@code groups}: group name to the values in it); a
   * value in no group becomes {@code other} (default {@code other}); missing stays missing.
   */
  static Normaliser group(Map<String, List<String>> groups, String other) {
    Map<String, String> groupOf = new java.util.HashMap<>();
    for (Map.Entry<String, List<String>> g : groups.entrySet()) {
      for (String v : g.getValue()) {
        if (groupOf.put(v, g.getKey()) != null) {
          throw new IllegalArgumentException(
              "normaliser 'group': a value is listed in two groups (in '" + g.getKey() + "')");
        }
      }
    }
    return value -> {
      String v = value == null ? "" : value.strip();
      return v.isEmpty() ? "" : groupOf.getOrDefault(v, other);
    };
  }
}
