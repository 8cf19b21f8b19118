package org.pprl.core.encode;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.pprl.core.normalise.NormaliseException;
import org.pprl.core.normalise.Normaliser;

/**
 * What the values of one date column fit: for each candidate format, how many values it reads as a
 * real date; how many are empty; and which rows no format reads. From that, the format the column
 * is read with, and whether it could be told at all.
 *
 * <p>Why: a schema's {@code date} normaliser tries its formats in turn, so a day-first column was
 * read month-first wherever the day was 12 or less (a third of the values) and day-first elsewhere,
 * with no word said. Dates are not guessed now. A column's format is declared by the agency, or
 * named alone by the schema, or <em>detected</em>: one format reads every value that any candidate
 * reads, and for each other candidate some value that it does not (ISO {@code yyyy-MM-dd}, or a
 * slash column where some day is above 12). Otherwise the column is {@link Source#AMBIGUOUS} and
 * must be declared. Rows that no format reads do not vote; they are errors when encoding.
 *
 * <p>Each candidate reads a value through the column's whole normaliser with that format alone, so
 * the schema's other steps (a {@code missing} step before the date) count as they will when
 * encoding. Holds no value, only counts and row numbers.
 */
public final class DateProfile {
  /** How the format was decided. */
  public enum Source {
    /** The agency declared it (a mapping or {@code --date-format}). */
    DECLARED,
    /** The schema's date normaliser lists this format only. */
    SCHEMA,
    /** The only candidate that reads every value any candidate reads, and more. */
    DETECTED,
    /** More than one candidate fits, or no one candidate reads them all: must be declared. */
    AMBIGUOUS,
    /** No value is a date in any candidate format (empty, or every one unreadable). */
    NO_DATES
  }

  /** The decision: the format to read with (null unless declared, schema or detected). */
  public record Decision(String format, Source source) {}

  /** Row numbers kept of the rows no format reads; the rest are only counted. */
  public static final int ROWS_KEPT = 20;

  private final List<String> formats;
  private final Normaliser[] readers;
  private final String declared;
  private final long[] fits;
  private final Map<Integer, long[]> masks = new HashMap<>();
  private final List<Long> unreadRows = new ArrayList<>();
  private long unread;
  private long empty;
  private long values;

  /**
   * A profile over {@code formats}, each read by the normaliser at the same place of {@code
   * readers}; {@code declared} (or null) is the agency's declared format, one of them.
   */
  public DateProfile(List<String> formats, List<Normaliser> readers, String declared) {
    if (formats.size() != readers.size() || formats.isEmpty() || formats.size() > 30) {
      throw new IllegalArgumentException(
          formats.size() + " formats and " + readers.size() + " readers; need 1 to 30 of each");
    }
    if (declared != null && !formats.contains(declared)) {
      throw new IllegalArgumentException("the declared format is not a candidate");
    }
    this.formats = List.copyOf(formats);
    this.readers = readers.toArray(new Normaliser[0]);
    this.declared = declared;
    this.fits = new long[readers.size()];
  }

  /** Counts data row {@code row}'s value. */
  public void add(long row, String value) {
    values++;
    int mask = 0;
    boolean missing = false;
    for (int k = 0; k < readers.length; k++) {
      try {
        if (readers[k].apply(value).isEmpty()) {
          missing = true;
        } else {
          mask |= 1 << k;
          fits[k]++;
        }
      } catch (NormaliseException e) {
        // Not this format.
      }
    }
    if (mask != 0) {
      masks.computeIfAbsent(mask, m -> new long[1])[0]++;
    } else if (missing) {
      empty++;
    } else {
      unread++;
      if (unreadRows.size() < ROWS_KEPT) {
        unreadRows.add(row);
      }
    }
  }

  /** The candidate formats, in order. */
  public List<String> formats() {
    return formats;
  }

  /** How many values format {@code k} reads as a real date. */
  public long fits(int k) {
    return fits[k];
  }

  /** Values counted, empty ones included. */
  public long values() {
    return values;
  }

  /** Values that are missing (empty, or a missing-value sentinel the schema knows). */
  public long empty() {
    return empty;
  }

  /** Values no candidate format reads. */
  public long unread() {
    return unread;
  }

  /** The first {@link #ROWS_KEPT} rows (0-based) whose value no candidate reads. */
  public List<Long> unreadRows() {
    return List.copyOf(unreadRows);
  }

  /** The format this column is read with, and why; see the class comment. */
  public Decision decide() {
    if (declared != null) {
      return new Decision(declared, Source.DECLARED);
    }
    if (formats.size() == 1) {
      return new Decision(formats.get(0), Source.SCHEMA);
    }
    if (masks.isEmpty()) {
      return new Decision(null, Source.NO_DATES);
    }
    int all = readAll();
    return Integer.bitCount(all) == 1
        ? new Decision(formats.get(Integer.numberOfTrailingZeros(all)), Source.DETECTED)
        : new Decision(null, Source.AMBIGUOUS);
  }

  /** Bit k set: format k reads every value that some candidate reads. */
  private int readAll() {
    int all = masks.isEmpty() ? 0 : -1;
    for (int mask : masks.keySet()) {
      all &= mask;
    }
    return all;
  }

  /**
   * The candidates that read every value some candidate reads, in order. Two or more: the column is
   * ambiguous between them; none: its values are in several formats.
   */
  public List<String> readingAll() {
    int all = readAll();
    List<String> out = new ArrayList<>();
    for (int k = 0; k < formats.size(); k++) {
      if ((all & (1 << k)) != 0) {
        out.add(formats.get(k));
      }
    }
    return out;
  }

  /** The candidates that read at least one value, in order: what an ambiguous column fits. */
  public List<String> fitting() {
    List<String> out = new ArrayList<>();
    for (int k = 0; k < fits.length; k++) {
      if (fits[k] > 0) {
        out.add(formats.get(k));
      }
    }
    return out;
  }
}
