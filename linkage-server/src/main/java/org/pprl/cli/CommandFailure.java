package org.pprl.cli;

/**
 * A command could not do its work because of its input (a missing file, a malformed row, a bad
 * option value): reported as one line, exit code 2. The message must never contain a record's
 * values.
 */
final class CommandFailure extends RuntimeException {
  private static final long serialVersionUID = 1L;

  CommandFailure(String message) {
    super(message);
  }

  CommandFailure(String message, Throwable cause) {
    super(message, cause);
  }
}
