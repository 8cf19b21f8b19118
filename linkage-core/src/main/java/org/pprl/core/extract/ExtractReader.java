package org.pprl.core.extract;

import java.io.Closeable;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PushbackInputStream;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.Locale;
import java.util.function.Consumer;
import java.util.zip.GZIPInputStream;
import java.util.zip.ZipException;
import org.pprl.core.bits.BitFilters;
import org.pprl.core.extract.CorruptExtractException.Reason;

/**
 * A streaming reader of extract files that validates every byte: the header when it is opened, each
 * record as {@link #next} reads it, and the trailer's record count and SHA-256 when {@link #next}
 * reaches the end. Accepts plain and gzip-compressed files (detected by the gzip magic).
 *
 * <p>Every problem with the bytes throws {@link CorruptExtractException} with a reason and the byte
 * offset, and never another exception type; its message holds no record content.
 *
 * <p><b>Nothing read is authenticated until {@link #next} returns false</b>: only then have the
 * count and the digest been checked. A consumer that stores records must be ready to discard them
 * if a later call throws. (The digest detects damage, not forgery: anyone can recompute it.)
 *
 * <p>Usage:
 *
 * <pre>{@code
 * try (ExtractReader reader = ExtractReader.open(path)) {
 *   ExtractRecord record = reader.newRecord();
 *   while (reader.next(record)) {
 *     ... // record is overwritten by the next call; copy() it to keep it
 *   }
 * }
 * }</pre>
 *
 * <p>Duplicate ids are found in the same pass with an exact set of the ids seen ({@link IdSet}), at
 * about 40 bytes per record plus the id. Not thread-safe.
 */
public final class ExtractReader implements Closeable {
  private final InputStream stream;
  private final ExtractInput in;
  private final boolean gzip;
  private final ExtractHeader header;
  private final Shape shape;
  private final String[] filterWhat;

  /** Where the first record (or the trailer) starts. */
  private final long headerEnd;

  private final IdSet ids = new IdSet();
  private long count;
  private boolean done;
  private boolean failed;
  private boolean closed;

  /** Reading a stretch of the file from an offset ({@link #openAt}): no count, digest or ids. */
  private boolean stretch;

  private ExtractReader(InputStream stream, boolean gzip) throws IOException {
    this.stream = stream;
    this.gzip = gzip;
    this.in = new ExtractInput(stream, gzip, Shape.sha256());
    this.header = readHeader(in);
    this.headerEnd = in.offset();
    this.shape = new Shape(header);
    filterWhat = new String[header.fieldFilters().size()];
    for (int f = 0; f < filterWhat.length; f++) {
      filterWhat[f] = "field filter " + ExtractHeader.quote(header.fieldFilters().get(f).name());
    }
  }

  /**
   * Opens an extract file and reads its header.
   *
   * @throws CorruptExtractException if the magic, version or header is wrong
   * @throws IOException if the file cannot be read
   */
  public static ExtractReader open(Path path) throws IOException {
    return open(Files.newInputStream(path));
  }

  /**
   * Opens an extract from a stream, plain or gzip-compressed, and reads its header. The reader
   * takes over the stream: {@link #close} closes it, and so does this method if it throws.
   *
   * @throws CorruptExtractException if the magic, version or header is wrong
   */
  public static ExtractReader open(InputStream raw) throws IOException {
    InputStream opened = raw;
    try {
      PushbackInputStream pushback = new PushbackInputStream(raw, 2);
      opened = pushback;
      boolean gzip = isGzip(pushback);
      if (gzip) {
        opened = gunzip(pushback);
      }
      return new ExtractReader(opened, gzip);
    } catch (IOException | RuntimeException e) {
      try {
        opened.close();
      } catch (IOException suppressed) {
        e.addSuppressed(suppressed);
      }
      throw e;
    }
  }

