package org.pprl.core.schema;

import java.math.BigInteger;
import java.time.LocalDate;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * The expected shape of a feature's values: clkhash's field specs ({@code
 * clkhash/field_formats.py}) without the hashing part.
 *
 * <p>{@link #check} returns {@code null} for a valid value, else a reason that describes the shape
 * and never contains the value (privacy rule: values must not reach messages or logs). {@link
 * #format} gives the string that is tokenized; it is only called on values that passed {@link
 * #check}.
 */
abstract class ValueFormat {
  /** Why {@code value} is invalid, or {@code null}. */
  abstract String check(String value);

  /** The string to tokenize for a valid {@code value}. */
  String format(String value) {
    return value;
  }

  /** {@code type: string} without a pattern: length in code points, case. */
  static final class TextFormat extends ValueFormat {
    final Integer minLength;
    final Integer maxLength;
    final String textCase;

    TextFormat(Integer minLength, Integer maxLength, String textCase) {
      this.minLength = minLength;
      this.maxLength = maxLength;
      this.textCase = textCase;
    }

    @Override
    String check(String value) {
      if (minLength != null || maxLength != null) {
        int len = value.codePointCount(0, value.length());
        if (minLength != null && len < minLength) {
          return "length " + len + " is below minLength " + minLength;
        }
        if (maxLength != null && len > maxLength) {
          return "length " + len + " is above maxLength " + maxLength;
        }
      }
      if ("upper".equals(textCase) && !value.toUpperCase(Locale.ROOT).equals(value)) {
        return "not upper case";
      }
      if ("lower".equals(textCase) && !value.toLowerCase(Locale.ROOT).equals(value)) {
        return "not lower case";
      }
      return null;
    }
  }

  /** {@code type: string} with a pattern, which must match the whole value. */
  static final class PatternFormat extends ValueFormat {
    final Pattern pattern;

    PatternFormat(Pattern pattern) {
      this.pattern = pattern;
    }

    @Override
    String check(String value) {
      return pattern.matcher(value).matches() ? null : "does not match the pattern";
    }
  }

  /**
   * {@code type: integer}: Python's {@code int(value, 10)} must accept it (signs, surrounding
   * whitespace, underscores between digits and leading zeros are fine) and it must lie in range; it
   * is hashed in canonical form ({@code " +0042"} as {@code 42}).
   */
  static final class IntegerFormat extends ValueFormat {
    final BigInteger minimum;
    final BigInteger maximum;

    IntegerFormat(BigInteger minimum, BigInteger maximum) {
      this.minimum = minimum;
      this.maximum = maximum;
    }

    @Override
    String check(String value) {
      BigInteger v;
      if (isPlainDigits(value)) {
        if (minimum == null && maximum == null) {
          return null;
        }
        v = BigInteger.valueOf(Long.parseLong(value));
      } else {
        v = PyNumbers.parseInt(value);
        if (v == null) {
          return "not an integer";
        }
      }
      if (minimum != null && v.compareTo(minimum) < 0) {
        return "integer below minimum " + minimum;
      }
      if (maximum != null && v.compareTo(maximum) > 0) {
        return "integer above maximum " + maximum;
      }
      return null;
    }

    @Override
    String format(String value) {
      if (isPlainDigits(value) && (value.length() == 1 || value.charAt(0) != '0')) {
        return value;
      }
      return PyNumbers.parseInt(value).toString();
    }

    private static boolean isPlainDigits(String s) {
      int n = s.length();
      if (n == 0 || n > 18) {
        return false;
      }
      for (int i = 0; i < n; i++) {
        char c = s.charAt(i);
        if (c < '0' || c > '9') {
          return false;
        }
      }
      return true;
    }
  }

  /** {@code type: date}: parsed with a strptime format, hashed as {@code %Y%m%d}. */
  static final class DateFormat extends ValueFormat {
    final Strptime strptime;

    DateFormat(Strptime strptime) {
      this.strptime = strptime;
    }

    @Override
    String check(String value) {
      return strptime.parse(value) == null ? "not a valid date in the schema's format" : null;
    }

    @Override
    String format(String value) {
      LocalDate d = strptime.parse(value);
      assert d != null : "format() called on an unchecked value";
      return Strptime.toYmd(d);
    }
  }

  /** {@code type: enum}: one of the listed strings exactly. */
  static final class EnumFormat extends ValueFormat {
    final Set<String> values;

    EnumFormat(Set<String> values) {
      this.values = values;
    }

    @Override
    String check(String value) {
      return values.contains(value) ? null : "not one of the enum's " + values.size() + " values";
    }
  }
}
