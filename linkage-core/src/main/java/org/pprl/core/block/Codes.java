package org.pprl.core.block;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import org.apache.commons.codec.EncoderException;
import org.apache.commons.codec.language.Caverphone2;
import org.apache.commons.codec.language.DoubleMetaphone;
import org.apache.commons.codec.language.Metaphone;
import org.apache.commons.codec.language.Nysiis;
import org.apache.commons.codec.language.RefinedSoundex;
import org.apache.commons.codec.language.Soundex;
import org.apache.commons.codec.language.bm.BeiderMorseEncoder;
import org.pprl.core.normalise.Normaliser;
import org.pprl.core.normalise.Normalisers;

/**
 * The code functions a blocking key part applies to its (already normalised) value: phonetic codes
 * from Apache Commons Codec, prefixes, the exact value, and date parts.
 *
 * <p>Phonetic codes see only the ASCII letters of the value, lower-cased, with everything else
 * (spaces, digits, accented letters) dropped: normalise with {@code fold} or {@code name} first. A
 * value with no ASCII letter has no phonetic code, which counts as missing. Date codes need the ISO
 * {@code yyyy-MM-dd} form the {@code date} normaliser writes.
 */
final class Codes {
  private Codes() {}

  static final String[] NONE = new String[0];

  /**
   * One code function. Instances are immutable, except {@code beider_morse}, which keeps a small
   * cache and so is thread-confined like the {@link BlockingKeyFunction} that owns it.
   */
  abstract static class Code {
    final String canonical;

    Code(String canonical) {
      this.canonical = canonical;
    }

    /**
     * The code of a non-empty value, or {@code ""} when it gives none.
     *
     * @throws IllegalArgumentException (without the value) for a value of the wrong shape
     */
    abstract String code(String value);

    /** All codes of the value, sorted and distinct; empty when it gives none. */
    String[] codes(String value) {
      String c = code(value);
      return c.isEmpty() ? NONE : new String[] {c};
    }
  }

  private static final Soundex SOUNDEX = Soundex.US_ENGLISH;
  private static final RefinedSoundex REFINED = RefinedSoundex.US_ENGLISH;
  private static final Metaphone METAPHONE = new Metaphone();
  private static final DoubleMetaphone DOUBLE_METAPHONE = new DoubleMetaphone();
  private static final Nysiis NYSIIS = new Nysiis(true);
  private static final Caverphone2 CAVERPHONE2 = new Caverphone2();
  private static final BeiderMorseEncoder BEIDER_MORSE = new BeiderMorseEncoder();
  private static final Normaliser NAME = Normalisers.byName("name", Map.of());
  private static final Normaliser GIVEN_NAME =
      Normalisers.chain(List.of(NAME, Normalisers.byName("nickname", Map.of())));

  /** Largest {@code n} accepted in {@code prefix(n)}. */
  static final int MAX_PREFIX = 64;

  /**
   * Parses a code name ({@code soundex}, {@code prefix(3)}, ...).
   *
   * @throws IllegalArgumentException for an unknown name or a bad prefix length
   */
  static Code parse(String name) {
    switch (name) {
      case "soundex":
        return phonetic(name, SOUNDEX::soundex);
      case "refined_soundex":
        return phonetic(name, REFINED::soundex);
      case "metaphone":
        return phonetic(name, METAPHONE::metaphone);
      case "double_metaphone":
        return phonetic(name, v -> DOUBLE_METAPHONE.doubleMetaphone(v, false));
      case "nysiis":
        return phonetic(name, NYSIIS::encode);
      case "caverphone2":
        return phonetic(name, CAVERPHONE2::encode);
      case "beider_morse":
        return new BeiderMorse();
      case "exact":
        return new Exact();
      case "year":
      case "year_month":
      case "month_day":
        return new DatePart(name);
      case "name_soundex":
        return new NameSoundex(name, NAME);
      case "given_soundex":
        return new NameSoundex(name, GIVEN_NAME);
      case "digits_year":
      case "digits_month_day":
      case "digits_date":
        return new DigitsDate(name);
      case "alnum":
        return new Alnum();
      default:
        if (name.startsWith("prefix(") && name.endsWith(")")) {
          return new Prefix(prefixLength(name.substring(7, name.length() - 1)));
        }
        throw new IllegalArgumentException(
            "unknown blocking code '"
                + name
                + "'; known: "
                + String.join(", ", BlockingKeys.CODES));
    }
  }

  private static int prefixLength(String digits) {
    int n;
    try {
      n = Integer.parseInt(digits);
    } catch (NumberFormatException e) {
      n = -1;
    }
    if (n < 1 || n > MAX_PREFIX || !digits.equals(Integer.toString(n))) {
      throw new IllegalArgumentException(
          "blocking code prefix(n) needs n in 1.." + MAX_PREFIX + "; was '" + digits + "'");
    }
    return n;
  }