  /**
   * Opens an uncompressed extract file at {@code offset}, where record number {@code first} starts
   * (as {@link #offset} said just before that record was read), after reading and validating its
   * header: for several readers that each read a stretch of one file. {@link #next} validates each
   * record's bytes as in a whole read, but checks neither the record count, nor the digest, nor ids
   * repeated across the file, and returns false at the trailer: <b>what a stretch reader reads is
   * not authenticated at all</b>, and its caller must check it against what it expects
   * (linkage-spark compares a checksum with the one of the records the whole read gave).
   *
   * @throws IllegalArgumentException if the file is compressed (no offset can be sought in it) or
   *     {@code offset} lies inside the header
   * @throws CorruptExtractException if the magic, version or header is wrong
   * @throws IOException if the file cannot be read
   */
  public static ExtractReader openAt(Path path, long offset, long first) throws IOException {
    FileChannel channel = FileChannel.open(path, StandardOpenOption.READ);
    ExtractReader reader;
    try {
      reader = open(Channels.newInputStream(channel));
    } catch (IOException | RuntimeException e) {
      channel.close();
      throw e;
    }
    try {
      if (reader.gzip) {
        throw new IllegalArgumentException(
            "extract " + path.getFileName() + " is compressed: it can only be read whole");
      }
      // The header is read; the buffer may hold bytes past it, which restartAt forgets.
      if (offset < reader.headerEnd || first < 0) {
        throw new IllegalArgumentException(
            "a stretch of extract "
                + path.getFileName()
                + " starts after its header (byte "
                + reader.headerEnd
                + "), not at byte "
                + offset);
      }
      channel.position(offset);
      reader.in.restartAt(offset);
      reader.count = first;
      reader.stretch = true;
      return reader;
    } catch (IOException | RuntimeException e) {
      reader.close();
      throw e;
    }
  }

  /** Peeks at the first two bytes, leaving them to be read again. */
  private static boolean isGzip(PushbackInputStream pushback) throws IOException {
    byte[] first = new byte[2];
    int n = 0;
    while (n < 2) {
      int r = pushback.read(first, n, 2 - n);
      if (r < 0) {
        break;
      }
      n += r;
    }
    pushback.unread(first, 0, n);
    return n == 2 && first[0] == (byte) 0x1F && first[1] == (byte) 0x8B;
  }

  private static InputStream gunzip(InputStream in) throws IOException {
    try {
      return new GZIPInputStream(in, ExtractInput.BUFFER_BYTES);
    } catch (EOFException e) {
      throw new CorruptExtractException(Reason.TRUNCATED, 0, "the gzip header ends early");
    } catch (ZipException e) {
      throw new CorruptExtractException(Reason.BAD_GZIP, 0, "the gzip header is corrupt");
    }
  }

  /**
   * Reads a whole extract file, validating everything, and summarises it.
   *
   * @throws CorruptExtractException at the first problem
   * @throws IOException if the file cannot be read
   */
  public static ExtractSummary verify(Path path) throws IOException {
    return verify(path, record -> {});
  }

  /**
   * As {@link #verify(Path)}, calling {@code each} with every record as it is read, for a caller
   * that needs something of every record (its id, say) without reading the file a second time. The
   * records are not authenticated until this returns: if it throws, discard what {@code each} kept.
   *
   * @param each called with each record in file order; the record is overwritten by the next one
   * @throws CorruptExtractException at the first problem
   * @throws IOException if the file cannot be read
   */
  public static ExtractSummary verify(Path path, Consumer<ExtractRecord> each) throws IOException {
    MessageDigest fileSha = Shape.sha256();
    try (InputStream raw = new DigestInputStream(Files.newInputStream(path), fileSha);
        ExtractReader reader = open(raw)) {
      ExtractRecord record = reader.newRecord();
      long popcount = 0;
      while (reader.next(record)) {
        popcount += BitFilters.popcount(record.clk());
        each.accept(record);
      }
      // gunzip may stop before the end of the file; the file's hash covers every byte.
      raw.transferTo(OutputStream.nullOutputStream());
      long n = reader.recordCount();
      return new ExtractSummary(
          reader.header(),
          n,
          HexFormat.of().formatHex(fileSha.digest()),
          reader.gzip,
          n == 0 ? 0.0 : (double) popcount / n);
    }
  }

  /** The header, validated when the reader was opened. */
  public ExtractHeader header() {
    return header;
  }

  /** A new empty holder shaped for this extract's header. */
  public ExtractRecord newRecord() {
    return new ExtractRecord(header);
  }

  /**
   * Where the next record starts in the extract's bytes (uncompressed), when called between
   * records: what {@link #openAt} takes to read on from there.
   */
  public long offset() {
    return in.offset();
  }

  /** Whether the file is gzip-compressed, so that {@link #openAt} cannot read it. */
  public boolean compressed() {
    return gzip;
  }

  /** Number of records read so far; after the end, the validated total. */
  public long recordCount() {
    return count;
  }

