package org.pprl.core.extract;

import java.io.IOException;
import java.util.Objects;

/**
 * Thrown when the bytes of an extract file are not a valid extract: the one exception type for
 * corrupt or malicious input, with a machine-readable {@link Reason} and the byte offset.
 *
 * <p>The message is one line, {@code corrupt extract (REASON at byte N): detail}, and never holds
 * record content: it names the record index, the field and what was wrong with its shape. Offsets
 * count bytes of the uncompressed extract (after gunzip when the file is gzip-compressed).
 */
public final class CorruptExtractException extends IOException {
  private static final long serialVersionUID = 1L;

  /** What was wrong with the bytes. */
  public enum Reason {
    /** The file does not start with the extract magic (nor with the gzip magic). */
    BAD_MAGIC,
    /** The format version is not one this reader knows. */
    UNSUPPORTED_VERSION,
    /** The header is malformed: bad UTF-8, repeated names, a length that disagrees. */
    BAD_HEADER,
    /** The bytes end before the trailer does. */
    TRUNCATED,
    /** A record is malformed: unknown marker, bad UTF-8, bits set past a bitmask's count. */
    BAD_RECORD,
    /** A CLK or field filter has a bit set past its length. */
    TAIL_BITS_SET,
    /** A length or count is outside its allowed range. */
    LENGTH_OUT_OF_RANGE,
    /** Two records have the same id. */
    DUPLICATE_ID,
    /** The trailer's record count differs from the number of records read. */
    COUNT_MISMATCH,
    /** The trailer's SHA-256 differs from the SHA-256 of the bytes before it. */
    DIGEST_MISMATCH,
    /** Bytes follow the trailer. */
    TRAILING_BYTES,
    /** The gzip wrapper is corrupt (bad header, deflate data or CRC). */
    BAD_GZIP
  }

  private final Reason reason;
  private final long offset;

  /**
   * Creates the exception.
   *
   * @param reason what was wrong
   * @param offset byte offset in the uncompressed extract where the problem was found
   * @param detail one line naming the record index and field, never a value
   */
  public CorruptExtractException(Reason reason, long offset, String detail) {
    super(
        "corrupt extract ("
            + Objects.requireNonNull(reason, "reason")
            + " at byte "
            + offset
            + "): "
            + detail);
    this.reason = reason;
    this.offset = offset;
  }

  /** What was wrong with the bytes. */
  public Reason reason() {
    return reason;
  }

  /** Byte offset in the uncompressed extract where the problem was found. */
  public long offset() {
    return offset;
  }
}
