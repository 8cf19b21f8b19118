package org.pprl.cli;

/** CSV output helpers (RFC 4180 quoting). */
final class Csv {
  private Csv() {}

  /** The value as one CSV field: quoted when it holds a comma, quote or line break. */
  static String field(String value) {
    for (int k = 0; k < value.length(); k++) {
      char c = value.charAt(k);
      if (c == ',' || c == '"' || c == '\n' || c == '\r') {
        return '"' + value.replace("\"", "\"\"") + '"';
      }
    }
    return value;
  }
}