  /** The lower-case ASCII letters of {@code value}, in order. */
  static String asciiLetters(String value) {
    StringBuilder sb = null;
    for (int i = 0; i < value.length(); i++) {
      char c = value.charAt(i);
      boolean lower = c >= 'a' && c <= 'z';
      if (lower && sb == null) {
        continue;
      }
      if (sb == null) {
        sb = new StringBuilder(value.length());
        sb.append(value, 0, i);
      }
      if (lower) {
        sb.append(c);
      } else if (c >= 'A' && c <= 'Z') {
        sb.append((char) (c + ('a' - 'A')));
      }
    }
    return sb == null ? value : sb.toString();
  }

  private interface Encoder {
    String encode(String letters);
  }

  private static Code phonetic(String name, Encoder encoder) {
    return new Code(name) {
      @Override
      String code(String value) {
        String letters = asciiLetters(value);
        if (letters.isEmpty()) {
          return "";
        }
        String c;
        try {
          c = encoder.encode(letters);
        } catch (RuntimeException e) {
          // The codec's message may quote the value: report without it and without the cause.
          throw new IllegalStateException("phonetic code '" + name + "' failed on a value");
        }
        return c == null ? "" : c;
      }
    };
  }

  /**
   * Beider–Morse: the value's set of approximate phonetic codes (generic name type, at most 20
   * alternatives). {@link #codes} returns them all, sorted; {@link #code} returns the first of
   * them.
   *
   * <p>Encoding costs tens to hundreds of microseconds per value (Commons Codec applies hundreds of
   * language rules), while surnames repeat heavily (Zipf), so each instance keeps the code sets of
   * the last {@value #CACHE_SIZE} distinct values in an access-ordered map. The cache lives in the
   * thread-confined {@link BlockingKeyFunction}; cached arrays are never handed out for writing.
   */
  static final class BeiderMorse extends Code {
    static final int CACHE_SIZE = 4096;

    private final Map<String, String[]> cache =
        new LinkedHashMap<>(256, 0.75f, true) {
          private static final long serialVersionUID = 1L;

          @Override
          protected boolean removeEldestEntry(Map.Entry<String, String[]> eldest) {
            return size() > CACHE_SIZE;
          }
        };

    BeiderMorse() {
      super("beider_morse");
    }

    @Override
    String code(String value) {
      String[] all = codes(value);
      return all.length == 0 ? "" : all[0];
    }

    @Override
    String[] codes(String value) {
      String letters = asciiLetters(value);
      if (letters.isEmpty()) {
        return NONE;
      }
      String[] cached = cache.get(letters);
      if (cached == null) {
        cached = encode(letters);
        cache.put(letters, cached);
      }
      return cached;
    }

    private static String[] encode(String letters) {
      String encoded;
      try {
        encoded = BEIDER_MORSE.encode(letters);
      } catch (EncoderException | RuntimeException e) {
        throw new IllegalStateException("phonetic code 'beider_morse' failed on a value");
      }
      TreeSet<String> set = new TreeSet<>();
      int start = 0;
      for (int i = 0; i <= encoded.length(); i++) {
        if (i == encoded.length() || encoded.charAt(i) == '|') {
          if (i > start) {
            set.add(encoded.substring(start, i));
          }
          start = i + 1;
        }
      }
      return set.toArray(NONE);
    }
  }

  private static final class Exact extends Code {
    Exact() {
      super("exact");
    }

    @Override
    String code(String value) {
      return value;
    }
  }

  private static final class Prefix extends Code {
    private final int n;

    Prefix(int n) {
      super("prefix(" + n + ")");
      this.n = n;
    }

    @Override
    String code(String value) {
      if (value.length() <= n) {
        return value;
      }
      if (value.codePointCount(0, value.length()) <= n) {
        return value;
      }
      return value.substring(0, value.offsetByCodePoints(0, n));
    }
  }

  /**
   * Date parts of an ISO {@code yyyy-MM-dd} value: {@code year} ("1984"), {@code year_month}
   * ("1984-03") and {@code month_day}, the unordered pair of month and day written smaller first
   * ("03-12" for both 1984-03-12 and 1984-12-03), which survives a day/month swap.
   */
  private static final class DatePart extends Code {
    DatePart(String name) {
      super(name);
    }

    @Override
    String code(String value) {
      if (!isIsoDate(value)) {
        throw new IllegalArgumentException(
            "code '" + canonical + "' needs an ISO yyyy-MM-dd date; the value is not one");
      }
      switch (canonical) {
        case "year":
          return value.substring(0, 4);
        case "year_month":
          return value.substring(0, 7);
        default:
          String month = value.substring(5, 7);
          String day = value.substring(8, 10);
          return month.compareTo(day) <= 0 ? month + "-" + day : day + "-" + month;
      }
    }
  }

  /**
   * Soundex of a raw name, normalised first as the {@code name} normaliser does (folded,
   * punctuation removed, particles joined, honorifics and suffixes dropped) and, for {@code
   * given_soundex}, with nicknames resolved ({@code Bill} and {@code William} share {@code W450}).
   * For values that were not normalised before coding: the keys derived from a plain clkhash
   * schema.
   */
  private static final class NameSoundex extends Code {
    private final Normaliser normaliser;
    private final Code soundex = phonetic("soundex", SOUNDEX::soundex);

