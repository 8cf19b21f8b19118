package org.pprl.core.encode;

/**
 * A CSV row that does not fit the schema: wrong column count, or a value that fails its feature's
 * format.
 *
 * <p>The message names the row, the column and what is wrong with the value's shape. It never
 * contains the value: an exception message is a disclosure channel in a privacy system.
 */
public final class RecordException extends Exception {
  private static final long serialVersionUID = 1L;

  /** The row of a header problem. */
  public static final long HEADER = -1;

  private final long row;
  private final String column;
  private final String reason;

  /**
   * A problem with data row {@code row} (0-based, header excluded), in {@code column} ({@code null}
   * when the row as a whole is wrong), described by {@code reason}.
   */
  public RecordException(long row, String column, String reason) {
    super(
        (row == HEADER ? "header" : "row " + row)
            + (column == null ? "" : ", column '" + column + "'")
            + ": "
            + reason);
    this.row = row;
    this.column = column;
    this.reason = reason;
  }

  /** The 0-based data row, or {@link #HEADER}. */
  public long row() {
    return row;
  }

  /** The column (feature identifier), or {@code null} when the whole row is wrong. */
  public String column() {
    return column;
  }

  /** What is wrong, without row or column. */
  public String reason() {
    return reason;
  }
}
