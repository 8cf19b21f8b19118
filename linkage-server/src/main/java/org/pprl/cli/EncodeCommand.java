package org.pprl.cli;

import java.io.IOException;
import java.io.InputStream;
import java.io.PrintWriter;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.Arrays;
import java.util.Deque;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.Supplier;
import org.pprl.core.encode.ColumnMapping;
import org.pprl.core.encode.CsvColumns;
import org.pprl.core.encode.RecordEncoder;
import org.pprl.core.encode.RecordException;
import org.pprl.core.extract.ExtractHeader;
import org.pprl.core.extract.ExtractRecord;
import org.pprl.core.io.CsvRows;
import org.pprl.core.schema.DerivedBlockingKeys;
import org.pprl.core.schema.EngineSchema;
import org.pprl.core.schema.SchemaException;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code pprl encode}: a data steward's first step, turning a CSV extract into keyed Bloom-filter
 * encodings locally, so that raw identifiers never leave the agency.
 *
 * <p>Streams the input (memory stays flat whatever its size), encodes batches on {@code --threads}
 * threads and writes them in input order through a {@link FilterWriter} chosen by {@code --format}.
 * Bad input (schema, secret file, CSV row) exits 2 with one line naming the file, line, row and
 * column, never a value; the output file then does not exist.
 */
@Command(
    name = "encode",
    mixinStandardHelpOptions = true,
    sortOptions = false,
    description = {
      "Encode a CSV extract into keyed Bloom filters, locally: only the output leaves the agency.",
      "",
      "The schema is a clkhash linkage schema (version 3), optionally extended by \"pprl\" blocks"
          + " (docs/engine-schema.md). With a plain v3 schema the CSV header must list its features"
          + " in order; with \"pprl\" blocks columns are found by name and extra columns are fine.",
      "--format extract (the default) writes the engine's extract file: record ids, CLKs,"
          + " field-level filters, keyed blocking keys, allowed attributes and consent flags, for"
          + " `pprl link` and upload. --format clkhash writes {\"clks\": [base64, ...]}, one CLK per"
          + " data row in input order, identical to clkhash 0.18.3 for a plain v3 schema.",
      "An agency's own column names, date formats and consent columns go in --mapping, outside"
          + " the schema and its fingerprint; pprl profile checks a file first (docs/agency-files.md).",
      "Exit status: 0 on success, 2 on bad input (stderr names the file, and each bad row's line,"
          + " row and column, the whole file read first; values are never printed); no output file"
          + " is left behind on failure."
    })
final class EncodeCommand implements Callable<Integer> {

  /** Output formats; each names the writer that produces it. */
  enum Format {
    extract(ExtractFileWriter::new, true),
    clkhash(ClkhashJsonWriter::new, false);

    final Supplier<RecordWriter> writer;
    final boolean fieldFilters;

    Format(Supplier<RecordWriter> writer, boolean fieldFilters) {
      this.writer = writer;
      this.fieldFilters = fieldFilters;
    }
  }

  /** Rows per batch handed to a thread. */
  static final int BATCH = 2048;

  @Option(
      names = "--schema",
      required = true,
      paramLabel = "S.json",
      description = "Linkage schema (clkhash v3 JSON).")
  Path schemaFile;

  @Option(
      names = "--secret-file",
      required = true,
      paramLabel = "K",
      description =
          "File holding the secret shared by the agencies, read as raw bytes; one trailing"
              + " newline (\\n or \\r\\n) is stripped. clkhash takes the secret as a string and"
              + " uses its UTF-8 bytes.")
  Path secretFile;

  @Option(
      names = "--input",
      required = true,
      paramLabel = "IN.csv",
      description = "CSV extract, UTF-8, with a header row.")
  Path input;

  @Option(
      names = "--output",
      required = true,
      paramLabel = "OUT",
      description = "Output file; written atomically (replaced if it exists).")
  Path output;

  @Option(
      names = "--format",
      paramLabel = "FORMAT",
      defaultValue = "extract",
      description = "Output format: ${COMPLETION-CANDIDATES} (default: ${DEFAULT-VALUE}).")
  Format format;