    NameSoundex(String name, Normaliser normaliser) {
      super(name);
      this.normaliser = normaliser;
    }

    @Override
    String code(String value) {
      return soundex.code(normaliser.apply(value));
    }
  }

  /**
   * Letters and digits of the value, upper case (ASCII letters folded): {@code sw1a 1aa} and {@code
   * SW1A-1AA} give {@code SW1A1AA}. For postcodes written with or without spaces.
   */
  private static final class Alnum extends Code {
    Alnum() {
      super("alnum");
    }

    @Override
    String code(String value) {
      StringBuilder sb = new StringBuilder(value.length());
      for (int i = 0; i < value.length(); ) {
        int c = value.codePointAt(i);
        if (Character.isLetterOrDigit(c)) {
          sb.appendCodePoint(Character.toUpperCase(c));
        }
        i += Character.charCount(c);
      }
      return sb.toString();
    }
  }

  /**
   * Parts of a date read from its ASCII digits, whatever the layout, for values no {@code date}
   * normaliser has read: {@code digits_year} ("1984"), {@code digits_month_day} (the unordered pair
   * of month and day, smaller first: "03-12") and {@code digits_date} (both: "1984-03-12", the same
   * for 1984-12-03). The digits are read as one run of 8 ({@code yyyymmdd}, else {@code ddmmyyyy}
   * or {@code mmddyyyy}) or as three runs separated by anything else, the year being a run of 4 at
   * either end. A value read neither way, or whose month and day cannot both be valid (neither at
   * most 12, one above 31), gives no code: these codes never refuse a value, as clkhash's string
   * and integer formats accept any.
   */
  private static final class DigitsDate extends Code {
    DigitsDate(String name) {
      super(name);
    }

    @Override
    String code(String value) {
      int[] starts = new int[3];
      int[] lengths = new int[3];
      int count = 0;
      for (int i = 0; i < value.length(); ) {
        if (!isDigit(value.charAt(i))) {
          i++;
          continue;
        }
        int start = i;
        while (i < value.length() && isDigit(value.charAt(i))) {
          i++;
        }
        if (count == 3) {
          return "";
        }
        starts[count] = start;
        lengths[count++] = i - start;
      }
      String year;
      int a;
      int b;
      if (count == 1 && lengths[0] == 8) {
        String d = value.substring(starts[0], starts[0] + 8);
        int first = Integer.parseInt(d.substring(4, 6));
        int second = Integer.parseInt(d.substring(6, 8));
        if (plausibleYear(d.substring(0, 4)) && validPair(first, second)) {
          year = d.substring(0, 4);
          a = first;
          b = second;
        } else if (plausibleYear(d.substring(4, 8))) {
          year = d.substring(4, 8);
          a = Integer.parseInt(d.substring(0, 2));
          b = Integer.parseInt(d.substring(2, 4));
        } else {
          return "";
        }
      } else if (count == 3 && lengths[0] == 4 && lengths[1] <= 2 && lengths[2] <= 2) {
        year = value.substring(starts[0], starts[0] + 4);
        a = Integer.parseInt(value.substring(starts[1], starts[1] + lengths[1]));
        b = Integer.parseInt(value.substring(starts[2], starts[2] + lengths[2]));
      } else if (count == 3 && lengths[2] == 4 && lengths[0] <= 2 && lengths[1] <= 2) {
        year = value.substring(starts[2], starts[2] + 4);
        a = Integer.parseInt(value.substring(starts[0], starts[0] + lengths[0]));
        b = Integer.parseInt(value.substring(starts[1], starts[1] + lengths[1]));
      } else {
        return "";
      }
      if (!validPair(a, b)) {
        return "";
      }
      String monthDay = twoDigits(Math.min(a, b)) + "-" + twoDigits(Math.max(a, b));
      switch (canonical) {
        case "digits_year":
          return year;
        case "digits_month_day":
          return monthDay;
        default:
          return year + "-" + monthDay;
      }
    }

    private static String twoDigits(int n) {
      return n < 10 ? "0" + n : Integer.toString(n);
    }

    private static boolean isDigit(char c) {
      return c >= '0' && c <= '9';
    }

    private static boolean plausibleYear(String digits) {
      return digits.charAt(0) == '1' || digits.charAt(0) == '2';
    }

    /** Whether one of a and b can be a month and the other a day. */
    private static boolean validPair(int a, int b) {
      return a >= 1 && b >= 1 && Math.min(a, b) <= 12 && Math.max(a, b) <= 31;
    }
  }

  static boolean isIsoDate(String v) {
    if (v.length() != 10 || v.charAt(4) != '-' || v.charAt(7) != '-') {
      return false;
    }
    for (int i = 0; i < 10; i++) {
      char c = v.charAt(i);
      if (i != 4 && i != 7 && (c < '0' || c > '9')) {
        return false;
      }
    }
    int month = (v.charAt(5) - '0') * 10 + (v.charAt(6) - '0');
    int day = (v.charAt(8) - '0') * 10 + (v.charAt(9) - '0');
    return month >= 1 && month <= 12 && day >= 1 && day <= 31;
  }
}
