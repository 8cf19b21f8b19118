package org.pprl.cli;

/**
 * A command could not do its work because of its input (a missing file, a malformed row, a bad
 * option value): reported as one line, exit code 2 unless a subclass says otherwise. The message
 * must never contain a record's values or a token.
 */
class CommandFailure extends RuntimeException {
  private static final long serialVersionUID = 1L;

  CommandFailure(String message) {
    super(message);
  }

  CommandFailure(String message, Throwable cause) {
    super(message, cause);
  }

  /** The exit code the command line ends with: {@link Pprl#BAD_INPUT} here. */
  int exitCode() {
    return Pprl.BAD_INPUT;
  }
}
