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

  /** The 1-based number of the malformed line. */
  public long line() {
    return line;
  }
}
