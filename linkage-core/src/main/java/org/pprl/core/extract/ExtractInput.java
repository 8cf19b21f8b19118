package org.pprl.core.extract;

import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;
import java.security.MessageDigest;
import java.util.zip.ZipException;
import org.pprl.core.extract.CorruptExtractException.Reason;

/**
 * The reader's byte source: a buffer over the (possibly gunzipped) stream that decodes
 * little-endian integers, tracks the stream offset, and feeds every consumed byte to SHA-256.
 *
 * <p>Digest bookkeeping: {@code buf[0, digested)} has been fed to the digest. Bytes are fed when
 * the buffer is compacted and when {@link #digestSoFar} is called at the trailer, so the digest
 * covers exactly the bytes before the trailer's digest field.
 */
final class ExtractInput {
  static final int BUFFER_BYTES = 1 << 16;
  private static final VarHandle SHORTS =
      MethodHandles.byteArrayViewVarHandle(short[].class, ByteOrder.LITTLE_ENDIAN);
  private static final VarHandle INTS =
      MethodHandles.byteArrayViewVarHandle(int[].class, ByteOrder.LITTLE_ENDIAN);
  private static final VarHandle LONGS =
      MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);

  private final InputStream in;
  private final boolean gzip;
  private final MessageDigest sha;
  final byte[] buf = new byte[BUFFER_BYTES];
  int pos;
  private int limit;
  private int digested;
  private long base; // stream offset of buf[0]
  private boolean eof;

  /** Index of the record being read, for messages; -1 outside records. */
  long record = -1;

  ExtractInput(InputStream in, boolean gzip, MessageDigest sha) {
    this.in = in;
    this.gzip = gzip;
    this.sha = sha;
  }

  /**
   * Forgets what is buffered and goes on from {@code offset}, where the caller has moved the
   * underlying stream's source; the digest is no longer the file's from here.
   */
  void restartAt(long offset) {
    base = offset;
    pos = 0;
    limit = 0;
    digested = 0;
    eof = false;
  }

  /** Stream offset of the next byte. */
  long offset() {
    return base + pos;
  }

  /** Offset at a buffer position. */
  long offsetOf(int bufferPos) {
    return base + bufferPos;
  }

  /**
   * Makes {@code n <= BUFFER_BYTES} bytes available at {@code pos}, or as many as the stream has;
   * returns how many are available.
   */
  int fill(int n) throws IOException {
    assert n <= BUFFER_BYTES;
    if (limit - pos >= n) {
      return n;
    }
    if (pos > 0) {
      sha.update(buf, digested, pos - digested);
      System.arraycopy(buf, pos, buf, 0, limit - pos);
      base += pos;
      limit -= pos;
      pos = 0;
      digested = 0;
    }
    while (limit < n && !eof) {
      int r = read(buf, limit, buf.length - limit);
      if (r < 0) {
        eof = true;
      } else {
        limit += r;
      }
    }
    return Math.min(n, limit);
  }

  private int read(byte[] b, int off, int len) throws IOException {
    if (!gzip) {
      return in.read(b, off, len);
    }
    try {
      return in.read(b, off, len);
    } catch (EOFException e) {
      throw new CorruptExtractException(
          Reason.TRUNCATED, base + limit, where("the gzip stream ends early"));
    } catch (ZipException e) {
      throw new CorruptExtractException(
          Reason.BAD_GZIP, base + limit, where("the gzip stream is corrupt"));
    }
  }

  /**
   * Makes {@code n <= BUFFER_BYTES} bytes available at {@code pos}.
   *
   * @throws CorruptExtractException TRUNCATED if the stream ends first
   */
  void require(int n, String what) throws IOException {
    if (limit - pos < n && fill(n) < n) {
      throw new CorruptExtractException(
          Reason.TRUNCATED, base + limit, where("the extract ends inside the " + what));
    }
  }

  /** {@code detail}, prefixed with {@code record N: } when inside a record. */
  String where(String detail) {
    return record < 0 ? detail : "record " + record + ": " + detail;
  }

  int u8(String what) throws IOException {
    require(1, what);
    return buf[pos++] & 0xFF;
  }

  int u16(String what) throws IOException {
    require(2, what);
    int v = (short) SHORTS.get(buf, pos) & 0xFFFF;
    pos += 2;
    return v;
  }

  long u32(String what) throws IOException {
    require(4, what);
    long v = (int) INTS.get(buf, pos) & 0xFFFF_FFFFL;
    pos += 4;
    return v;
  }

  long u64(String what) throws IOException {
    require(8, what);
    long v = (long) LONGS.get(buf, pos);
    pos += 8;
    return v;
  }

  /** Reads {@code dst.length} little-endian longs. */
  void longs(long[] dst, String what) throws IOException {
    int i = 0;
    while (i < dst.length) {
      require(8, what);
      int n = Math.min(dst.length - i, (limit - pos) >>> 3);
      for (int end = i + n; i < end; i++, pos += 8) {
        dst[i] = (long) LONGS.get(buf, pos);
      }
    }
  }

  /** Reads {@code n} bytes into a new array (for the header, which may exceed the buffer). */
  byte[] bytes(int n, String what) throws IOException {
    byte[] out = new byte[n];
    int done = 0;
    while (done < n) {
      require(1, what);
      int k = Math.min(n - done, limit - pos);
      System.arraycopy(buf, pos, out, done, k);
      pos += k;
      done += k;
    }
    return out;
  }

  /** The SHA-256 of every byte before {@code pos}; ends the digest. */
  byte[] digestSoFar() {
    sha.update(buf, digested, pos - digested);
    digested = pos;
    return sha.digest();
  }

  /** Whether the stream has no byte after {@code pos}. */
  boolean atEnd() throws IOException {
    return fill(1) == 0;
  }
}