  @Option(
      names = "--derive-blocking-keys",
      description =
          "With a plain clkhash v3 schema (no \"pprl\" block): also write keyed blocking keys"
              + " derived from its features' identifiers, Soundex of given and family name, year,"
              + " month and day of the date of birth, postcode, two per key (docs/encoder.md), so"
              + " that pprl link blocks by keys instead of Hamming LSH on the CLKs. Every steward"
              + " of a linkage must use it, or none. The CLKs do not change. When no feature is"
              + " recognised, one line says so and only the CLKs are written.")
  boolean deriveBlockingKeys;

  @Option(
      names = "--threads",
      paramLabel = "N",
      defaultValue = "1",
      description = "Encoding threads (default: ${DEFAULT-VALUE}); output order is input order.")
  int threads;

  @Option(
      names = "--agency",
      paramLabel = "NAME",
      description =
          "Agency id written into the extract (default: the input file's name without"
              + " extension).")
  String agency;

  @Option(
      names = "--mapping",
      paramLabel = "M.json",
      description =
          "This agency's column mapping: which of its CSV columns holds each of the schema's"
              + " features, attributes, consents and the record id, and its date formats"
              + " (docs/agency-files.md). Not part of the fingerprint.")
  Path mappingFile;

  @Option(
      names = "--id-column",
      paramLabel = "COL",
      description =
          "CSV column whose value is the record id (default: the mapping's recordId, else the"
              + " schema's recordId, else the 0-based row number).")
  String idColumn;

  @Option(
      names = "--date-format",
      paramLabel = "PATTERN",
      description =
          "The format of every date column of this CSV, e.g. dd/MM/yyyy (a mapping's dateFormats"
              + " can set one column's). Without it a column's format is detected only when one"
              + " format alone reads its dates; a column that fits two (03/04/2001) is refused."
              + " Does not change the fingerprint.")
  String dateFormat;

  /** What to do with a row that does not fit the schema. */
  enum OnError {
    stop,
    skip
  }

  @Option(
      names = "--on-error",
      paramLabel = "MODE",
      defaultValue = "stop",
      description =
          "stop (the default): read the whole file, list every problem and write no output;"
              + " skip: leave out each row with a problem and encode the rest (not with --format"
              + " clkhash, whose CLKs are matched to rows by position).")
  OnError onError;

  @Option(
      names = "--rejects",
      paramLabel = "FILE",
      description =
          "Write every problem to FILE as CSV: line,row,column,feature,reason (never a value).")
  Path rejectsFile;

  @Spec CommandSpec spec;

  /** Bad input: the message is the whole one-line reason. */
  static final class BadInput extends Exception {
    private static final long serialVersionUID = 1L;

    BadInput(String message) {
      super(message);
    }
  }

  @Override
  public Integer call() {
    PrintWriter err = spec.commandLine().getErr();
    PrintWriter out = spec.commandLine().getOut();
    try {
      long start = System.nanoTime();
      long records = run(err);
      double seconds = (System.nanoTime() - start) / 1e9;
      out.printf(
          Locale.ROOT,
          "encoded %d records in %.2f s (%.0f records/s) to %s%n",
          records,
          seconds,
          records / Math.max(seconds, 1e-9),
          output);
      out.flush();
      return 0;
    } catch (BadInput e) {
      err.println("pprl encode: " + e.getMessage());
      err.flush();
      return 2;
    }
  }

