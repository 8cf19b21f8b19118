package org.pprl.core.extract;

/**
 * Strict UTF-8 helpers for the extract file: lengths, encoding into a caller's buffer, and
 * validation of untrusted bytes.
 *
 * <p>Strictness makes the format canonical: a string has exactly one encoding (no overlong forms,
 * no encoded surrogates, nothing above U+10FFFF), so writing what was read reproduces the bytes.
 * {@code String.getBytes} and {@code new String(bytes, UTF_8)} silently substitute instead of
 * failing, which is why the checks live here.
 */
final class Utf8 {
  private Utf8() {}

  /** UTF-8 length of {@code s} in bytes, or -1 if {@code s} has an unpaired surrogate. */
  static int encodedLength(String s) {
    int n = s.length();
    int bytes = n;
    for (int i = 0; i < n; i++) {
      char c = s.charAt(i);
      if (c < 0x80) {
        continue;
      }
      if (c < 0x800) {
        bytes += 1;
      } else if (Character.isHighSurrogate(c)) {
        if (i + 1 == n || !Character.isLowSurrogate(s.charAt(i + 1))) {
          return -1;
        }
        bytes += 2; // two chars, four bytes
        i++;
      } else if (Character.isLowSurrogate(c)) {
        return -1;
      } else {
        bytes += 2;
      }
    }
    return bytes;
  }

  /**
   * Encodes {@code s} into {@code dst} at {@code off} and returns the number of bytes written.
   * Relies on {@code s} being well-formed ({@link #encodedLength} not -1) and on {@code dst} having
   * room for {@link #encodedLength} bytes.
   */
  static int encode(String s, byte[] dst, int off) {
    int p = off;
    int n = s.length();
    for (int i = 0; i < n; i++) {
      char c = s.charAt(i);
      if (c < 0x80) {
        dst[p++] = (byte) c;
      } else if (c < 0x800) {
        dst[p++] = (byte) (0xC0 | (c >>> 6));
        dst[p++] = (byte) (0x80 | (c & 0x3F));
      } else if (Character.isHighSurrogate(c)) {
        int cp = Character.toCodePoint(c, s.charAt(++i));
        dst[p++] = (byte) (0xF0 | (cp >>> 18));
        dst[p++] = (byte) (0x80 | ((cp >>> 12) & 0x3F));
        dst[p++] = (byte) (0x80 | ((cp >>> 6) & 0x3F));
        dst[p++] = (byte) (0x80 | (cp & 0x3F));
      } else {
        dst[p++] = (byte) (0xE0 | (c >>> 12));
        dst[p++] = (byte) (0x80 | ((c >>> 6) & 0x3F));
        dst[p++] = (byte) (0x80 | (c & 0x3F));
      }
    }
    return p - off;
  }

  /**
   * Whether {@code b[off, off + len)} is well-formed UTF-8 as defined by Unicode (table 3-7): no
   * overlong forms, no surrogates, no code point above U+10FFFF, no truncated sequence.
   */
  static boolean isWellFormed(byte[] b, int off, int len) {
    int i = off;
    int end = off + len;
    while (i < end) {
      int c = b[i] & 0xFF;
      if (c < 0x80) {
        i++;
        continue;
      }
      int need;
      int lo = 0x80;
      int hi = 0xBF;
      if (c >= 0xC2 && c <= 0xDF) {
        need = 1;
      } else if (c >= 0xE0 && c <= 0xEF) {
        need = 2;
        if (c == 0xE0) {
          lo = 0xA0; // overlong below U+0800
        } else if (c == 0xED) {
          hi = 0x9F; // surrogates U+D800..U+DFFF
        }
      } else if (c >= 0xF0 && c <= 0xF4) {
        need = 3;
        if (c == 0xF0) {
          lo = 0x90; // overlong below U+10000
        } else if (c == 0xF4) {
          hi = 0x8F; // above U+10FFFF
        }
      } else {
        return false;
      }
      if (end - i <= need) {
        return false;
      }
      int second = b[i + 1] & 0xFF;
      if (second < lo || second > hi) {
        return false;
      }
      for (int k = 2; k <= need; k++) {
        if ((b[i + k] & 0xC0) != 0x80) {
          return false;
        }
      }
      i += need + 1;
    }
    return true;
  }
}
