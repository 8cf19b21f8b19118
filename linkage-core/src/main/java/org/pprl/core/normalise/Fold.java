package org.pprl.core.normalise;

import java.text.Normalizer;

/**
 * The {@code fold} normaliser: Unicode compatibility decomposition (NFKD) with combining marks
 * stripped, letters that do not decompose spelled in ASCII, lower case, whitespace collapsed and
 * trimmed.
 *
 * <p>Design. NFKD splits "é" into "e" + U+0301 and ligatures such as "ﬁ" into "fi"; dropping the
 * marks (categories Mn, Mc, Me) then gives the unaccented letter. A handful of Latin letters are
 * not decomposable ("ß", "æ", "ø", "ł", "đ", "þ", "œ", ...) and are spelled out from a fixed table,
 * as Apache Commons Lang's {@code stripAccents} and ICU's Latin-ASCII transliterator do for the
 * common ones. Other scripts keep their letters (lower-cased): there is no transliteration.
 * Lower-casing is per code point ({@link Character#toLowerCase(int)}), which equals {@code
 * Locale.ROOT} casing and never turns "I" into a dotless "ı". Format and control characters
 * (zero-width joiners, soft hyphens, BOM) are dropped; every run of whitespace, including no-break
 * spaces, becomes one space.
 *
 * <p>Cost. Pure-ASCII input skips the decomposition and costs one pass over the characters with a
 * table look-up each; other input adds one {@link Normalizer#normalize} call. No regular expression
 * is involved.
 */
final class Fold implements Normaliser {
  static final Fold INSTANCE = new Fold();

  /** ASCII spelling of lower-case letters that NFKD leaves whole; indexed by char, else null. */
  private static final String[] LETTERS = new String[0x250];

  /**
   * For ASCII: the lower-case char, {@code ' '} for whitespace, or 0 for a dropped control char.
   */
  private static final char[] ASCII = new char[0x80];

  static {
    LETTERS['ß'] = "ss";
    LETTERS['æ'] = "ae";
    LETTERS['ð'] = "d";
    LETTERS['ø'] = "o";
    LETTERS['þ'] = "th";
    LETTERS['đ'] = "d";
    LETTERS['ħ'] = "h";
    LETTERS['ı'] = "i";
    LETTERS['ĸ'] = "k";
    LETTERS['ł'] = "l";
    LETTERS['ŋ'] = "n";
    LETTERS['œ'] = "oe";
    LETTERS['ŧ'] = "t";
    LETTERS['ƀ'] = "b";
    LETTERS['ƒ'] = "f";
    LETTERS['ƙ'] = "k";
    LETTERS['ƚ'] = "l";
    LETTERS['ǥ'] = "g";
    LETTERS['ȡ'] = "d";
    LETTERS['ȴ'] = "l";
    LETTERS['ȵ'] = "n";
    LETTERS['ȶ'] = "t";
    LETTERS['ȿ'] = "s";
    LETTERS['ɀ'] = "z";
    for (char c = 0; c < 0x80; c++) {
      if (Character.isWhitespace(c)) {
        ASCII[c] = ' ';
      } else if (Character.isISOControl(c)) {
        ASCII[c] = 0;
      } else {
        ASCII[c] = Character.toLowerCase(c);
      }
    }
  }

  private Fold() {}

  @Override
  public String apply(String value) {
    if (value == null || value.isEmpty()) {
      return "";
    }
    String s = isAscii(value) ? value : Normalizer.normalize(value, Normalizer.Form.NFKD);
    StringBuilder out = new StringBuilder(s.length());
    boolean pendingSpace = false;
    for (int i = 0; i < s.length(); ) {
      int cp = s.codePointAt(i);
      i += Character.charCount(cp);
      if (cp < 0x80) {
        char c = ASCII[cp];
        if (c == ' ') {
          pendingSpace = out.length() > 0;
        } else if (c != 0) {
          if (pendingSpace) {
            out.append(' ');
            pendingSpace = false;
          }
          out.append(c);
        }
        continue;
      }
      int type = Character.getType(cp);
      if (type == Character.NON_SPACING_MARK
          || type == Character.ENCLOSING_MARK
          || type == Character.COMBINING_SPACING_MARK
          || type == Character.FORMAT
          || type == Character.CONTROL) {
        continue;
      }
      if (Character.isWhitespace(cp) || Character.isSpaceChar(cp)) {
        pendingSpace = out.length() > 0;
        continue;
      }
      if (pendingSpace) {
        out.append(' ');
        pendingSpace = false;
      }
      int lower = Character.toLowerCase(cp);
      String spelled = lower < LETTERS.length ? LETTERS[lower] : null;
      if (spelled != null) {
        out.append(spelled);
      } else {
        out.appendCodePoint(lower);
      }
    }
    return out.toString();
  }

  static boolean isAscii(String s) {
    for (int i = 0; i < s.length(); i++) {
      if (s.charAt(i) >= 0x80) {
        return false;
      }
    }
    return true;
  }
}
