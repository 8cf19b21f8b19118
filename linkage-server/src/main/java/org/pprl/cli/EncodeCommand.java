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
import org.pprl.core.encode.RecordEncoder;
import org.pprl.core.encode.RecordException;
import org.pprl.core.extract.ExtractHeader;
import org.pprl.core.extract.ExtractRecord;
import org.pprl.core.io.CsvRows;
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
      "Exit status: 0 on success, 2 on bad input (one line on stderr naming file, line, row and"
          + " column; values are never printed); no output file is left behind on failure."
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
      names = "--id-column",
      paramLabel = "COL",
      description =
          "Column whose value is the record id (default: the schema's recordId, else the 0-based"
              + " row number).")
  String idColumn;

  @Option(
      names = "--date-format",
      paramLabel = "PATTERN",
      description =
          "This agency's date format, e.g. MM/dd/yyyy, tried first by every date normaliser of"
              + " the schema; resolves dates like 03/04/2001. Does not change the fingerprint.")
  String dateFormat;

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
    EngineSchema schema;
    try {
      schema = EngineSchema.parse(Files.readAllBytes(schemaFile), dateFormat);
    } catch (SchemaException e) {
      throw new BadInput(schemaFile + ": " + e.getMessage());
    } catch (IOException e) {
      throw new BadInput("cannot read " + schemaFile + ": " + describe(e));
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
        CsvRows csv = CsvRows.utf8(in)) {
      String[] names = csv.next();
      if (names == null) {
        throw new BadInput(input + ": empty file, expected a header row");
      }
      RecordEncoder.Columns columns;
      try {
        columns = encoder.bind(names, idColumn);
      } catch (RecordException e) {
        throw new BadInput(input + ": line 1, " + e.getMessage());
      }
      if (!columns.absentAttributes().isEmpty()) {
        err.println(
            "pprl encode: not in this CSV, so absent from every record: "
                + String.join(", ", columns.absentAttributes()));
      }
      if (columns.idsAreRowNumbers()) {
        writer.idsAreUnique(); // memory stays flat however long the input
      }
      try {
        writer.open(output, header);
      } catch (IOException e) {
        throw new BadInput("cannot write " + output + ": " + describe(e));
      }
      long records;
      try (Progress progress = new Progress(err)) {
        records =
            threads == 1
                ? encodeSerial(encoder, columns, header, csv, writer, progress)
                : encodeParallel(encoder, columns, header, csv, writer, progress);
      }
      writer.commit();
      return records;
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
      RecordEncoder.Columns columns,
      ExtractHeader header,
      CsvRows csv,
      RecordWriter writer,
      Progress progress)
      throws IOException, BadInput {
    ExtractRecord record = new ExtractRecord(header);
    long row = 0;
    for (String[] fields = csv.next(); fields != null; fields = csv.next()) {
      try {
        encoder.encode(columns, fields, row, record);
      } catch (RecordException e) {
        throw new BadInput(input + ": line " + csv.line() + ", " + e.getMessage());
      }
      writer.accept(row, record);
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

    Batch(long firstRow) {
      this.firstRow = firstRow;
    }
  }

  private long encodeParallel(
      RecordEncoder encoder,
      RecordEncoder.Columns columns,
      ExtractHeader header,
      CsvRows csv,
      RecordWriter writer,
      Progress progress)
      throws IOException, BadInput {
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
    long written = 0;
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
          Batch done = await(pending.removeFirst());
          for (int i = 0; i < done.size; i++) {
            writer.accept(done.firstRow + i, done.records[i]);
          }
          written += done.size;
          progress.update(written);
        }
      }
      return written;
    } finally {
      for (Future<Batch> f : pending) {
        f.cancel(true);
      }
      pool.shutdownNow();
    }
  }

  private Batch encodeBatch(
      RecordEncoder encoder, RecordEncoder.Columns columns, ExtractHeader header, Batch batch)
      throws BadInput {
    batch.records = new ExtractRecord[batch.size];
    for (int i = 0; i < batch.size; i++) {
      ExtractRecord record = new ExtractRecord(header);
      try {
        encoder.encode(columns, batch.rows[i], batch.firstRow + i, record);
      } catch (RecordException e) {
        throw new BadInput(input + ": line " + batch.lines[i] + ", " + e.getMessage());
      }
      batch.records[i] = record;
      batch.rows[i] = null;
    }
    return batch;
  }

  private Batch await(Future<Batch> future) throws BadInput {
    try {
      return future.get();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while encoding", e);
    } catch (ExecutionException e) {
      Throwable cause = e.getCause();
      if (cause instanceof BadInput) {
        throw (BadInput) cause;
      }
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
