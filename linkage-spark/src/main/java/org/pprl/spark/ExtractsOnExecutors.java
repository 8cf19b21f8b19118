package org.pprl.spark;

import java.io.IOException;
import java.io.Serializable;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.WeakHashMap;
import org.apache.spark.TaskContext;
import org.pprl.core.extract.CorruptExtractException;
import org.pprl.core.extract.ExtractHeader;
import org.pprl.core.extract.ExtractReader;
import org.pprl.core.extract.ExtractRecord;
import org.pprl.core.link.FieldRows;
import org.pprl.core.link.Party;

/**
 * The records of an extract read on an executor from the extract's file, where the driver would
 * otherwise send every record it holds inside the tasks (at 3M records a side, tasks of 220-420 MB,
 * and a second copy of the records on the driver until the job ends).
 *
 * <p>The executors read the file the driver read, each task a stretch of it from an offset the
 * driver noted while it read ({@link Party#offsets}; a compressed file is read whole by one task,
 * which checks its trailer's count and digest), and build each record as {@link
 * SparkCandidates#keyed} builds it from the party. The file must not change in between: each
 * stretch carries a checksum of what the driver holds of it (record numbers, CLKs, field rows,
 * blocks), the task computes the same over what it read, and a difference fails the job naming the
 * file. The file must be at the same path for every executor: one machine, or a filesystem every
 * executor mounts there.
 */
final class ExtractsOnExecutors {
  private ExtractsOnExecutors() {}

  /**
   * One extract, or a stretch of it, for an executor to read: records {@code first} to {@code first
   * + records - 1}, starting at byte {@code offset} of the file ({@code -1}: the whole file, read
   * from its start and checked to its trailer).
   */
  static final class Source implements Serializable {
    private static final long serialVersionUID = 1L;
    final String path;
    final int side;
    final long offset;
    final int first;
    final int records;
    final int clkBits;
    final int keys;

    /** Field filters' bits, or null when the fields are not compared (nor sent). */
    final int[] fieldBits;

    final long checksum;

    private Source(
        Party party, int side, boolean fields, long[] sums, long offset, int first, int records) {
      this.path = party.source().orElseThrow().toString();
      this.side = side;
      this.offset = offset;
      this.first = first;
      this.records = records;
      this.clkBits = party.header().clkBits();
      this.keys = party.header().blockingKeys().size();
      this.fieldBits = fields ? party.header().fieldBits() : null;
      long sum = 0;
      for (int c = first / Party.OFFSET_EVERY;
          c * (long) Party.OFFSET_EVERY < first + (long) records;
          c++) {
        sum = combine(sum, sums[c]);
      }
      this.checksum = sum;
    }
  }

  /**
   * Each party's checksums of its runs of {@link Party#OFFSET_EVERY} records, with the field
   * filters ({@code [0]}) and without ({@code [1]}) ({@link #mix}), each taken from its arrays when
   * first asked for, so that they outlive the arrays ({@link #noteChecksums}).
   */
  private static final Map<Party, long[][]> CHECKSUMS = new WeakHashMap<>();

  /**
   * Notes the party's checksums with its field filters while it holds them, so that its records can
   * be read on the executors after it let them go ({@link Party#releaseFilters}).
   */
  static void noteChecksums(Party party) {
    checksums(party, true);
  }

  /**
   * Notes {@code sums}, the checksums with field rows of the runs of a party read without its
   * filters ({@link RunChecksums}).
   */
  static void noteChecksums(Party party, long[] sums) {
    if (sums.length != (party.size() + Party.OFFSET_EVERY - 1) / Party.OFFSET_EVERY) {
      throw new IllegalArgumentException(
          sums.length + " runs' checksums for the " + party.size() + " records of " + party.name());
    }
    synchronized (CHECKSUMS) {
      CHECKSUMS.computeIfAbsent(party, p -> new long[2][])[0] = sums.clone();
    }
  }

  /** The checksum of each run of {@link Party#OFFSET_EVERY} records, with the fields or not. */
  private static long[] checksums(Party party, boolean fields) {
    synchronized (CHECKSUMS) {
      long[][] both = CHECKSUMS.computeIfAbsent(party, p -> new long[2][]);
      int which = fields ? 0 : 1;
      if (both[which] == null) {
        if (party.filtersReleased()) {
          throw new IllegalStateException(
              "extract " + party.name() + " let its filters go before its checksums were noted");
        }
        long[][] blocks = SparkCandidates.blocksByRecord(party);
        long[] sums = new long[(party.size() + Party.OFFSET_EVERY - 1) / Party.OFFSET_EVERY];
        for (int c = 0; c < sums.length; c++) {
          long sum = 0;
          for (int r = c * Party.OFFSET_EVERY;
              r < Math.min(party.size(), (c + 1) * Party.OFFSET_EVERY);
              r++) {
            sum = mix(sum, SparkCandidates.keyed(party, 0, fields, blocks, r));
          }
          sums[c] = sum;
        }
        both[which] = sums;
      }
      return both[which];
    }
  }

