package org.pprl.core.audit;

/**
 * An exported audit log line that is not an event or a checkpoint of the expected shape: bad input,
 * not evidence of tampering. The message names the line number and the field, never its value.
 */
public final class MalformedLogException extends IllegalArgumentException {
  private static final long serialVersionUID = 1L;

  private final long line;

  MalformedLogException(long line, String what) {
    super("line " + line + ": " + what);
    this.line = line;
  }

  /** A log that is malformed as a whole (no line to name), such as one without any event. */
  MalformedLogException(String what) {
    super(what);
    this.line = 0;
  }

  /** The 1-based number of the malformed line, or 0 if the log as a whole is malformed. */
  public long line() {
    return line;
  }
}