  private long run(PrintWriter err) throws BadInput {
    if (threads < 1) {
      throw new BadInput("--threads must be >= 1, got " + threads);
    }
    boolean skip = onError == OnError.skip;
    if (skip && format == Format.clkhash) {
      throw new BadInput(
          "--on-error skip cannot be used with --format clkhash: its CLKs are matched to rows by"
              + " position, and a skipped row would shift every later one");
    }
    EngineSchema schema = readSchema(schemaFile);
    if (deriveBlockingKeys) {
      schema = withDerivedKeys(schema, err);
    }
    ColumnMapping mapping = readMapping(mappingFile, schema, dateFormat, idColumn);
    AgencyFile file = AgencyFile.open(input, schema, mapping, false);
    for (String notice : file.notices()) {
      err.println("pprl encode: " + notice);
    }
    try {
      schema = file.resolve(schema);
    } catch (IllegalArgumentException e) {
      throw new BadInput("--date-format: " + e.getMessage());
    }
    RecordEncoder encoder = new RecordEncoder(schema, readSecret(), format.fieldFilters);
    ExtractHeader header;
    try {
      header = encoder.header(agencyName(), "pprl " + Pprl.VERSION);
    } catch (IllegalArgumentException e) {
      throw new BadInput("--agency: " + e.getMessage());
    }
    RecordWriter writer = format.writer.get();
    try (InputStream in = counted(Files.newInputStream(input));
        CsvRows csv = CsvRows.utf8(in);
        Rejects rejects = new Rejects(rejectsFile)) {
      csv.next(); // the header, bound by AgencyFile
      if (file.columns.idsAreRowNumbers()) {
        writer.idsAreUnique(); // memory stays flat however long the input
      }
      try {
        writer.open(output, header);
      } catch (IOException e) {
        throw new BadInput("cannot write " + output + ": " + describe(e));
      }
      Sink sink = new Sink(writer, rejects, skip);
      long rows;
      try (Progress progress = new Progress(err)) {
        rows =
            threads == 1
                ? encodeSerial(encoder, file.columns, header, csv, sink, progress)
                : encodeParallel(encoder, file.columns, header, csv, sink, progress);
      }
      rejects.commit();
      if (rejects.problems() > 0 && (!skip || sink.written == 0)) {
        writer.abort();
        throw new BadInput(failure(rejects, rows, skip));
      }
      writer.commit();
      if (rejects.problems() > 0) {
        for (String line : rejects.listing().substring(1).split("\n")) {
          err.println("pprl encode: skipped " + line.strip());
        }
        err.printf(
            Locale.ROOT,
            "pprl encode: skipped %,d of %,d rows (%,d problems)%s%n",
            rejects.rows(),
            rows,
            rejects.problems(),
            rejectsFile == null ? "" : "; every problem is in " + rejectsFile);
      }
      return sink.written;
    } catch (BadInput e) {
      writer.abort();
      throw e;
    } catch (IOException e) {
      writer.abort();
      throw new BadInput(input + ": " + describe(e));
    } catch (RuntimeException | Error e) {
      writer.abort();
      throw e;
    }
  }

  /** The schema with the keys derived from its features, the outcome told in one line. */
  private EngineSchema withDerivedKeys(EngineSchema schema, PrintWriter err) throws BadInput {
    if (format != Format.extract) {
      throw new BadInput(
          "--derive-blocking-keys needs --format extract: clkhash's JSON has no place for keys");
    }
    DerivedBlockingKeys.Derivation derivation = DerivedBlockingKeys.of(schema.clkhash());
    try {
      schema = schema.withDerivedBlockingKeys(derivation);
    } catch (IllegalArgumentException e) {
      throw new BadInput("--derive-blocking-keys: " + schemaFile + ": " + e.getMessage());
    }
    err.println("pprl encode: " + derivation.describe());
    return schema;
  }

  /** The error of a run that wrote nothing: the one problem, or a count and the first ones. */
  private String failure(Rejects rejects, long rows, boolean skip) {
    if (rejects.problems() == 1 && !skip) {
      return input + ": " + rejects.only();
    }
    return String.format(
            Locale.ROOT,
            "%s: %,d problems in %,d of %,d rows; %s:",
            input,
            rejects.problems(),
            rejects.rows(),
            rows,
            skip ? "every row was refused, nothing written" : "nothing written")
        + rejects.listing();
  }

  static EngineSchema readSchema(Path schemaFile) throws BadInput {
    try {
      return EngineSchema.parse(Files.readAllBytes(schemaFile));
    } catch (SchemaException e) {
      throw new BadInput(schemaFile + ": " + e.getMessage());
    } catch (IOException e) {
      throw new BadInput("cannot read " + schemaFile + ": " + describe(e));
    }
  }

  /** The agency's mapping (none without a file), with the flags' date format and id column. */
  static ColumnMapping readMapping(
      Path mappingFile, EngineSchema schema, String dateFormat, String idColumn) throws BadInput {
    ColumnMapping mapping = ColumnMapping.NONE;
    if (mappingFile != null) {
      try {
        mapping = ColumnMapping.parse(Files.readAllBytes(mappingFile), schema);
      } catch (IllegalArgumentException e) {
        throw new BadInput(mappingFile + ": " + e.getMessage());
      } catch (IOException e) {
        throw new BadInput("cannot read " + mappingFile + ": " + describe(e));
      }
    }
    return mapping.withDateFormat(dateFormat).withRecordId(idColumn);
  }

