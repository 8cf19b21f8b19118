package org.pprl.server;

/**
 * The free-text names people give (a project's, a token's): printable text on one line. Control
 * characters would break the one-line logs and listings they appear in; bidi controls and other
 * format characters make a name display as another (a "trojan source" name); a lone surrogate has
 * no UTF-8 form at all.
 */
final class Names {
  private Names() {}

  /**
   * Checks that {@code text} holds no control character, no format character (bidi controls such as
   * U+202E and U+2066, zero-width characters, the byte-order mark), no line or paragraph separator
   * and no lone surrogate.
   *
   * @param what the name's kind, for the message, e.g. "project name"
   * @throws IllegalArgumentException naming the kind and the code point's position and value
   *     (U+XXXX), never the text
   */
  static void requirePrintable(String what, String text) {
    for (int i = 0; i < text.length(); ) {
      int cp = text.codePointAt(i);
      int type = Character.getType(cp);
      if (type == Character.CONTROL
          || type == Character.FORMAT
          || type == Character.SURROGATE
          || type == Character.LINE_SEPARATOR
          || type == Character.PARAGRAPH_SEPARATOR) {
        throw new IllegalArgumentException(
            String.format(
                java.util.Locale.ROOT,
                "%s holds U+%04X at character %d: %s",
                what,
                cp,
                i + 1,
                type == Character.SURROGATE
                    ? "a lone surrogate, not Unicode text"
                    : "only printable text is allowed, without control or bidi characters"));
      }
      i += Character.charCount(cp);
    }
  }

  /** Whether {@code text} holds a surrogate that is not half of a pair. */
  static boolean hasLoneSurrogate(String text) {
    for (int i = 0; i < text.length(); ) {
      int cp = text.codePointAt(i);
      if (Character.getType(cp) == Character.SURROGATE) {
        return true;
      }
      i += Character.charCount(cp);
    }
    return false;
  }
}
