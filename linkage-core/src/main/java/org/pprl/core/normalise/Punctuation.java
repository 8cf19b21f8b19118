package org.pprl.core.normalise;

/**
 * The {@code punctuation} normaliser: removes apostrophes and full stops, turns hyphens into a
 * space (or removes or keeps them), turns every other punctuation mark or symbol into a space, then
 * collapses whitespace and trims. Letters, digits and case are left alone.
 *
 * <p>Why these choices: an apostrophe or full stop sits inside a name ("O'Brien", "J.R.",
 * "St.John") and spelling it with or without is the common variation, so it is removed; a hyphen
 * separates two names ("Smith-Jones") that often appear alone, so by default it becomes a space;
 * anything else (comma, slash, ampersand, brackets) separates words. The character classes for the
 * Basic Multilingual Plane are computed once into a 64 KiB table, so a call is one pass with one
 * array look-up per character; no regular expression is used.
 */
final class Punctuation implements Normaliser {
  /** What a hyphen or dash becomes. */
  enum Hyphen {
    SPACE,
    REMOVE,
    KEEP
  }

  private static final byte KEEP = 0;
  private static final byte SPACE = 1;
  private static final byte REMOVE = 2;
  private static final byte HYPHEN = 3;

  private static final byte[] BMP = new byte[0x10000];

  static {
    for (int cp = 0; cp < BMP.length; cp++) {
      BMP[cp] = classify(cp);
    }
  }

  private final Hyphen hyphen;

  Punctuation(Hyphen hyphen) {
    this.hyphen = hyphen;
  }

  private static byte classify(int cp) {
    switch (cp) {
      case '\'':
      case '`':
      case '.':
      case 0x00B4: // acute accent
      case 0x00B7: // middle dot (Catalan l·l)
      case 0x02B9: // modifier prime
      case 0x02BB: // turned comma (Hawaiian okina)
      case 0x02BC: // modifier apostrophe
      case 0x2018: // left single quotation mark
      case 0x2019: // right single quotation mark
      case 0x201B: // reversed single quotation mark
      case 0x2032: // prime
      case 0xFF07: // fullwidth apostrophe
      case 0xFF0E: // fullwidth full stop
        return REMOVE;
      case 0x2212: // minus sign
        return HYPHEN;
      default:
        break;
    }
    if (Character.isWhitespace(cp) || Character.isSpaceChar(cp)) {
      return SPACE;
    }
    switch (Character.getType(cp)) {
      case Character.DASH_PUNCTUATION:
        return HYPHEN;
      case Character.FORMAT:
      case Character.CONTROL:
        return REMOVE;
      case Character.CONNECTOR_PUNCTUATION:
      case Character.START_PUNCTUATION:
      case Character.END_PUNCTUATION:
      case Character.INITIAL_QUOTE_PUNCTUATION:
      case Character.FINAL_QUOTE_PUNCTUATION:
      case Character.OTHER_PUNCTUATION:
      case Character.MATH_SYMBOL:
      case Character.CURRENCY_SYMBOL:
      case Character.MODIFIER_SYMBOL:
      case Character.OTHER_SYMBOL:
        return SPACE;
      default:
        return KEEP;
    }
  }

  @Override
  public String apply(String value) {
    if (value == null || value.isEmpty()) {
      return "";
    }
    StringBuilder out = new StringBuilder(value.length());
    boolean pendingSpace = false;
    for (int i = 0; i < value.length(); ) {
      int cp = value.codePointAt(i);
      i += Character.charCount(cp);
      byte cls = cp < BMP.length ? BMP[cp] : classify(cp);
      if (cls == HYPHEN) {
        cls = hyphen == Hyphen.SPACE ? SPACE : hyphen == Hyphen.REMOVE ? REMOVE : KEEP;
        cp = '-';
      }
      if (cls == SPACE) {
        pendingSpace = out.length() > 0;
      } else if (cls == KEEP) {
        if (pendingSpace) {
          out.append(' ');
          pendingSpace = false;
        }
        out.appendCodePoint(cp);
      }
    }
    return out.toString();
  }
}