  /**
   * Where rows go, in input order: a record to the writer, a row with problems to the rejects. In
   * stop mode the first problem discards the output, and later rows are still checked so that every
   * problem is reported.
   */
  private static final class Sink {
    final RecordWriter writer;
    final Rejects rejects;
    final boolean skip;
    long written;
    boolean stopped;

    Sink(RecordWriter writer, Rejects rejects, boolean skip) {
      this.writer = writer;
      this.rejects = rejects;
      this.skip = skip;
    }

    void row(long row, long line, ExtractRecord record, RecordException problem)
        throws IOException {
      if (problem == null && !stopped) {
        try {
          writer.accept(row, record);
          written++;
          return;
        } catch (RecordException e) {
          problem = e;
        }
      }
      if (problem != null) {
        rejects.add(line, problem);
        if (!skip && !stopped) {
          stopped = true;
          writer.abort();
        }
      }
    }
  }

  /** The agency id: the option, else the input file's name up to its first dot. */
  private String agencyName() {
    if (agency != null) {
      return agency;
    }
    String name = input.getFileName().toString();
    int dot = name.indexOf('.');
    return dot > 0 ? name.substring(0, dot) : name;
  }

  private byte[] readSecret() throws BadInput {
    byte[] secret;
    try {
      secret = Files.readAllBytes(secretFile);
    } catch (IOException e) {
      throw new BadInput("cannot read " + secretFile + ": " + describe(e));
    }
    int n = secret.length;
    if (n > 0 && secret[n - 1] == '\n') {
      n--;
      if (n > 0 && secret[n - 1] == '\r') {
        n--;
      }
    }
    if (n == 0) {
      throw new BadInput(secretFile + ": the secret file is empty");
    }
    return Arrays.copyOf(secret, n);
  }

  private long encodeSerial(
      RecordEncoder encoder,
      CsvColumns columns,
      ExtractHeader header,
      CsvRows csv,
      Sink sink,
      Progress progress)
      throws IOException {
    ExtractRecord record = new ExtractRecord(header);
    long row = 0;
    for (String[] fields = csv.next(); fields != null; fields = csv.next()) {
      RecordException problem = null;
      try {
        encoder.encode(columns, fields, row, record);
      } catch (RecordException e) {
        problem = e;
      }
      sink.row(row, csv.line(), record, problem);
      row++;
      if ((row & 4095) == 0) {
        progress.update(row);
      }
    }
    return row;
  }

  /** A run of consecutive rows and, once encoded, their records. */
  private static final class Batch {
    final long firstRow;
    final String[][] rows = new String[BATCH][];
    final long[] lines = new long[BATCH];
    int size;
    ExtractRecord[] records;
    RecordException[] problems;

    Batch(long firstRow) {
      this.firstRow = firstRow;
    }
  }

  private long encodeParallel(
      RecordEncoder encoder,
      CsvColumns columns,
      ExtractHeader header,
      CsvRows csv,
      Sink sink,
      Progress progress)
      throws IOException {
    ExecutorService pool =
        Executors.newFixedThreadPool(
            threads,
            r -> {
              Thread t = new Thread(r, "pprl-encode");
              t.setDaemon(true);
              return t;
            });
    // RecordEncoder is thread-confined: each pool thread gets its own copy.
    ThreadLocal<RecordEncoder> encoders = ThreadLocal.withInitial(encoder::copy);
    Deque<Future<Batch>> pending = new ArrayDeque<>();
    long done = 0;
    long row = 0;
    try {
      boolean more = true;
      while (more) {
        Batch batch = new Batch(row);
        String[] fields;
        while (batch.size < BATCH && (fields = csv.next()) != null) {
          batch.rows[batch.size] = fields;
          batch.lines[batch.size] = csv.line();
          batch.size++;
        }
        more = batch.size == BATCH;
        row += batch.size;
        if (batch.size > 0) {
          pending.add(pool.submit(() -> encodeBatch(encoders.get(), columns, header, batch)));
        }
        while (!pending.isEmpty() && (pending.size() >= 2 * threads || !more)) {
          Batch encoded = await(pending.removeFirst());
          for (int i = 0; i < encoded.size; i++) {
            sink.row(
                encoded.firstRow + i, encoded.lines[i], encoded.records[i], encoded.problems[i]);
          }
          done += encoded.size;
          progress.update(done);
        }
      }
      return done;
    } finally {
      for (Future<Batch> f : pending) {
        f.cancel(true);
      }
      pool.shutdownNow();
    }
  }

