package org.pprl.core.normalise;

/**
 * A field value that a {@link Normaliser} cannot accept, with a machine-readable {@link Reason}.
 *
 * <p>Privacy: the message names the normaliser and what was wrong with the value's shape, never the
 * value itself. The caller adds the row number and the column name with {@link #describe}. No stack
 * trace is captured: this reports bad data, not a bug, and may be raised for many rows.
 */
public final class NormaliseException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  /** Why a value was refused. */
  public enum Reason {
    /** The value matched none of the configured date formats. */
    UNPARSEABLE_DATE,
    /** The value matched a date format's shape but names no calendar date (e.g. 30 February). */
    INVALID_DATE,
    /** The value parsed to a date whose year is outside 1 to 9999. */
    DATE_OUT_OF_RANGE,
    /** The value is not a whole number where one was expected (a {@code band}). */
    NOT_A_NUMBER
  }

  private final Reason reason;
  private final String normaliser;

  /**
   * Creates an exception; {@code detail} must describe the shape of the value only.
   *
   * @param reason the machine-readable reason
   * @param normaliser the registry name of the normaliser that refused the value
   * @param detail what was wrong, without the value
   */
  public NormaliseException(Reason reason, String normaliser, String detail) {
    super(normaliser + ": " + detail, null, false, false);
    this.reason = reason;
    this.normaliser = normaliser;
  }

  /** The machine-readable reason. */
  public Reason reason() {
    return reason;
  }

  /** The registry name of the normaliser that refused the value. */
  public String normaliser() {
    return normaliser;
  }

  /**
   * A one-line description for the caller's error report: row (0-based), column, reason and detail,
   * still without the value.
   */
  public String describe(long row, String column) {
    return "row " + row + ", column '" + column + "': " + reason + " (" + getMessage() + ")";
  }
}