  /**
   * Reads the next record into {@code record}, or validates the trailer at the end.
   *
   * @param record a holder shaped for this header (see {@link #newRecord}); overwritten, and left
   *     in an unspecified state if this method throws
   * @return true if a record was read; false at the end, once the record count, the digest and the
   *     absence of trailing bytes have been checked
   * @throws CorruptExtractException at the first problem with the bytes; the reader is then
   *     unusable
   * @throws IllegalArgumentException if {@code record} has the shape of another header
   * @throws IllegalStateException if the reader is closed or failed earlier
   */
  public boolean next(ExtractRecord record) throws IOException {
    if (closed) {
      throw new IllegalStateException("the reader is closed");
    }
    if (failed) {
      throw new IllegalStateException("the reader failed earlier");
    }
    if (done) {
      return false;
    }
    shape.check(record, -1);
    failed = true; // until this call returns normally
    boolean more = readNext(record);
    failed = false;
    return more;
  }

  /** Closes the underlying stream. Closing before the end is allowed and checks nothing. */
  @Override
  public void close() throws IOException {
    if (!closed) {
      closed = true;
      stream.close();
    }
  }

  private static ExtractHeader readHeader(ExtractInput in) throws IOException {
    byte[] magic = Format.MAGIC;
    int n = in.fill(magic.length);
    for (int i = 0; i < n; i++) {
      if (in.buf[in.pos + i] != magic[i]) {
        throw new CorruptExtractException(
            Reason.BAD_MAGIC, i, "the file does not start with the extract magic");
      }
    }
    in.require(magic.length, "magic");
    in.pos += magic.length;
    long at = in.offset();
    int version = in.u16("format version");
    if (version != ExtractHeader.FORMAT_VERSION && version != 1) {
      throw new CorruptExtractException(
          Reason.UNSUPPORTED_VERSION,
          at,
          "format version "
              + version
              + ", this reader reads 1 and "
              + ExtractHeader.FORMAT_VERSION);
    }
    at = in.offset();
    long length = in.u32("header length");
    if (length < Format.MIN_HEADER_BYTES || length > Format.MAX_HEADER_BYTES) {
      throw new CorruptExtractException(
          Reason.LENGTH_OUT_OF_RANGE,
          at,
          "header length is "
              + length
              + ", expected "
              + Format.MIN_HEADER_BYTES
              + " to "
              + Format.MAX_HEADER_BYTES);
    }
    at = in.offset();
    return Format.decodeHeader(in.bytes((int) length, "header"), at, version);
  }

  private boolean readNext(ExtractRecord r) throws IOException {
    long start = in.offset();
    if (in.fill(1) == 0) {
      throw new CorruptExtractException(
          Reason.TRUNCATED,
          start,
          "the extract ends after " + count + " records, before a trailer");
    }
    int marker = in.u8("marker");
    if (marker == Format.END) {
      if (stretch) {
        done = true; // the trailer's count and digest are the whole file's
        return false;
      }
      readTrailer();
      return false;
    }
    in.record = count;
    if (marker != Format.RECORD) {
      throw corrupt(
          Reason.BAD_RECORD,
          start,
          String.format(
              Locale.ROOT,
              "marker byte 0x%02X is neither a record (0x%02X) nor the trailer (0x%02X)",
              marker,
              Format.RECORD,
              Format.END));
    }
    readId(r, start);

    long at = in.offset();
    in.longs(r.clk(), "clk");
    checkTail(r.clk(), header.clkBits(), at, "clk");
    for (int f = 0; f < filterWhat.length; f++) {
      long[] words = r.fieldFilter(f);
      at = in.offset();
      in.longs(words, filterWhat[f]);
      checkTail(words, header.fieldFilters().get(f).bits(), at, filterWhat[f]);
    }

    int keys = r.blockingKeyCount();
    if (keys > 0) {
      long presence = mask(keys, "blocking key presence");
      long[] values = r.blockingKeyArray();
      for (int k = 0; k < keys; k++) {
        values[k] = (presence & (1L << k)) != 0 ? in.u64("blocking key") : 0L;
      }
      r.setBlockingKeys(presence);
    }

    int attributes = r.attributeCount();
    if (attributes > 0) {
      long presence = mask(attributes, "attribute presence");
      String[] values = r.attributeArray();
      for (int a = 0; a < attributes; a++) {
        values[a] = (presence & (1L << a)) != 0 ? readAttribute(a) : null;
      }
    }

    r.setConsentUnchecked(r.purposeCount() == 0 ? 0L : mask(r.purposeCount(), "consent"));
    in.record = -1;
    count++;
    return true;
  }