  /** Whether the party can be read again by the executors: it was read whole from a file. */
  static boolean readable(Party party) {
    return party.source().isPresent();
  }

  /**
   * The party as up to {@code stretches} sources of about equal size, each a stretch of its file
   * that one task reads, so that many tasks read one extract; one source, the whole file, where the
   * file is compressed (no offset can be sought in it) or {@code stretches} is 1. The driver's
   * checksum of each is taken from its arrays.
   */
  static List<Source> sources(Party party, int side, boolean fields, int stretches) {
    long[] sums = checksums(party, fields);
    long[] offsets = party.offsets();
    List<Source> out = new ArrayList<>();
    if (stretches <= 1 || offsets.length <= 1) {
      out.add(new Source(party, side, fields, sums, -1, 0, party.size()));
      return out;
    }
    // Whole stretches of the party's offsets, as many to a source as make `stretches` of them.
    int per = (offsets.length + stretches - 1) / stretches;
    for (int o = 0; o < offsets.length; o += per) {
      int first = o * Party.OFFSET_EVERY;
      int end = Math.min(party.size(), (o + per) * Party.OFFSET_EVERY);
      out.add(new Source(party, side, fields, sums, offsets[o], first, end - first));
    }
    return out;
  }

  /**
   * The records of {@code source}'s file or stretch, numbered in file order, built lazily as the
   * task consumes them; the reader is closed at the end or when the task ends.
   */
  static Iterator<SparkCandidates.Keyed> read(Source source) throws IOException {
    Path file = Paths.get(source.path);
    ExtractReader reader;
    try {
      reader =
          source.offset < 0
              ? ExtractReader.open(file)
              : ExtractReader.openAt(file, source.offset, source.first);
    } catch (IOException e) {
      throw new ReadFailure(
          "extract "
              + file.getFileName()
              + " could not be read on an executor ("
              + e
              + "); with "
              + SparkEngine.READ
              + "=executors every executor must see the extracts at the driver's paths",
          e);
    }
    TaskContext task = TaskContext.get();
    if (task != null) {
      task.addTaskCompletionListener(
          (TaskContext done) -> {
            try {
              reader.close();
            } catch (IOException e) {
              throw new UncheckedIOException(e);
            }
          });
    }
    ExtractHeader header = reader.header();
    if (header.clkBits() != source.clkBits
        || header.blockingKeys().size() != source.keys
        || (source.fieldBits != null && !Arrays.equals(header.fieldBits(), source.fieldBits))) {
      reader.close();
      throw changed(file, "its header");
    }
    ExtractRecord record = reader.newRecord();
    long[][] filters = new long[header.fieldFilters().size()][];
    return new Iterator<>() {
      private int read;
      private boolean ready;
      private boolean more;
      private long sum;
      private long run;

      @Override
      public boolean hasNext() {
        if (!ready) {
          try {
            // A stretch ends after its records; the whole file at its trailer, checked.
            more = (source.offset < 0 || read < source.records) && reader.next(record);
          } catch (IOException e) {
            if (e instanceof CorruptExtractException && source.offset >= 0) {
              // The driver read the whole file valid: it was replaced.
              throw changed(file, e.getMessage());
            }
            throw new ReadFailure(file.getFileName() + ": " + e.getMessage(), e);
          }
          ready = true;
          if (!more) {
            if (read != source.records) {
              throw changed(
                  file,
                  read
                      + " records where the driver read "
                      + source.records
                      + (source.offset < 0 ? "" : " from record " + source.first));
            }
            if (read > 0) {
              sum = combine(sum, run);
            }
            if (sum != source.checksum) {
              throw changed(file, "its records");
            }
          }
        }
        return more;
      }

      @Override
      public SparkCandidates.Keyed next() {
        if (!hasNext()) {
          throw new NoSuchElementException();
        }
        ready = false;
        if (read == source.records) {
          throw changed(file, "more records than the driver read");
        }
        int number = source.first + read++;
        SparkCandidates.Keyed keyed =
            keyed(record, source.side, number, source.fieldBits, source.keys, filters);
        if (number % Party.OFFSET_EVERY == 0 && number > source.first) {
          sum = combine(sum, run); // a run of OFFSET_EVERY records ends
          run = 0;
        }
        run = mix(run, keyed);
        return keyed;
      }
    };
  }

