package org.pprl.core.extract;

import static org.pprl.core.extract.ExtractHeader.FINGERPRINT_BYTES;
import static org.pprl.core.extract.ExtractHeader.MAX_FILTER_BITS;
import static org.pprl.core.extract.ExtractHeader.MAX_NAMES;
import static org.pprl.core.extract.ExtractHeader.MAX_STRING_BYTES;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.pprl.core.extract.CorruptExtractException.Reason;

/**
 * The constants of the extract format and the codec of its header; {@code docs/extract-format.md}
 * describes the same layout byte by byte, and the two must change together.
 *
 * <p>All integers are little-endian, like the CLK words. Strings are a u16 byte length followed by
 * strict UTF-8 ({@link Utf8}).
 */
final class Format {
  private Format() {}

  /**
   * The first ten bytes, PNG-style: a non-ASCII byte (catches 7-bit transfers and text sniffing),
   * the name, CR LF (catches line-ending conversion), Ctrl-Z (stops DOS {@code type}), LF.
   */
  static final byte[] MAGIC = {(byte) 0x89, 'P', 'P', 'R', 'L', 'X', '\r', '\n', 0x1A, '\n'};

  /** Bytes before the header: magic, u16 version, u32 header length. */
  static final int PREAMBLE_BYTES = MAGIC.length + 2 + 4;

  /** Marker byte that starts a record. */
  static final int RECORD = 'R';

  /** Marker byte that starts the trailer. */
  static final int END = 'E';

  /** Trailer after its marker: u64 record count, then the 32-byte SHA-256. */
  static final int DIGEST_BYTES = 32;

  /** Shortest possible header: fingerprint, two 1-byte strings, clk bits, four empty lists. */
  static final int MIN_HEADER_BYTES = FINGERPRINT_BYTES + 2 * (2 + 1) + 4 + 4 * 2;

  /** Longest possible header: every string and list at its maximum, and a key check. */
  static final int MAX_HEADER_BYTES =
      FINGERPRINT_BYTES
          + 1
          + ExtractHeader.KEY_CHECK_BYTES
          + 2 * (2 + MAX_STRING_BYTES)
          + 4
          + 4 * 2
          + MAX_NAMES * (2 + MAX_STRING_BYTES + 4)
          + 3 * MAX_NAMES * (2 + MAX_STRING_BYTES);

  /** Bytes of a bitmask over {@code n} entries. */
  static int maskBytes(int n) {
    return (n + 7) >>> 3;
  }

  /** Serialises the header body (without the preamble). */
  static byte[] encodeHeader(ExtractHeader h) {
    ByteArrayOutputStream out = new ByteArrayOutputStream(256);
    out.writeBytes(h.schemaFingerprint());
    if (h.formatVersion() >= 2) {
      byte[] keyCheck = h.keyCheck();
      out.write(keyCheck.length);
      out.writeBytes(keyCheck);
    }
    putString(out, h.agency());
    putString(out, h.toolVersion());
    putU32(out, h.clkBits());
    putU16(out, h.fieldFilters().size());
    for (ExtractHeader.FieldFilter f : h.fieldFilters()) {
      putString(out, f.name());
      putU32(out, f.bits());
    }
    putStrings(out, h.blockingKeys());
    putStrings(out, h.attributes());
    putStrings(out, h.purposes());
    byte[] bytes = out.toByteArray();
    assert bytes.length >= MIN_HEADER_BYTES && bytes.length <= MAX_HEADER_BYTES;
    return bytes;
  }

  private static void putStrings(ByteArrayOutputStream out, List<String> names) {
    putU16(out, names.size());
    for (String name : names) {
      putString(out, name);
    }
  }

  private static void putString(ByteArrayOutputStream out, String s) {
    byte[] b = s.getBytes(StandardCharsets.UTF_8); // well-formed: the header checked it
    putU16(out, b.length);
    out.writeBytes(b);
  }

  private static void putU16(ByteArrayOutputStream out, int v) {
    out.write(v);
    out.write(v >>> 8);
  }

  private static void putU32(ByteArrayOutputStream out, int v) {
    putU16(out, v);
    putU16(out, v >>> 16);
  }

