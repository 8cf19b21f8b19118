package org.pprl.core.normalise;

import java.text.ParsePosition;
import java.time.LocalDate;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeFormatterBuilder;
import java.time.format.ResolverStyle;
import java.time.temporal.ChronoField;
import java.time.temporal.TemporalAccessor;
import java.util.List;
import java.util.Locale;

/**
 * The {@code date} normaliser: parses a date written in one of several patterns, tried in order,
 * and writes it as ISO {@code yyyy-MM-dd}.
 *
 * <p>Ambiguity ("03/04/2001" is 4 March in the US and 3 April elsewhere) is resolved by the order
 * of the patterns: the first that reads the whole value as a real calendar date wins, so list the
 * pattern your source uses first. Patterns use {@link DateTimeFormatter} letters; {@code y} is read
 * as the proleptic year ({@code u}) so that strict resolution needs no era, month names are English
 * and case-insensitive, and two-digit years are refused when the normaliser is built (a birth year
 * "45" has no safe century).
 *
 * <p>Cost: parsing uses {@link DateTimeFormatter#parseUnresolved}, which reports a mismatch through
 * the {@link ParsePosition} instead of an exception, and the calendar check is done by hand, so
 * trying several patterns costs no exception; formatters are built once.
 */
final class DateNormaliser implements Normaliser {
  static final String NAME = "date";

  private final DateTimeFormatter[] formats;

  DateNormaliser(List<String> patterns) {
    if (patterns.isEmpty()) {
      throw new IllegalArgumentException("normaliser 'date': param 'formats' is empty");
    }
    formats = new DateTimeFormatter[patterns.size()];
    for (int i = 0; i < formats.length; i++) {
      formats[i] = build(patterns.get(i));
    }
  }

  private static DateTimeFormatter build(String pattern) {
    StringBuilder strict = new StringBuilder(pattern.length());
    boolean quoted = false;
    int yearRun = 0;
    for (int i = 0; i < pattern.length(); i++) {
      char c = pattern.charAt(i);
      if (c == '\'') {
        quoted = !quoted;
      }
      boolean year = !quoted && (c == 'y' || c == 'u');
      if (year) {
        yearRun++;
      } else {
        checkYearRun(pattern, yearRun);
        yearRun = 0;
      }
      strict.append(year ? 'u' : c);
    }
    checkYearRun(pattern, yearRun);
    DateTimeFormatter formatter;
    try {
      formatter =
          new DateTimeFormatterBuilder()
              .parseCaseInsensitive()
              .appendPattern(strict.toString())
              .toFormatter(Locale.ENGLISH)
              .withResolverStyle(ResolverStyle.STRICT);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(
          "normaliser 'date': format '" + pattern + "' is not a valid pattern: " + e.getMessage(),
          e);
    }
    // The pattern must name a year, a month and a day: round-trip a sample date.
    LocalDate sample = LocalDate.of(2001, 11, 23);
    String text = formatter.format(sample);
    TemporalAccessor parsed = formatter.parseUnresolved(text, new ParsePosition(0));
    if (parsed == null || toEpochDay(parsed) != sample.toEpochDay()) {
      throw new IllegalArgumentException(
          "normaliser 'date': format '" + pattern + "' must contain a year, a month and a day");
    }
    return formatter;
  }

  private static void checkYearRun(String pattern, int run) {
    if (run > 0 && run < 4) {
      throw new IllegalArgumentException(
          "normaliser 'date': format '"
              + pattern
              + "' has a "
              + run
              + "-letter year; use yyyy (two-digit years have no safe century)");
    }
  }

  /** Epoch day of the parsed fields, or {@link Long#MIN_VALUE} when they name no date. */
  private static long toEpochDay(TemporalAccessor t) {
    if (!t.isSupported(ChronoField.YEAR)
        || !t.isSupported(ChronoField.MONTH_OF_YEAR)
        || !t.isSupported(ChronoField.DAY_OF_MONTH)) {
      return Long.MIN_VALUE;
    }
    long year = t.getLong(ChronoField.YEAR);
    long month = t.getLong(ChronoField.MONTH_OF_YEAR);
    long day = t.getLong(ChronoField.DAY_OF_MONTH);
    if (year < 1 || year > 9999 || month < 1 || month > 12 || day < 1 || day > 31) {
      return Long.MIN_VALUE;
    }
    if (day > lengthOfMonth((int) year, (int) month)) {
      return Long.MIN_VALUE;
    }
    return LocalDate.of((int) year, (int) month, (int) day).toEpochDay();
  }

  private static int lengthOfMonth(int year, int month) {
    switch (month) {
      case 2:
        boolean leap = (year & 3) == 0 && (year % 100 != 0 || year % 400 == 0);
        return leap ? 29 : 28;
      case 4:
      case 6:
      case 9:
      case 11:
        return 30;
      default:
        return 31;
    }
  }

  @Override
  public String apply(String value) {
    if (value == null) {
      return "";
    }
    String s = value.strip();
    if (s.isEmpty()) {
      return "";
    }
    boolean shapeMatched = false;
    boolean outOfRange = false;
    ParsePosition pos = new ParsePosition(0);
    for (DateTimeFormatter format : formats) {
      pos.setIndex(0);
      pos.setErrorIndex(-1);
      TemporalAccessor t = format.parseUnresolved(s, pos);
      if (t == null || pos.getErrorIndex() >= 0 || pos.getIndex() != s.length()) {
        continue;
      }
      shapeMatched = true;
      if (t.isSupported(ChronoField.YEAR)) {
        long year = t.getLong(ChronoField.YEAR);
        if (year < 1 || year > 9999) {
          outOfRange = true;
          continue;
        }
      }
      long epochDay = toEpochDay(t);
      if (epochDay != Long.MIN_VALUE) {
        return iso(LocalDate.ofEpochDay(epochDay));
      }
    }
    if (outOfRange) {
      throw new NormaliseException(
          NormaliseException.Reason.DATE_OUT_OF_RANGE, NAME, "year outside 1 to 9999");
    }
    if (shapeMatched) {
      throw new NormaliseException(
          NormaliseException.Reason.INVALID_DATE,
          NAME,
          "value matches a date format but names no calendar date");
    }
    throw new NormaliseException(
        NormaliseException.Reason.UNPARSEABLE_DATE,
        NAME,
        "value of length " + s.length() + " matches none of " + formats.length + " formats");
  }

  private static String iso(LocalDate d) {
    char[] c = new char[10];
    int y = d.getYear();
    c[0] = (char) ('0' + y / 1000);
    c[1] = (char) ('0' + y / 100 % 10);
    c[2] = (char) ('0' + y / 10 % 10);
    c[3] = (char) ('0' + y % 10);
    c[4] = '-';
    c[5] = (char) ('0' + d.getMonthValue() / 10);
    c[6] = (char) ('0' + d.getMonthValue() % 10);
    c[7] = '-';
    c[8] = (char) ('0' + d.getDayOfMonth() / 10);
    c[9] = (char) ('0' + d.getDayOfMonth() % 10);
    return new String(c);
  }
}
