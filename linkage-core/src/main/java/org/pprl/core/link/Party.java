package org.pprl.core.link;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.SeekableByteChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Objects;
import java.util.function.Consumer;
import java.util.function.ObjIntConsumer;
import org.pprl.core.bits.BitFilters;
import org.pprl.core.extract.ExtractHeader;
import org.pprl.core.extract.ExtractReader;
import org.pprl.core.extract.ExtractRecord;
import org.pprl.core.match.FilterMatrix;
import org.pprl.core.match.ProgressLine;

/**
 * One extract held in memory for linking: its record ids, CLKs, field-level filters and the block
 * index of each blocking key, in primitive arrays; records are numbered in file order.
 */
public final class Party {
  /** Stands for a missing blocking key; the extract format keeps presence separately. */
  static final long NO_KEY = Long.MIN_VALUE;

  private final String name;
  private final ExtractHeader header;
  private final RecordIds ids;

  /** The CLKs and field filters; null once released ({@link #releaseFilters}). */
  private volatile FilterMatrix clks;

  private volatile FieldFilters fields;

  /** Each field filter's length in bits, and the CLK's, kept when the filters are released. */
  private final int[] fieldBits;

  private final int clkBits;

  private static final long[] NO_OFFSETS = {};

  /** Records read between two looks at the clock for a progress line. */
  private static final int READ_CHUNK = 1 << 12;

  /** {@link #blockIndex} of each key; the keys themselves are not kept. */
  private final long[][] blockIndex;

  /** The file the records were read from, in its order; null for a party built in memory. */
  private final Path source;

  /**
   * Where every {@link #OFFSET_EVERY}-th record starts in {@link #source} ({@code offsets[k]} is
   * record {@code k · OFFSET_EVERY}'s); empty when there is no source, or it is compressed.
   */
  private final long[] offsets;

  /** Records between two of {@link #offsets}. */
  public static final int OFFSET_EVERY = 256;

  private Party(
      String name,
      ExtractHeader header,
      RecordIds ids,
      FilterMatrix clks,
      FieldFilters fields,
      long[][] blockIndex,
      Path source,
      long[] offsets) {
    this.name = name;
    this.header = header;
    this.ids = ids;
    this.clks = clks;
    this.fields = fields;
    // A party read without its filters (loadWithoutFilters) has their lengths from its header.
    this.fieldBits = fields != null ? fields.bits() : header.fieldBits();
    this.clkBits = clks != null ? clks.bits() : header.clkBits();
    this.blockIndex = blockIndex;
    this.source = source;
    this.offsets = offsets;
  }

  /**
   * A party whose blocking key {@code k} of record {@code r} is {@code keys[k][r]} ({@link #NO_KEY}
   * where missing). The key arrays are turned into the block indexes in place: the caller must not
   * use them afterwards.
   */
  static Party withKeys(
      String name,
      ExtractHeader header,
      RecordIds ids,
      FilterMatrix clks,
      FieldFilters fields,
      long[][] keys) {
    long[][] index = new long[keys.length][];
    for (int k = 0; k < keys.length; k++) {
      assert keys[k].length == ids.size();
      index[k] = indexInPlace(keys[k]);
    }
    return new Party(name, header, ids, clks, fields, index, null, NO_OFFSETS);
  }

  /**
   * {@code (key's high 32 bits) << 32 | record} for every record that has the key, sorted, in the
   * key array itself (trimmed by a copy only when some records lack the key).
   */
  private static long[] indexInPlace(long[] keys) {
    int n = 0;
    for (int r = 0; r < keys.length; r++) {
      if (keys[r] != NO_KEY) {
        keys[n++] = (keys[r] & 0xFFFFFFFF00000000L) | r; // n <= r: nothing unread is overwritten
      }
    }
    long[] out = n == keys.length ? keys : Arrays.copyOf(keys, n);
    Arrays.sort(out);
    return out;
  }

  /**
   * Reads a whole extract (validating it completely).
   *
   * @param name the name that pairs and clusters output use for this extract
   */
  public static Party load(Path file, String name) throws IOException {
    return load(file, name, line -> {}, Long.MAX_VALUE);
  }

  /**
   * Reads a whole extract as {@link #load(Path, String)} does, with a line to {@code progress} at
   * most every {@code progressMillis} saying how many records are read.
   */
  public static Party load(Path file, String name, Consumer<String> progress, long progressMillis)
      throws IOException {
    return read(file, name, progress, progressMillis, true, null);
  }