  /**
   * Parses a header body that starts at stream offset {@code base}.
   *
   * @throws CorruptExtractException BAD_HEADER or LENGTH_OUT_OF_RANGE, at the offending field
   */
  static ExtractHeader decodeHeader(byte[] b, long base, int version)
      throws CorruptExtractException {
    HeaderCursor c = new HeaderCursor(b, base);
    byte[] fingerprint = c.bytes(FINGERPRINT_BYTES, "schema fingerprint");
    byte[] keyCheck = new byte[0];
    if (version >= 2) {
      long at = base + c.pos;
      int n = c.bytes(1, "key check length")[0] & 0xFF;
      if (n != 0 && n != ExtractHeader.KEY_CHECK_BYTES) {
        throw new CorruptExtractException(
            Reason.LENGTH_OUT_OF_RANGE,
            at,
            "key check length is " + n + ", expected 0 or " + ExtractHeader.KEY_CHECK_BYTES);
      }
      keyCheck = c.bytes(n, "key check");
    }
    String agency = c.string("agency");
    String tool = c.string("tool version");
    int clkBits = c.bits("clk bits");
    int filterCount = c.count("field filter count");
    List<ExtractHeader.FieldFilter> filters = new ArrayList<>(filterCount);
    List<String> filterNames = new ArrayList<>(filterCount);
    List<Integer> filterBits = new ArrayList<>(filterCount);
    for (int f = 0; f < filterCount; f++) {
      filterNames.add(c.string("field filter name " + f));
      filterBits.add(c.bits("field filter " + f + " bits"));
    }
    List<String> blockingKeys = c.strings("blocking key");
    List<String> attributes = c.strings("attribute");
    List<String> purposes = c.strings("purpose");
    if (c.pos != b.length) {
      throw new CorruptExtractException(
          Reason.BAD_HEADER,
          base + c.pos,
          "header has " + (b.length - c.pos) + " bytes after its last field");
    }
    try {
      for (int f = 0; f < filterCount; f++) {
        filters.add(new ExtractHeader.FieldFilter(filterNames.get(f), filterBits.get(f)));
      }
      return new ExtractHeader(
          version,
          fingerprint,
          agency,
          tool,
          clkBits,
          filters,
          blockingKeys,
          attributes,
          purposes,
          keyCheck);
    } catch (IllegalArgumentException e) {
      throw new CorruptExtractException(Reason.BAD_HEADER, base, e.getMessage());
    }
  }

  /** Reads header fields from a byte array, refusing to run past its end. */
  private static final class HeaderCursor {
    final byte[] b;
    final long base;
    int pos;

    HeaderCursor(byte[] b, long base) {
      this.b = b;
      this.base = base;
    }

    private void need(int n, String what) throws CorruptExtractException {
      if (b.length - pos < n) {
        throw new CorruptExtractException(
            Reason.BAD_HEADER, base + pos, "header of " + b.length + " bytes ends inside " + what);
      }
    }

    byte[] bytes(int n, String what) throws CorruptExtractException {
      need(n, what);
      byte[] out = new byte[n];
      System.arraycopy(b, pos, out, 0, n);
      pos += n;
      return out;
    }

    int u16(String what) throws CorruptExtractException {
      need(2, what);
      int v = (b[pos] & 0xFF) | (b[pos + 1] & 0xFF) << 8;
      pos += 2;
      return v;
    }

    long u32(String what) throws CorruptExtractException {
      need(4, what);
      long v =
          (b[pos] & 0xFFL)
              | (b[pos + 1] & 0xFFL) << 8
              | (b[pos + 2] & 0xFFL) << 16
              | (b[pos + 3] & 0xFFL) << 24;
      pos += 4;
      return v;
    }

    int bits(String what) throws CorruptExtractException {
      int at = pos;
      long v = u32(what);
      if (v < 1 || v > MAX_FILTER_BITS) {
        throw new CorruptExtractException(
            Reason.LENGTH_OUT_OF_RANGE,
            base + at,
            what + " is " + v + ", expected 1 to " + MAX_FILTER_BITS);
      }
      return (int) v;
    }

    int count(String what) throws CorruptExtractException {
      int at = pos;
      int v = u16(what);
      if (v > MAX_NAMES) {
        throw new CorruptExtractException(
            Reason.LENGTH_OUT_OF_RANGE, base + at, what + " is " + v + ", at most " + MAX_NAMES);
      }
      return v;
    }

    String string(String what) throws CorruptExtractException {
      int at = pos;
      int len = u16(what + " length");
      if (len < 1 || len > MAX_STRING_BYTES) {
        throw new CorruptExtractException(
            Reason.LENGTH_OUT_OF_RANGE,
            base + at,
            what + " is " + len + " bytes, expected 1 to " + MAX_STRING_BYTES);
      }
      need(len, what);
      if (!Utf8.isWellFormed(b, pos, len)) {
        throw new CorruptExtractException(
            Reason.BAD_HEADER, base + pos, what + " is not well-formed UTF-8");
      }
      String s = new String(b, pos, len, StandardCharsets.UTF_8);
      pos += len;
      return s;
    }

    List<String> strings(String what) throws CorruptExtractException {
      int n = count(what + " count");
      List<String> out = new ArrayList<>(n);
      for (int i = 0; i < n; i++) {
        out.add(string(what + " name " + i));
      }
      return out;
    }
  }
}
