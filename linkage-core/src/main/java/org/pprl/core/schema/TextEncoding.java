package org.pprl.core.schema;

import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.Charset;
import java.nio.charset.CharsetEncoder;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;

/**
 * The text encodings a v3 schema allows for turning tokens into bytes, with Python's semantics.
 *
 * <p>Python's {@code "utf-16"} and {@code "utf-32"} codecs write a byte-order mark and then the
 * machine's byte order, which is little-endian on every platform clkhash runs on; Java's {@code
 * UTF-16} would write a big-endian mark. So these are encoded as {@code FF FE} + UTF-16LE and
 * {@code FF FE 00 00} + UTF-32LE. Lone surrogates cannot be encoded by any of them, as in Python.
 */
public enum TextEncoding {
  ASCII("ascii", StandardCharsets.US_ASCII, new byte[0]),
  UTF_8("utf-8", StandardCharsets.UTF_8, new byte[0]),
  UTF_16("utf-16", StandardCharsets.UTF_16LE, new byte[] {(byte) 0xFF, (byte) 0xFE}),
  UTF_32("utf-32", Charset.forName("UTF-32LE"), new byte[] {(byte) 0xFF, (byte) 0xFE, 0, 0});

  private final String schemaName;
  private final Charset charset;
  private final byte[] bom;

  TextEncoding(String schemaName, Charset charset, byte[] bom) {
    this.schemaName = schemaName;
    this.charset = charset;
    this.bom = bom;
  }

  /** The name the schema uses, such as {@code utf-8}. */
  public String schemaName() {
    return schemaName;
  }

  static TextEncoding fromSchemaName(String name) {
    for (TextEncoding e : values()) {
      if (e.schemaName.equals(name)) {
        return e;
      }
    }
    return null;
  }

  /** Whether every character of {@code s} can be encoded (Python's {@code str.encode} succeeds). */
  public boolean canEncode(CharSequence s) {
    int n = s.length();
    if (this == ASCII) {
      for (int i = 0; i < n; i++) {
        if (s.charAt(i) >= 0x80) {
          return false;
        }
      }
      return true;
    }
    for (int i = 0; i < n; i++) {
      char c = s.charAt(i);
      if (Character.isHighSurrogate(c)) {
        if (i + 1 < n && Character.isLowSurrogate(s.charAt(i + 1))) {
          i++;
        } else {
          return false;
        }
      } else if (Character.isLowSurrogate(c)) {
        return false;
      }
    }
    return true;
  }

  /**
   * Encodes {@code s} as Python's {@code s.encode(name)} does.
   *
   * @throws IllegalArgumentException if a character cannot be encoded (the message never contains
   *     the text)
   */
  public byte[] encode(CharSequence s) {
    CharsetEncoder encoder =
        charset
            .newEncoder()
            .onMalformedInput(CodingErrorAction.REPORT)
            .onUnmappableCharacter(CodingErrorAction.REPORT);
    ByteBuffer body;
    try {
      body = encoder.encode(CharBuffer.wrap(s));
    } catch (CharacterCodingException e) {
      throw new IllegalArgumentException("text cannot be encoded in " + schemaName, e);
    }
    byte[] out = new byte[bom.length + body.remaining()];
    System.arraycopy(bom, 0, out, 0, bom.length);
    body.get(out, bom.length, body.remaining());
    return out;
  }
}