  /**
   * Reads a whole extract as {@link #load(Path, String, Consumer, long)} does (validating it
   * completely, with the same progress lines), keeping its ids, blocks and offsets but never its
   * CLKs and field filters: the party is {@link #filtersReleased} from the start. Each record is
   * shown to {@code eachRecord} as it is read, with its number in the file (the record is valid
   * during the call only), so that an engine whose executors read the filters from the file again
   * can note what it needs of them (linkage-spark: a checksum of each run of records). At 10.3M
   * records a whole reading held 13.6 GB of heap while its arrays grew; this one about 48 bytes a
   * record.
   */
  public static Party loadWithoutFilters(
      Path file,
      String name,
      Consumer<String> progress,
      long progressMillis,
      ObjIntConsumer<ExtractRecord> eachRecord)
      throws IOException {
    return read(file, name, progress, progressMillis, false, eachRecord);
  }

  private static Party read(
      Path file,
      String name,
      Consumer<String> progress,
      long progressMillis,
      boolean keepFilters,
      ObjIntConsumer<ExtractRecord> eachRecord)
      throws IOException {
    ProgressLine read =
        ProgressLine.counting(progress, progressMillis, "reading " + file.getFileName(), "records");
    try (ExtractReader reader = ExtractReader.open(file)) {
      ExtractHeader header = reader.header();
      int fieldCount = header.fieldFilters().size();
      int keyCount = header.blockingKeys().size();
      // A record holds at least a marker, an id (length and one byte) and every filter's words.
      long words = BitFilters.wordCount(header.clkBits());
      for (ExtractHeader.FieldFilter f : header.fieldFilters()) {
        words += BitFilters.wordCount(f.bits());
      }
      int expected = expectedRecords(file, 4 + 8 * words);
      FilterMatrix.Builder clk = null;
      FieldFilters.Builder fields = null;
      if (keepFilters) {
        clk = FilterMatrix.builder(header.clkBits(), expected);
        fields = new FieldFilters.Builder(header.fieldBits(), expected);
      }
      long[][] filters = new long[fieldCount][];
      RecordIds.Builder ids = new RecordIds.Builder(expected, 16L * expected);
      long[][] keys = new long[keyCount][Math.max(16, expected)];
      ExtractRecord record = reader.newRecord();
      // Offsets can be sought only in an uncompressed file.
      boolean seekable = !reader.compressed();
      LongList offsets = new LongList();
      while (true) {
        int n = ids.size();
        if (seekable && n % OFFSET_EVERY == 0) {
          offsets.add(reader.offset());
        }
        if (!reader.next(record)) {
          break;
        }
        ids.add(record.id());
        if (keepFilters) {
          clk.add(record.clk());
          for (int f = 0; f < fieldCount; f++) {
            filters[f] = record.fieldFilter(f);
          }
          fields.add(filters);
        }
        if (eachRecord != null) {
          eachRecord.accept(record, n);
        }
        for (int k = 0; k < keyCount; k++) {
          if (n == keys[k].length) {
            keys[k] = Arrays.copyOf(keys[k], n * 2);
          }
          keys[k][n] = record.hasBlockingKey(k) ? record.blockingKey(k) : NO_KEY;
        }
        if ((n & (READ_CHUNK - 1)) == READ_CHUNK - 1) {
          read.add(READ_CHUNK);
        }
      }
      read.add(ids.size() % READ_CHUNK);
      read.finish();
      for (int k = 0; k < keyCount; k++) {
        if (keys[k].length != ids.size()) {
          keys[k] = Arrays.copyOf(keys[k], ids.size());
        }
      }
      Party p =
          withKeys(
              name,
              header,
              ids.build(),
              keepFilters ? clk.build() : null,
              keepFilters ? fields.build() : null,
              keys);
      // The last offset kept may be the trailer's (a count divisible by OFFSET_EVERY): dropped.
      long[] starts = offsets.toArray();
      int stretches = (ids.size() + OFFSET_EVERY - 1) / OFFSET_EVERY;
      return new Party(
          name,
          header,
          p.ids,
          p.clks,
          p.fields,
          p.blockIndex,
          file.toAbsolutePath(),
          seekable ? Arrays.copyOf(starts, stretches) : NO_OFFSETS);
    }
  }

  /**
   * The record count the file's trailer declares, read from its last bytes before the file is read
   * through, so that arrays are sized once and never copied to trim; 1024 when the file is
   * compressed or the count does not look right. Only a capacity: {@link #load} validates the
   * trailer as it reads, and a wrong count costs a copy, never a wrong result. A count above what
   * the file's length can hold at {@code minRecordBytes} a record is not believed, so a forged
   * trailer cannot make the arrays larger than the file warrants.
   */
  static int expectedRecords(Path file, long minRecordBytes) throws IOException {
    final int trailer = 1 + 8 + 32; // 'E', u64 record count, SHA-256
    try (SeekableByteChannel channel = Files.newByteChannel(file)) {
      long length = channel.size();
      if (length < 64 + trailer) {
        return 1024;
      }
      ByteBuffer head = ByteBuffer.allocate(1);
      channel.read(head);
      ByteBuffer tail = ByteBuffer.allocate(trailer).order(ByteOrder.LITTLE_ENDIAN);
      channel.position(length - trailer);
      while (tail.hasRemaining() && channel.read(tail) >= 0) {
        // reads until full or the end
      }
      long declared = tail.getLong(1);
      if ((head.get(0) & 0xFF) != 0x89 || tail.get(0) != 'E' || declared < 0) {
        return 1024;
      }
      if (declared > length / minRecordBytes || declared > Integer.MAX_VALUE - 8) {
        return 1024;
      }
      return (int) declared;
    }
  }

