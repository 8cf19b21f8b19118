package org.pprl.cli;

/**
 * The service refused a request ({@code {"code", "message"}}, exit {@link #REFUSED}), or could not
 * be reached or did not answer as the API describes (exit {@link #UNREACHABLE}). The message is one
 * line: the service's own never holds a record's value or a token, and control characters are taken
 * out of it before it is shown.
 */
final class ServiceException extends CommandFailure {
  private static final long serialVersionUID = 1L;

  /** Exit code when the service refused the request with one of its error codes. */
  static final int REFUSED = 3;

  /** Exit code when the service could not be reached, timed out or answered outside the API. */
  static final int UNREACHABLE = 4;

  private final String code;
  private final int exitCode;

  private ServiceException(String message, String code, int exitCode, Throwable cause) {
    super(message, cause);
    this.code = code;
    this.exitCode = exitCode;
  }

  /** A refusal: the service's code, HTTP status and one-line message. */
  static ServiceException refused(String code, int status, String message) {
    return new ServiceException(
        "the service refused (" + code + ", HTTP " + status + "): " + oneLine(message),
        code,
        REFUSED,
        null);
  }

  /** The service could not be asked, or its answer was not the API's. */
  static ServiceException unreachable(String message, Throwable cause) {
    return new ServiceException(message, null, UNREACHABLE, cause);
  }

  /** The same failure, with what the command knows about it added at the end. */
  ServiceException with(String more) {
    return new ServiceException(getMessage() + "; " + more, code, exitCode, this);
  }

  /** The service's machine-readable code ({@code wrong_agency}, ...), null when unreachable. */
  String code() {
    return code;
  }

  @Override
  int exitCode() {
    return exitCode;
  }

  private static String oneLine(String text) {
    return text == null ? "(no message)" : text.replaceAll("\\p{Cntrl}+", " ").strip();
  }
}
