package org.pprl.core.block;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * The definition of one keyed blocking key: its name and the (column, code) parts whose codes are
 * combined, e.g. {@code soundex(family) + year(dob)}.
 *
 * <p>JSON form, read by {@link #parse} and written by {@link #toMap}:
 *
 * <pre>{@code
 * {"name": "family_sdx_yob",
 *  "parts": [{"column": "family", "code": "soundex"},
 *            {"column": "dob", "code": "year"}]}
 * }</pre>
 *
 * A prefix is {@code {"column": "given", "code": "prefix(3)"}} or, equivalently, {@code {"column":
 * "given", "code": "prefix", "n": 3}}. Codes are listed in {@link BlockingKeys#CODES}.
 *
 * @param name the key's name: 1 to 64 of {@code A-Z a-z 0-9 _ . -}; it labels the derived secret,
 *     so two keys with the same parts but different names give unrelated values
 * @param parts 1 to {@value #MAX_PARTS} parts, in order
 */
public record BlockingKeySpec(String name, List<Part> parts) {
  /** Most parts one key may combine. */
  public static final int MAX_PARTS = 8;

  /**
   * One part of a blocking key: the column whose normalised value is coded, and the code.
   *
   * @param column the column (feature) name
   * @param code a code from {@link BlockingKeys#CODES}, in canonical form ({@code prefix(3)})
   */
  public record Part(String column, String code) {
    /** Checks the code name. */
    public Part {
      Objects.requireNonNull(column, "column");
      Objects.requireNonNull(code, "code");
      if (column.isEmpty()) {
        throw new IllegalArgumentException("blocking key part: column name is empty");
      }
      Codes.parse(code);
    }
  }

  /** Checks the name and parts and copies the list. */
  public BlockingKeySpec {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(parts, "parts");
    if (!isValidName(name)) {
      throw new IllegalArgumentException(
          "blocking key name '"
              + name
              + "' must be 1 to 64 characters of A-Z, a-z, 0-9, '_', '.', '-'");
    }
    if (parts.isEmpty() || parts.size() > MAX_PARTS) {
      throw new IllegalArgumentException(
          "blocking key '" + name + "' has " + parts.size() + " parts, expected 1 to " + MAX_PARTS);
    }
    parts = List.copyOf(parts);
  }

  private static boolean isValidName(String name) {
    if (name.isEmpty() || name.length() > 64) {
      return false;
    }
    for (int i = 0; i < name.length(); i++) {
      char c = name.charAt(i);
      boolean ok =
          (c >= 'a' && c <= 'z')
              || (c >= 'A' && c <= 'Z')
              || (c >= '0' && c <= '9')
              || c == '_'
              || c == '.'
              || c == '-';
      if (!ok) {
        return false;
      }
    }
    return true;
  }

  /** Convenience: a spec from a name and alternating column, code strings. */
  public static BlockingKeySpec of(String name, String... columnCodePairs) {
    if (columnCodePairs.length % 2 != 0) {
      throw new IllegalArgumentException(
          "expected column, code pairs; got " + columnCodePairs.length + " strings");
    }
    List<Part> parts = new ArrayList<>();
    for (int i = 0; i < columnCodePairs.length; i += 2) {
      parts.add(new Part(columnCodePairs[i], columnCodePairs[i + 1]));
    }
    return new BlockingKeySpec(name, parts);
  }

  /**
   * Reads a spec from its JSON form (as parsed into maps, lists, strings and numbers).
   *
   * @throws IllegalArgumentException naming the key, the part index and what is wrong
   */
  public static BlockingKeySpec parse(Map<String, ?> map) {
    Objects.requireNonNull(map, "blocking key spec");
    checkKeys(map, List.of("name", "parts"), "blocking key spec");
    Object name = map.get("name");
    if (!(name instanceof String)) {
      throw new IllegalArgumentException(
          "blocking key spec: 'name' must be a string; was " + describe(name));
    }
    Object parts = map.get("parts");
    if (!(parts instanceof List)) {
      throw new IllegalArgumentException(
          "blocking key '" + name + "': 'parts' must be a list; was " + describe(parts));
    }
    List<Part> out = new ArrayList<>();
    List<?> list = (List<?>) parts;
    for (int i = 0; i < list.size(); i++) {
      String where = "blocking key '" + name + "' part " + i;
      if (!(list.get(i) instanceof Map)) {
        throw new IllegalArgumentException(where + " must be a map; was " + describe(list.get(i)));
      }
      Map<?, ?> part = (Map<?, ?>) list.get(i);
      checkKeys(part, List.of("column", "code", "n"), where);
      Object column = part.get("column");
      Object code = part.get("code");
      if (!(column instanceof String) || !(code instanceof String)) {
        throw new IllegalArgumentException(where + " needs string 'column' and 'code'");
      }
      Object n = part.get("n");
      String canonical = (String) code;
      if (n != null) {
        if (!"prefix".equals(code) || !(n instanceof Integer || n instanceof Long)) {
          throw new IllegalArgumentException(
              where + ": 'n' is an integer and only goes with code 'prefix'");
        }
        canonical = "prefix(" + n + ")";
      } else if ("prefix".equals(code)) {
        throw new IllegalArgumentException(where + ": code 'prefix' needs 'n'");
      }
      try {
        out.add(new Part((String) column, canonical));
      } catch (IllegalArgumentException e) {
        throw new IllegalArgumentException(where + ": " + e.getMessage(), e);
      }
    }
    return new BlockingKeySpec((String) name, out);
  }

  /** The JSON form (insertion-ordered maps), which {@link #parse} reads back to an equal spec. */
  public Map<String, Object> toMap() {
    List<Object> list = new ArrayList<>();
    for (Part p : parts) {
      Map<String, Object> m = new LinkedHashMap<>();
      m.put("column", p.column());
      m.put("code", p.code());
      list.add(m);
    }
    Map<String, Object> map = new LinkedHashMap<>();
    map.put("name", name);
    map.put("parts", list);
    return map;
  }

  private static void checkKeys(Map<?, ?> map, List<String> known, String where) {
    for (Object key : map.keySet()) {
      if (!known.contains(key)) {
        throw new IllegalArgumentException(
            where + ": unknown field '" + key + "'; known: " + String.join(", ", known));
      }
    }
  }

  private static String describe(Object v) {
    if (v == null) {
      return "absent";
    }
    String type = v.getClass().getSimpleName();
    return ("AEIOU".indexOf(type.charAt(0)) >= 0 ? "an " : "a ") + type;
  }
}