  /** Builds a party from filters already in memory (tests, benchmarks). */
  public static Party of(
      String name, ExtractHeader header, String[] ids, FilterMatrix clks, FilterMatrix... fields) {
    if (clks.size() != ids.length) {
      throw new IllegalArgumentException(
          "ids and CLKs differ in count: " + ids.length + " vs " + clks.size());
    }
    for (FilterMatrix f : fields) {
      if (f.size() != ids.length) {
        throw new IllegalArgumentException(
            "ids and field filters differ in count: " + ids.length + " vs " + f.size());
      }
    }
    long[][] noKeys = new long[header.blockingKeys().size()][0];
    return new Party(
        name, header, RecordIds.of(ids), clks, FieldFilters.of(fields), noKeys, null, NO_OFFSETS);
  }

  /** The same records under another name (sharing the arrays). */
  public Party renamed(String newName) {
    return new Party(newName, header, ids, clks(), fields(), blockIndex, source, offsets);
  }

  /**
   * Lets this party's CLKs and field filters go, keeping its ids, blocking index and {@link
   * #source}: for an engine whose executors read them again from the source file (linkage-spark),
   * so that the process holding the party no longer holds them (for the agency schema 456 of about
   * 650 bytes a record). Afterwards {@link #clks} and the field filters fail, naming the party.
   */
  public void releaseFilters() {
    clks = null;
    fields = null;
  }

  /** Whether {@link #releaseFilters} let the CLKs and field filters go. */
  public boolean filtersReleased() {
    return clks == null;
  }

  private IllegalStateException released() {
    return new IllegalStateException(
        "extract "
            + name
            + "'s CLKs and field filters were let go after its records went to the executors;"
            + " load it again to link it here");
  }

  /**
   * The extract file these records were read from, whole and in its order (record {@code r} is the
   * file's {@code r}-th), so that other readers can read them again; empty for a party built in
   * memory.
   */
  public java.util.Optional<Path> source() {
    return java.util.Optional.ofNullable(source);
  }

  /**
   * Where records {@code 0, OFFSET_EVERY, 2 · OFFSET_EVERY, ...} start in the {@link #source} file,
   * for readers that each read a stretch of it ({@link ExtractReader#openAt}); empty for a party
   * built in memory or read from a compressed file.
   */
  public long[] offsets() {
    return offsets.clone();
  }

  public String name() {
    return name;
  }

  public ExtractHeader header() {
    return header;
  }

  public int size() {
    return ids.size();
  }

  /** The id of record {@code record} (built from its stored UTF-8 bytes on each call). */
  public String id(int record) {
    return ids.get(record);
  }

  /**
   * @throws IllegalStateException once the filters were released ({@link #releaseFilters})
   */
  public FilterMatrix clks() {
    FilterMatrix held = clks;
    if (held == null) {
      throw released();
    }
    return held;
  }

  public int fieldCount() {
    return fieldBits.length;
  }

  /** Each field filter's length in bits (kept when the filters are released). */
  int[] fieldBits() {
    return fieldBits.clone();
  }

  /** The CLK's length in bits (kept when the filters are released). */
  int clkBits() {
    return clkBits;
  }

  /**
   * The field-level filters, record by record.
   *
   * @throws IllegalStateException once the filters were released ({@link #releaseFilters})
   */
  FieldFilters fields() {
    FieldFilters held = fields;
    if (held == null) {
      throw released();
    }
    return held;
  }

  /**
   * The blocking index of key {@code k}: {@code (key's high 32 bits) << 32 | record} for every
   * record that has the key, sorted, so that records sharing a block are adjacent. Built when the
   * party is made and kept with it, so a party linked with several others, or again (a service
   * keeps loaded parties between runs), sorts each key once; the raw keys are not kept.
   */
  long[] blockIndex(int k) {
    return blockIndex[k];
  }

  /**
   * A copy of the block index of key {@code k}: {@code block << 32 | record} for every record that
   * has the key, sorted, where the block is the key's high 32 bits (a signed int). For a {@link
   * CandidateFinder}, which sends the blocks elsewhere; the keyed values themselves are not kept.
   *
   * @throws IndexOutOfBoundsException when the extract has no key {@code k}
   */
  public long[] blocks(int k) {
    Objects.checkIndex(k, blockIndex.length);
    return blockIndex[k].clone();
  }
}