  private void readId(ExtractRecord r, long start) throws IOException {
    long at = in.offset();
    int len = in.u16("id length");
    if (len < 1 || len > ExtractHeader.MAX_STRING_BYTES) {
      throw corrupt(
          Reason.LENGTH_OUT_OF_RANGE,
          at,
          "id is " + len + " bytes, expected 1 to " + ExtractHeader.MAX_STRING_BYTES);
    }
    in.require(len, "id");
    int p = in.pos;
    if (!Utf8.isWellFormed(in.buf, p, len)) {
      throw corrupt(Reason.BAD_RECORD, at + 2, "id is not well-formed UTF-8");
    }
    if (count >= IdSet.MAX_IDS) {
      throw corrupt(Reason.LENGTH_OUT_OF_RANGE, start, "more than " + IdSet.MAX_IDS + " records");
    }
    if (!stretch) { // a stretch sees a part of the ids; the whole read checked them all
      int earlier = ids.add(in.buf, p, len);
      if (earlier >= 0) {
        throw corrupt(Reason.DUPLICATE_ID, start, "id repeats the id of record " + earlier);
      }
      assert ids.size() == count + 1 : "the id set numbers records as the reader does";
    }
    r.setIdUnchecked(new String(in.buf, p, len, StandardCharsets.UTF_8));
    in.pos += len;
  }

  private String readAttribute(int a) throws IOException {
    long at = in.offset();
    int len = in.u16("attribute length");
    if (len > ExtractHeader.MAX_STRING_BYTES) {
      throw corrupt(
          Reason.LENGTH_OUT_OF_RANGE,
          at,
          "attribute "
              + ExtractHeader.quote(header.attributes().get(a))
              + " is "
              + len
              + " bytes, at most "
              + ExtractHeader.MAX_STRING_BYTES);
    }
    in.require(len, "attribute");
    int p = in.pos;
    if (!Utf8.isWellFormed(in.buf, p, len)) {
      throw corrupt(
          Reason.BAD_RECORD,
          at + 2,
          "attribute " + ExtractHeader.quote(header.attributes().get(a)) + " is not UTF-8");
    }
    in.pos += len;
    return new String(in.buf, p, len, StandardCharsets.UTF_8);
  }

  /** Reads a bitmask over {@code n <= 64} entries and checks that no bit at or above n is set. */
  private long mask(int n, String what) throws IOException {
    assert n > 0 && n <= 64;
    int bytes = Format.maskBytes(n);
    long at = in.offset();
    in.require(bytes, what);
    long m = 0;
    for (int i = 0; i < bytes; i++) {
      m |= (in.buf[in.pos + i] & 0xFFL) << (8 * i);
    }
    in.pos += bytes;
    if (n < 64 && (m >>> n) != 0) {
      throw corrupt(
          Reason.BAD_RECORD,
          at,
          what + " has bit " + (63 - Long.numberOfLeadingZeros(m)) + " set, but covers " + n);
    }
    return m;
  }

  private void checkTail(long[] words, int bits, long at, String what)
      throws CorruptExtractException {
    int used = bits & 63;
    if (used != 0) {
      long tail = words[words.length - 1] & (-1L << used);
      if (tail != 0) {
        throw corrupt(
            Reason.TAIL_BITS_SET,
            at + 8L * (words.length - 1),
            what
                + " has bit "
                + ((words.length - 1) * 64 + Long.numberOfTrailingZeros(tail))
                + " set, past its "
                + bits
                + " bits");
      }
    }
  }

  private void readTrailer() throws IOException {
    long at = in.offset();
    long declared = in.u64("trailer record count");
    if (declared != count) {
      throw new CorruptExtractException(
          Reason.COUNT_MISMATCH,
          at,
          "the trailer counts "
              + Long.toUnsignedString(declared)
              + " records, the extract has "
              + count);
    }
    byte[] actual = in.digestSoFar();
    at = in.offset();
    in.require(Format.DIGEST_BYTES, "trailer digest");
    if (!MessageDigest.isEqual(
        actual, java.util.Arrays.copyOfRange(in.buf, in.pos, in.pos + Format.DIGEST_BYTES))) {
      throw new CorruptExtractException(
          Reason.DIGEST_MISMATCH, at, "the trailer's SHA-256 differs from the bytes' SHA-256");
    }
    in.pos += Format.DIGEST_BYTES;
    if (!in.atEnd()) {
      throw new CorruptExtractException(
          Reason.TRAILING_BYTES, in.offset(), "bytes follow the trailer");
    }
    done = true;
  }

  private CorruptExtractException corrupt(Reason reason, long offset, String detail) {
    return new CorruptExtractException(reason, offset, in.where(detail));
  }
}
