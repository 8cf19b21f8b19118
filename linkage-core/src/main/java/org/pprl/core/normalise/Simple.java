package org.pprl.core.normalise;

import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/** The small normalisers: {@code digits}, {@code upper}, {@code lower}, {@code missing}, chains. */
final class Simple {
  private Simple() {}

  /** {@code digits}: keeps decimal digits only (any script, written as ASCII 0-9). */
  static final Normaliser DIGITS =
      value -> {
        if (value == null) {
          return "";
        }
        StringBuilder out = new StringBuilder(value.length());
        for (int i = 0; i < value.length(); ) {
          int cp = value.codePointAt(i);
          i += Character.charCount(cp);
          if (cp >= '0' && cp <= '9') {
            out.append((char) cp);
          } else if (cp >= 0x80 && Character.isDigit(cp)) {
            out.append((char) ('0' + Character.digit(cp, 10)));
          }
        }
        return out.toString();
      };

  /** {@code upper}: upper case in {@link Locale#ROOT}. */
  static final Normaliser UPPER = value -> value == null ? "" : value.toUpperCase(Locale.ROOT);

  /** {@code lower}: lower case in {@link Locale#ROOT}. */
  static final Normaliser LOWER = value -> value == null ? "" : value.toLowerCase(Locale.ROOT);

  /** Sentinels the {@code missing} normaliser uses when its {@code values} param is absent. */
  static final List<String> DEFAULT_SENTINELS =
      List.of("n/a", "null", "none", "unknown", "not known", "not stated", "-", "?");

  /**
   * {@code missing}: maps a blank value, or one that folds to a sentinel ("N/A", " Unknown "), to
   * missing, and passes every other value through unchanged. Cost: a strip and a length test; a
   * fold and a hash look-up only for values no longer than the longest sentinel.
   */
  static Normaliser missing(List<String> sentinels) {
    Set<String> folded = new HashSet<>();
    int longest = 0;
    for (String s : sentinels) {
      String f = Fold.INSTANCE.apply(s);
      folded.add(f);
      longest = Math.max(longest, s.strip().length());
    }
    Set<String> set = Set.copyOf(folded);
    int max = longest;
    return value -> {
      if (value == null) {
        return "";
      }
      String s = value.strip();
      if (s.isEmpty() || (s.length() <= max && set.contains(Fold.INSTANCE.apply(s)))) {
        return "";
      }
      return value;
    };
  }

  /** A chain: each step in order; stops at the first step that returns missing. */
  static Normaliser chain(Normaliser[] steps) {
    return value -> {
      String v = value == null ? "" : value;
      for (Normaliser step : steps) {
        if (v.isEmpty()) {
          return "";
        }
        v = step.apply(v);
      }
      return v;
    };
  }
}
