package org.pprl.core.extract;

import java.io.Closeable;
import java.io.IOException;
import java.io.OutputStream;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;
import java.security.MessageDigest;
import java.util.Locale;

/**
 * A streaming writer of extract files: the header on {@link #create}, one record per {@link
 * #write}, and the trailer (record count and SHA-256 of everything before it) on {@link #finish}.
 * The record count need not be known up front.
 *
 * <p>Every record is validated against the header before any of its bytes is written, so a file the
 * writer finishes is one {@link ExtractReader} accepts: array sizes, zero tail bits, id and
 * attribute lengths, well-formed Unicode, and distinct ids (kept in an exact set of the ids
 * written, about 40 bytes per record plus the id). A refused record leaves the writer usable.
 *
 * <p>{@link #close} without {@link #finish} writes no trailer, so an interrupted file reads as
 * truncated; write to an {@link org.pprl.core.io.AtomicOutput} so that it is never seen at all:
 *
 * <pre>{@code
 * try (AtomicOutput out = AtomicOutput.create(path);
 *     ExtractWriter writer = ExtractWriter.create(out.stream(), header)) {
 *   ExtractRecord record = new ExtractRecord(header);
 *   for (...) { fill record; writer.write(record); }
 *   writer.finish();
 *   out.commit();
 * }
 * }</pre>
 *
 * <p>Not thread-safe.
 */
