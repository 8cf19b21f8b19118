package org.pprl.core.encode;

import java.util.List;

/**
 * A CSV row that does not fit the schema: wrong column count, or values that fail their features'
 * formats. It carries every problem found in the row, not only the first.
 *
 * <p>The message names the row, the column and what is wrong with the value's shape. It never
 * contains the value: an exception message is a disclosure channel in a privacy system.
 */
public final class RecordException extends Exception {
  private static final long serialVersionUID = 1L;

  /** The row of a header problem. */
  public static final long HEADER = -1;

  /**
   * One problem: data row {@code row} (0-based, header excluded), the CSV {@code column} ({@code
   * null} when the row as a whole is wrong), the schema's name for what that column holds ({@code
   * null} when it is the column's own name), and what is wrong, without the value.
   */
  public record Problem(long row, String column, String feature, String reason) {
    /** {@code row 3, column 'DOB' (date_of_birth): reason}. */
    @Override
    public String toString() {
      return where() + ": " + reason;
    }

    /** {@code row 3, column 'DOB' (date_of_birth)}, without the reason. */
    public String where() {
      return (row == HEADER ? "header" : "row " + row) + columnText();
    }

    private String columnText() {
      if (column == null) {
        return feature == null ? "" : ", " + feature;
      }
      return ", column '"
          + column
          + "'"
          + (feature == null || feature.equals(column) ? "" : " (" + feature + ")");
    }
  }

  private final transient List<Problem> problems;

  /**
   * A problem with data row {@code row} (0-based, header excluded), in {@code column} ({@code null}
   * when the row as a whole is wrong), described by {@code reason}.
   */
  public RecordException(long row, String column, String reason) {
    this(List.of(new Problem(row, column, null, reason)));
  }

  /** Every problem of one row, at least one; the message is the first's. */
  public RecordException(List<Problem> problems) {
    super(message(problems));
    this.problems = List.copyOf(problems);
  }

  private static String message(List<Problem> problems) {
    if (problems.isEmpty()) {
      throw new IllegalArgumentException("a RecordException needs a problem");
    }
    return problems.size() == 1
        ? problems.get(0).toString()
        : problems.get(0) + " (and " + (problems.size() - 1) + " more in this row)";
  }

  /** Every problem found in the row, in column order. */
  public List<Problem> problems() {
    return problems;
  }

  /** The 0-based data row, or {@link #HEADER}. */
  public long row() {
    return problems.get(0).row();
  }

  /** The first problem's column, or {@code null} when the whole row is wrong. */
  public String column() {
    return problems.get(0).column();
  }

  /** What is wrong with the first problem, without row or column. */
  public String reason() {
    return problems.get(0).reason();
  }
}
