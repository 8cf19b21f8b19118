package org.pprl.core.schema;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.regex.Pattern;

/**
 * Python's {@code int(s, 10)} and {@code float(s)} on strings, which clkhash uses to validate
 * integers and to tokenize numbers.
 *
 * <p>Both strip Python whitespace, take an optional sign, accept any Unicode decimal digit and
 * single underscores between digits; {@code float} also takes a fraction, an exponent, {@code inf},
 * {@code infinity} and {@code nan} in any case. Java's parsers differ (no underscores, hex floats,
 * {@code d}/{@code f} suffixes), so the syntax is checked here first.
 */
final class PyNumbers {
  private PyNumbers() {}

  private static final Pattern FLOAT =
      Pattern.compile(
          "[+-]?(?:(?:\\d(?:_?\\d)*)?\\.\\d(?:_?\\d)*|\\d(?:_?\\d)*\\.?)(?:[eE][+-]?\\d(?:_?\\d)*)?");
  private static final Pattern SPECIAL = Pattern.compile("[+-]?(?:inf|infinity|nan)");

  /** Whether {@code cp} is whitespace to Python's {@code str.strip()}. */
  static boolean isSpace(int cp) {
    return Character.isWhitespace(cp)
        || Character.isSpaceChar(cp)
        || cp == 0x85
        || (cp >= 0x1c && cp <= 0x1f);
  }

  /** {@code s} without leading and trailing Python whitespace, with digits mapped to ASCII. */
  private static String normalise(String s) {
    int start = 0;
    int end = s.length();
    while (start < end && isSpace(s.codePointAt(start))) {
      start += Character.charCount(s.codePointAt(start));
    }
    while (end > start && isSpace(s.codePointBefore(end))) {
      end -= Character.charCount(s.codePointBefore(end));
    }
    StringBuilder b = null;
    for (int i = start; i < end; ) {
      int cp = s.codePointAt(i);
      int n = Character.charCount(cp);
      if (cp >= 0x80 && Character.getType(cp) == Character.DECIMAL_DIGIT_NUMBER) {
        if (b == null) {
          b = new StringBuilder(end - start).append(s, start, i);
        }
        b.append((char) ('0' + Character.digit(cp, 10)));
      } else if (b != null) {
        b.appendCodePoint(cp);
      }
      i += n;
    }
    return b != null ? b.toString() : s.substring(start, end);
  }

  /** Python's {@code int(s, 10)}, or {@code null} where Python raises {@code ValueError}. */
  static BigInteger parseInt(String s) {
    String t = normalise(s);
    int n = t.length();
    int i = 0;
    if (i < n && (t.charAt(i) == '+' || t.charAt(i) == '-')) {
      i++;
    }
    if (i >= n) {
      return null;
    }
    StringBuilder digits = null;
    boolean previousDigit = false;
    for (int j = i; j < n; j++) {
      char c = t.charAt(j);
      if (c >= '0' && c <= '9') {
        previousDigit = true;
      } else if (c == '_' && previousDigit && j + 1 < n) {
        previousDigit = false;
        if (digits == null) {
          digits = new StringBuilder(n).append(t, 0, j);
        }
        continue;
      } else {
        return null;
      }
      if (digits != null) {
        digits.append(c);
      }
    }
    if (!previousDigit) {
      return null;
    }
    String plain = digits != null ? digits.toString() : t;
    if (plain.length() <= 18) {
      return BigInteger.valueOf(Long.parseLong(plain));
    }
    return new BigInteger(plain);
  }

  /**
   * Python's {@code float(s)}: a double, which is infinite or NaN for those spellings; {@code null}
   * where Python raises {@code ValueError}.
   */
  static Double parseFloat(String s) {
    String t = normalise(s);
    if (FLOAT.matcher(t).matches()) {
      try {
        return Double.valueOf(t.replace("_", ""));
      } catch (NumberFormatException e) {
        // Unreachable for text the pattern admits; its message would quote the value, so drop it.
        return null;
      }
    }
    String lower = t.toLowerCase(java.util.Locale.ROOT);
    if (SPECIAL.matcher(lower).matches()) {
      boolean negative = lower.startsWith("-");
      if (lower.endsWith("nan")) {
        return Double.NaN;
      }
      return negative ? Double.NEGATIVE_INFINITY : Double.POSITIVE_INFINITY;
    }
    return null;
  }

  /** The double nearest to {@code 10^exponent}, as Python's {@code float(10 ** exponent)}. */
  static double powerOfTen(int exponent) {
    return BigDecimal.ONE.scaleByPowerOfTen(exponent).doubleValue();
  }

  /** Python's {@code int(round(x))} for a finite double: round half to even, exactly. */
  static BigInteger roundHalfEven(double x) {
    return new BigDecimal(Math.rint(x)).toBigIntegerExact();
  }

  /** Python's {@code int(x)} for a finite double: truncation toward zero, exactly. */
  static BigInteger truncate(double x) {
    return new BigDecimal(x).toBigInteger();
  }
}