public final class ExtractWriter implements Closeable {
  private static final VarHandle LONGS =
      MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);
  private static final int BUFFER_BYTES = 1 << 16;

  private enum State {
    OPEN,
    FINISHED,
    FAILED,
    CLOSED
  }

  private final OutputStream out;
  private final ExtractHeader header;
  private final Shape shape;
  private final MessageDigest sha = Shape.sha256();
  private final byte[] buf = new byte[BUFFER_BYTES];
  private int pos;

  /** Every id written so far, to refuse repeats; null when the caller guarantees unique ids. */
  private IdSet ids;

  private final byte[] idBytes = new byte[ExtractHeader.MAX_STRING_BYTES];
  private final int[] attributeBytes;
  private long count;
  private State state = State.OPEN;

  private ExtractWriter(OutputStream out, ExtractHeader header) {
    this.out = out;
    this.header = header;
    this.shape = new Shape(header);
    this.attributeBytes = new int[header.attributes().size()];
  }

  /**
   * Starts an extract on {@code out} by writing the magic, the version and the header. The writer
   * takes over the stream and closes it in {@link #close}.
   */
  public static ExtractWriter create(OutputStream out, ExtractHeader header) throws IOException {
    return create(out, header, true);
  }

  /**
   * As {@link #create(OutputStream, ExtractHeader)}; with {@code checkIds} false the writer does
   * not keep every id to refuse repeats, so its memory stays flat however many records it writes.
   * Only for ids unique by construction (row numbers): a repeated id would make a file that {@link
   * ExtractReader} refuses.
   */
  public static ExtractWriter create(OutputStream out, ExtractHeader header, boolean checkIds)
      throws IOException {
    ExtractWriter w = new ExtractWriter(out, header);
    w.ids = checkIds ? new IdSet() : null;
    byte[] body = Format.encodeHeader(header);
    System.arraycopy(Format.MAGIC, 0, w.buf, 0, Format.MAGIC.length);
    w.pos = Format.MAGIC.length;
    w.u16(header.formatVersion());
    w.u32(body.length);
    w.bytes(body, 0, body.length);
    return w;
  }

  /** The header this writer writes. */
  public ExtractHeader header() {
    return header;
  }

  /** Number of records written so far. */
  public long recordCount() {
    return count;
  }

  /**
   * Validates {@code record} against the header and appends it.
   *
   * @throws IllegalArgumentException if the record does not fit the header; the message names the
   *     record index (0-based) and the field, never a value, and nothing was written
   * @throws IllegalStateException after {@link #finish}, {@link #close} or a failed write
   */
  public void write(ExtractRecord record) throws IOException {
    checkState();
    long index = count;
    shape.check(record, index);
    checkTail(record.clk(), header.clkBits(), index, -1);
    for (int f = 0; f < record.fieldFilterCount(); f++) {
      checkTail(record.fieldFilter(f), header.fieldFilters().get(f).bits(), index, f);
    }
    String id = record.id();
    if (id == null) {
      throw refuse(index, "id is not set");
    }
    int idLength = Utf8.encodedLength(id);
    checkLength(idLength, 1, index, "id");
    for (int a = 0; a < attributeBytes.length; a++) {
      String value = record.attribute(a);
      int n = value == null ? -1 : Utf8.encodedLength(value);
      if (value != null && (n < 0 || n > ExtractHeader.MAX_STRING_BYTES)) {
        checkLength(n, 0, index, "attribute " + ExtractHeader.quote(header.attributes().get(a)));
      }
      attributeBytes[a] = n;
    }
    // Last check, as it remembers the id: everything else about the record is valid by now.
    Utf8.encode(id, idBytes, 0);
    if (index >= IdSet.MAX_IDS) {
      throw new IllegalStateException("an extract holds at most " + IdSet.MAX_IDS + " records");
    }
    if (ids != null) {
      int earlier = ids.add(idBytes, 0, idLength);
      if (earlier >= 0) {
        throw refuse(index, "id repeats the id of record " + earlier);
      }
      assert ids.size() == index + 1 : "the id set numbers records as the writer does";
    }
    try {
      writeRecord(record, idLength);
    } catch (IOException | RuntimeException e) {
      state = State.FAILED;
      throw e;
    }
    count++;
  }

  private void writeRecord(ExtractRecord r, int idLength) throws IOException {
    ensure(1 + 2 + idLength);
    buf[pos++] = (byte) Format.RECORD;
    u16(idLength);
    System.arraycopy(idBytes, 0, buf, pos, idLength);
    pos += idLength;
    longs(r.clk());
    for (int f = 0; f < r.fieldFilterCount(); f++) {
      longs(r.fieldFilter(f));
    }
    int keys = r.blockingKeyCount();
    if (keys > 0) {
      long presence = r.blockingKeyPresence();
      mask(presence, keys);
      for (int k = 0; k < keys; k++) {
        if ((presence & (1L << k)) != 0) {
          ensure(8);
          LONGS.set(buf, pos, r.blockingKey(k));
          pos += 8;
        }
      }
    }
    if (attributeBytes.length > 0) {
      long presence = 0;
      for (int a = 0; a < attributeBytes.length; a++) {
        if (attributeBytes[a] >= 0) {
          presence |= 1L << a;
        }
      }
      mask(presence, attributeBytes.length);
      for (int a = 0; a < attributeBytes.length; a++) {
        if (attributeBytes[a] >= 0) {
          ensure(2 + attributeBytes[a]);
          u16(attributeBytes[a]);
          pos += Utf8.encode(r.attribute(a), buf, pos);
        }
      }
    }
    if (r.purposeCount() > 0) {
      mask(r.consent(), r.purposeCount());
    }
  }

  /**
   * Writes the trailer (end marker, record count, SHA-256 of every byte before the digest) and
   * flushes. The stream stays open until {@link #close}.
   *
   * @throws IllegalStateException if already finished, closed or failed
   */
  public void finish() throws IOException {
    checkState();
    try {
      ensure(1 + 8);
      buf[pos++] = (byte) Format.END;
      LONGS.set(buf, pos, count);
      pos += 8;
      flushBuffer();
      out.write(sha.digest());
      out.flush();
      state = State.FINISHED;
    } catch (IOException | RuntimeException e) {
      state = State.FAILED;
      throw e;
    }
  }

  /**
   * Closes the stream. Without {@link #finish} first, no trailer is written (and buffered records
   * may be dropped), so the output is not a valid extract.
   */
  @Override
  public void close() throws IOException {
    if (state == State.CLOSED) {
      return;
    }
    state = State.CLOSED;
    out.close();
  }

  private void checkState() {
    if (state != State.OPEN) {
      throw new IllegalStateException("the writer is " + state.name().toLowerCase(Locale.ROOT));
    }
  }

  private static IllegalArgumentException refuse(long index, String detail) {
    return new IllegalArgumentException("record " + index + ": " + detail);
  }

  /** Checks the tail invariant of the clk ({@code filter == -1}) or of a field filter. */
  private void checkTail(long[] words, int bits, long index, int filter) {
    int used = bits & 63;
    if (used != 0) {
      long tail = words[words.length - 1] & (-1L << used);
      if (tail != 0) {
        String what =
            filter < 0
                ? "clk"
                : "field filter " + ExtractHeader.quote(header.fieldFilters().get(filter).name());
        throw refuse(
            index,
            what
                + " has bit "
                + ((words.length - 1) * 64 + Long.numberOfTrailingZeros(tail))
                + " set, past its "
                + bits
                + " bits");
      }
    }
  }

  private static void checkLength(int n, int min, long index, String what) {
    if (n < 0) {
      throw refuse(index, what + " is not well-formed Unicode (unpaired surrogate)");
    }
    if (n < min || n > ExtractHeader.MAX_STRING_BYTES) {
      throw refuse(
          index,
          what
              + " is "
              + n
              + " UTF-8 bytes, expected "
              + min
              + " to "
              + ExtractHeader.MAX_STRING_BYTES);
    }
  }

  private void ensure(int n) throws IOException {
    assert n <= BUFFER_BYTES;
    if (BUFFER_BYTES - pos < n) {
      flushBuffer();
    }
  }

  private void flushBuffer() throws IOException {
    sha.update(buf, 0, pos);
    out.write(buf, 0, pos);
    pos = 0;
  }

  private void u16(int v) throws IOException {
    ensure(2);
    buf[pos] = (byte) v;
    buf[pos + 1] = (byte) (v >>> 8);
    pos += 2;
  }

  private void u32(int v) throws IOException {
    u16(v);
    u16(v >>> 16);
  }

  private void mask(long m, int n) throws IOException {
    int bytes = Format.maskBytes(n);
    ensure(bytes);
    for (int i = 0; i < bytes; i++) {
      buf[pos++] = (byte) (m >>> (8 * i));
    }
  }

  private void longs(long[] words) throws IOException {
    int i = 0;
    while (i < words.length) {
      ensure(8);
      int n = Math.min(words.length - i, (BUFFER_BYTES - pos) >>> 3);
      for (int end = i + n; i < end; i++, pos += 8) {
        LONGS.set(buf, pos, words[i]);
      }
    }
  }

  private void bytes(byte[] b, int off, int len) throws IOException {
    while (len > 0) {
      ensure(1);
      int n = Math.min(len, BUFFER_BYTES - pos);
      System.arraycopy(b, off, buf, pos, n);
      pos += n;
      off += n;
      len -= n;
    }
  }
}
