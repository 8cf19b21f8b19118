package org.pprl.core.schema;

import java.time.DateTimeException;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A date format in Python's {@code strptime} syntax, matched as CPython's {@code _strptime} does.
 *
 * <p>CPython turns the format into a regular expression: runs of whitespace become {@code \s+},
 * regex metacharacters are escaped, each directive becomes a group (for example {@code %m} is
 * {@code 1[0-2]|0[1-9]|[1-9]}, so one-digit months match), and the whole is matched
 * case-insensitively from the start; text left over is an error. The date must then exist ({@code
 * datetime} rejects 2017-02-29 and year 0). The missing parts default to 1900-01-01.
 *
 * <p>Supported directives: {@code %Y %y %m %d %j %b %B %a %A %H %I %M %S %f %p %%} with the C
 * locale's English names. Others (week numbers, time zones, {@code %c %x %X}) are rejected when the
 * schema is read.
 */
final class Strptime {
  private static final String[] MONTHS = {
    "january",
    "february",
    "march",
    "april",
    "may",
    "june",
    "july",
    "august",
    "september",
    "october",
    "november",
    "december"
  };
  private static final String[] DAYS = {
    "monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"
  };

  private final String format;
  private final Pattern pattern;
  private final List<Character> groups;

  private Strptime(String format, Pattern pattern, List<Character> groups) {
    this.format = format;
    this.pattern = pattern;
    this.groups = groups;
  }

  /**
   * Compiles a format.
   *
   * @throws IllegalArgumentException naming the unsupported directive
   */
  static Strptime compile(String format) {
    StringBuilder re = new StringBuilder();
    List<Character> groups = new ArrayList<>();
    int i = 0;
    int n = format.length();
    while (i < n) {
      char c = format.charAt(i);
      if (c == '%') {
        if (i + 1 >= n) {
          throw new IllegalArgumentException("format ends with a lone '%'");
        }
        char d = format.charAt(i + 1);
        i += 2;
        String group = directive(d);
        if (group == null) {
          throw new IllegalArgumentException("directive %" + d + " is not supported");
        }
        if (d == '%') {
          re.append('%');
        } else {
          re.append('(').append(group).append(')');
          groups.add(d);
        }
      } else if (PyNumbers.isSpace(c)) {
        while (i < n && PyNumbers.isSpace(format.charAt(i))) {
          i++;
        }
        re.append("\\s+");
      } else {
        if ("\\.^$*+?(){}[]|".indexOf(c) >= 0) {
          re.append('\\');
        }
        re.append(c);
        i++;
      }
    }
    Pattern p =
        Pattern.compile(
            re.toString(),
            Pattern.CASE_INSENSITIVE | Pattern.UNICODE_CASE | Pattern.UNICODE_CHARACTER_CLASS);
    return new Strptime(format, p, groups);
  }

  private static String directive(char d) {
    switch (d) {
      case 'Y':
        return "\\d\\d\\d\\d";
      case 'y':
        return "\\d\\d";
      case 'm':
        return "1[0-2]|0[1-9]|[1-9]";
      case 'd':
        return "3[0-1]|[1-2]\\d|0[1-9]|[1-9]| [1-9]";
      case 'j':
        return "36[0-6]|3[0-5]\\d|[1-2]\\d\\d|0[1-9]\\d|00[1-9]|[1-9]\\d|0[1-9]|[1-9]";
      case 'H':
        return "2[0-3]|[0-1]\\d|\\d";
      case 'I':
        return "1[0-2]|0[1-9]|[1-9]";
      case 'M':
        return "[0-5]\\d|\\d";
      case 'S':
        return "6[0-1]|[0-5]\\d|\\d";
      case 'f':
        return "[0-9]{1,6}";
      case 'p':
        return "am|pm";
      case 'B':
        return names(MONTHS, false);
      case 'b':
        return names(MONTHS, true);
      case 'A':
        return names(DAYS, false);
      case 'a':
        return names(DAYS, true);
      case '%':
        return "%";
      default:
        return null;
    }
  }

  /** Alternatives, longest first as CPython orders them. */
  private static String names(String[] full, boolean abbreviated) {
    List<String> list = new ArrayList<>();
    for (String s : full) {
      list.add(abbreviated ? s.substring(0, 3) : s);
    }
    list.sort((a, b) -> b.length() - a.length());
    return String.join("|", list);
  }

  /** The format as written in the schema. */
  String format() {
    return format;
  }

  /** The date {@code s} denotes, or {@code null} where Python's {@code strptime} raises. */
  LocalDate parse(String s) {
    Matcher m = pattern.matcher(s);
    if (!m.lookingAt() || m.end() != s.length()) {
      return null;
    }
    int year = 1900;
    int month = 1;
    int day = 1;
    int julian = -1;
    for (int g = 0; g < groups.size(); g++) {
      String text = m.group(g + 1);
      switch (groups.get(g)) {
        case 'Y':
          year = number(text);
          break;
        case 'y':
          year = number(text);
          year += year <= 68 ? 2000 : 1900;
          break;
        case 'm':
          month = number(text);
          break;
        case 'd':
          day = number(text.trim());
          break;
        case 'j':
          julian = number(text);
          break;
        case 'B':
        case 'b':
          month = monthIndex(text) + 1;
          break;
        case 'S':
          if (number(text) > 59) {
            return null;
          }
          break;
        default:
          break;
      }
    }
    try {
      if (year < 1) {
        return null;
      }
      if (julian > 0) {
        LocalDate first = LocalDate.of(year, 1, 1);
        return first.plusDays(julian - 1L);
      }
      return LocalDate.of(year, month, day);
    } catch (DateTimeException e) {
      return null;
    }
  }

  private static int number(String digits) {
    int v = 0;
    for (int i = 0; i < digits.length(); i++) {
      v = v * 10 + Character.digit(digits.charAt(i), 10);
    }
    return v;
  }

  private static int monthIndex(String text) {
    String t = text.toLowerCase(Locale.ROOT);
    for (int i = 0; i < MONTHS.length; i++) {
      if (MONTHS[i].startsWith(t)) {
        return i;
      }
    }
    throw new AssertionError("regex admitted an unknown month name");
  }

  /** {@code date} as {@code strftime('%Y%m%d')} writes it on Linux (years below 1000 unpadded). */
  static String toYmd(LocalDate date) {
    StringBuilder b = new StringBuilder(8);
    b.append(date.getYear());
    int m = date.getMonthValue();
    int d = date.getDayOfMonth();
    b.append((char) ('0' + m / 10)).append((char) ('0' + m % 10));
    b.append((char) ('0' + d / 10)).append((char) ('0' + d % 10));
    return b.toString();
  }
}