  private static Batch encodeBatch(
      RecordEncoder encoder, CsvColumns columns, ExtractHeader header, Batch batch) {
    batch.records = new ExtractRecord[batch.size];
    batch.problems = new RecordException[batch.size];
    for (int i = 0; i < batch.size; i++) {
      ExtractRecord record = new ExtractRecord(header);
      try {
        encoder.encode(columns, batch.rows[i], batch.firstRow + i, record);
        batch.records[i] = record;
      } catch (RecordException e) {
        batch.problems[i] = e;
      }
      batch.rows[i] = null;
    }
    return batch;
  }

  private static Batch await(Future<Batch> future) {
    try {
      return future.get();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while encoding", e);
    } catch (ExecutionException e) {
      Throwable cause = e.getCause();
      if (cause instanceof RuntimeException) {
        throw (RuntimeException) cause;
      }
      throw new IllegalStateException("encoding failed", cause);
    }
  }

  static String describe(IOException e) {
    if (e instanceof NoSuchFileException) {
      return "no such file";
    }
    if (e instanceof AccessDeniedException) {
      return "permission denied";
    }
    String m = e.getMessage();
    return m == null ? e.getClass().getSimpleName() : m;
  }

  /** Bytes of the input read so far, for the progress bar. */
  private final java.util.concurrent.atomic.AtomicLong bytesRead =
      new java.util.concurrent.atomic.AtomicLong();

  private InputStream counted(InputStream in) {
    return new java.io.FilterInputStream(in) {
      @Override
      public int read() throws IOException {
        int b = super.read();
        if (b >= 0) {
          bytesRead.incrementAndGet();
        }
        return b;
      }

      @Override
      public int read(byte[] buffer, int off, int len) throws IOException {
        int n = super.read(buffer, off, len);
        if (n > 0) {
          bytesRead.addAndGet(n);
        }
        return n;
      }
    };
  }

  /**
   * Progress of a long run on stderr: a progress bar over the input's bytes at a terminal, else a
   * line every few seconds (logs and pipes get no control characters).
   */
  private final class Progress implements AutoCloseable {
    private final PrintWriter err;
    private final long start = System.nanoTime();
    private long last = start;
    private long lastLine = start;
    private me.tongfei.progressbar.ProgressBar bar;

    Progress(PrintWriter err) {
      this.err = err;
    }

    void update(long records) {
      long now = System.nanoTime();
      if (now - last < 1_000_000_000L) {
        return;
      }
      last = now;
      if (System.console() != null) {
        if (bar == null) {
          long size = sizeOf(input);
          bar =
              new me.tongfei.progressbar.ProgressBarBuilder()
                  .setTaskName("pprl encode")
                  .setInitialMax(size > 0 ? size : -1)
                  .setUnit(" MB", 1 << 20)
                  .setStyle(me.tongfei.progressbar.ProgressBarStyle.ASCII)
                  .build();
        }
        bar.stepTo(bytesRead.get());
        bar.setExtraMessage(String.format(Locale.ROOT, "%,d records", records));
      } else if (now - lastLine >= 5_000_000_000L) {
        lastLine = now;
        double seconds = (now - start) / 1e9;
        err.printf(
            Locale.ROOT,
            "pprl encode: %,d records (%,.0f records/s)%n",
            records,
            records / seconds);
        err.flush();
      }
    }

    @Override
    public void close() {
      if (bar != null) {
        bar.stepTo(bytesRead.get());
        bar.close();
      }
    }
  }

  private static long sizeOf(Path file) {
    try {
      return Files.size(file);
    } catch (IOException e) {
      return -1;
    }
  }
}