  /**
   * Record {@code number} of an extract as {@link SparkCandidates#keyed} builds it from a party,
   * from the record as read: its CLK, its field row ({@code fieldBits} null: none) and the block of
   * each of its {@code keys} keys; {@code filters} is room for the record's field filters.
   */
  private static SparkCandidates.Keyed keyed(
      ExtractRecord record, int side, int number, int[] fieldBits, int keys, long[][] filters) {
    long[] row = null;
    if (fieldBits != null) {
      for (int f = 0; f < filters.length; f++) {
        filters[f] = record.fieldFilter(f);
      }
      row = FieldRows.row(fieldBits, filters);
    }
    long[] blocks = new long[keys];
    for (int k = 0; k < blocks.length; k++) {
      blocks[k] = SparkCandidates.blockOf(record.hasBlockingKey(k), record.blockingKey(k));
    }
    return new SparkCandidates.Keyed(
        new SparkCandidates.Member(side, number, record.clk().clone(), row), blocks);
  }

  /**
   * The checksums of the runs of {@link Party#OFFSET_EVERY} records, with their field rows, taken
   * from the records as they are read ({@link Party#loadWithoutFilters}), where {@link
   * #noteChecksums(Party)} takes them from a party's arrays: the same sums.
   */
  static final class RunChecksums {
    private final int[] fieldBits;
    private final int keys;
    private final long[][] filters;
    private long[] sums = new long[16];
    private int runs;
    private int records;
    private long run;

    RunChecksums(ExtractHeader header) {
      fieldBits = header.fieldBits();
      keys = header.blockingKeys().size();
      filters = new long[fieldBits.length][];
    }

    /** Adds record {@code number}, the next one in the file. */
    void add(ExtractRecord record, int number) {
      if (number != records) {
        throw new IllegalStateException("record " + number + " where " + records + " was next");
      }
      run = mix(run, keyed(record, 0, number, fieldBits, keys, filters));
      records++;
      if (records % Party.OFFSET_EVERY == 0) {
        endRun();
      }
    }

    private void endRun() {
      if (runs == sums.length) {
        sums = Arrays.copyOf(sums, 2 * runs);
      }
      sums[runs++] = run;
      run = 0;
    }

    /** The checksum of each run; the last may be shorter. */
    long[] toArray() {
      boolean open = records % Party.OFFSET_EVERY != 0;
      long[] out = Arrays.copyOf(sums, runs + (open ? 1 : 0));
      if (open) {
        out[runs] = run;
      }
      return out;
    }
  }

  private static ReadFailure changed(Path file, String what) {
    return new ReadFailure(
        "extract "
            + file.getFileName()
            + " changed since the driver read it ("
            + what
            + "); run the link again",
        null);
  }

  /**
   * An extract an executor could not read as the driver did: its message names the file and what
   * went wrong, never a record's content, so the run can say it as it is ({@link SparkEngine#link})
   * when Spark hands it back inside a failed job.
   */
  static final class ReadFailure extends RuntimeException {
    private static final long serialVersionUID = 1L;

    ReadFailure(String message, Throwable cause) {
      super(message, cause);
    }
  }

  /**
   * {@code sum} with one record added, in order: a 64-bit mix of its number, CLK, field row and
   * blocks. A guard against a file replaced between two reads, not a digest against forgery.
   */
  static long mix(long sum, SparkCandidates.Keyed keyed) {
    long h = sum * 0x9E3779B97F4A7C15L + keyed.member().record();
    h = words(h, keyed.member().clk());
    if (keyed.member().fields() != null) {
      h = words(h, keyed.member().fields());
    }
    return words(h, keyed.blocks());
  }

  /** {@code sum} with one run's checksum added, in order. */
  static long combine(long sum, long run) {
    long h = (sum ^ run) * 0xBF58476D1CE4E5B9L;
    return h ^ (h >>> 31);
  }

  private static long words(long h, long[] words) {
    for (long w : words) {
      h = (h ^ w) * 0xBF58476D1CE4E5B9L;
      h ^= h >>> 31;
    }
    return h;
  }
}
