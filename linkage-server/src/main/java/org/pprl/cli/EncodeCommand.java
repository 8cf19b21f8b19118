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
import org.pprl.core.bits.BitFilters;
import org.pprl.core.encode.ClkEncoder;
import org.pprl.core.encode.CsvRows;
import org.pprl.core.encode.RecordException;
import org.pprl.core.schema.ClkhashSchema;
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
      "Encode a CSV extract into keyed Bloom filters (CLKs), locally.",
      "",
      "With --format clkhash the schema is a clkhash linkage schema (version 3) and the output is"
          + " {\"clks\": [base64, ...]}, one filter per data row in input order, identical to what"
          + " clkhash 0.18.3 produces for the same schema and secret.",
      "The CSV must start with a header row naming the schema's features in order.",
      "Exit status: 0 on success, 2 on bad input (one line on stderr naming file, line, row and"
          + " column; values are never printed); no output file is left behind on failure."
    })
final class EncodeCommand implements Callable<Integer> {

  /** Output formats; each names the writer that produces it. */
  enum Format {
    clkhash(ClkhashJsonWriter::new);

    final Supplier<FilterWriter> writer;

    Format(Supplier<FilterWriter> writer) {
      this.writer = writer;
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
      defaultValue = "clkhash",
      description = "Output format: ${COMPLETION-CANDIDATES} (default: ${DEFAULT-VALUE}).")
  Format format;

  @Option(
      names = "--threads",
      paramLabel = "N",
      defaultValue = "1",
      description = "Encoding threads (default: ${DEFAULT-VALUE}); output order is input order.")
  int threads;

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
    ClkhashSchema schema;
    try {
      schema = ClkhashSchema.parse(schemaFile);
    } catch (SchemaException e) {
      throw new BadInput(schemaFile + ": " + e.getMessage());
    } catch (IOException e) {
      throw new BadInput("cannot read " + schemaFile + ": " + describe(e));
    }
    ClkEncoder encoder = new ClkEncoder(schema, readSecret());
    FilterWriter writer = format.writer.get();
    try (InputStream in = Files.newInputStream(input);
        CsvRows csv = CsvRows.utf8(in)) {
      String[] header = csv.next();
      if (header == null) {
        throw new BadInput(input + ": empty file, expected a header row");
      }
      try {
        encoder.checkHeader(header);
      } catch (RecordException e) {
        throw new BadInput(input + ": line 1, " + e.getMessage());
      }
      try {
        writer.open(output, schema.filterBits());
      } catch (IOException e) {
        throw new BadInput("cannot write " + output + ": " + describe(e));
      }
      long records =
          threads == 1
              ? encodeSerial(encoder, csv, writer, err)
              : encodeParallel(encoder, csv, writer, err);
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

  private long encodeSerial(ClkEncoder encoder, CsvRows csv, FilterWriter writer, PrintWriter err)
      throws IOException, BadInput {
    Progress progress = new Progress(err);
    long[] filter = new long[BitFilters.wordCount(encoder.filterBits())];
    long row = 0;
    for (String[] fields = csv.next(); fields != null; fields = csv.next()) {
      try {
        encoder.encode(fields, row, filter);
      } catch (RecordException e) {
        throw new BadInput(input + ": line " + csv.line() + ", " + e.getMessage());
      }
      writer.accept(row, filter);
      row++;
      if ((row & 4095) == 0) {
        progress.update(row);
      }
    }
    return row;
  }

  /** A run of consecutive rows and, once encoded, their filters. */
  private static final class Batch {
    final long firstRow;
    final String[][] rows = new String[BATCH][];
    final long[] lines = new long[BATCH];
    int size;
    long[] filters;

    Batch(long firstRow) {
      this.firstRow = firstRow;
    }
  }

  private long encodeParallel(ClkEncoder encoder, CsvRows csv, FilterWriter writer, PrintWriter err)
      throws IOException, BadInput {
    Progress progress = new Progress(err);
    int words = BitFilters.wordCount(encoder.filterBits());
    ExecutorService pool =
        Executors.newFixedThreadPool(
            threads,
            r -> {
              Thread t = new Thread(r, "pprl-encode");
              t.setDaemon(true);
              return t;
            });
    Deque<Future<Batch>> pending = new ArrayDeque<>();
    long[] filter = new long[words];
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
          pending.add(pool.submit(() -> encodeBatch(encoder, batch, words)));
        }
        while (!pending.isEmpty() && (pending.size() >= 2 * threads || !more)) {
          Batch done = await(pending.removeFirst());
          for (int i = 0; i < done.size; i++) {
            System.arraycopy(done.filters, i * words, filter, 0, words);
            writer.accept(done.firstRow + i, filter);
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

  private Batch encodeBatch(ClkEncoder encoder, Batch batch, int words) throws BadInput {
    long[] filters = new long[batch.size * words];
    long[] one = new long[words];
    for (int i = 0; i < batch.size; i++) {
      try {
        encoder.encode(batch.rows[i], batch.firstRow + i, one);
      } catch (RecordException e) {
        throw new BadInput(input + ": line " + batch.lines[i] + ", " + e.getMessage());
      }
      System.arraycopy(one, 0, filters, i * words, words);
      batch.rows[i] = null;
    }
    batch.filters = filters;
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

  /** A progress line on stderr every few seconds, for long runs only. */
  private static final class Progress {
    private final PrintWriter err;
    private final long start = System.nanoTime();
    private long last = start;

    Progress(PrintWriter err) {
      this.err = err;
    }

    void update(long records) {
      long now = System.nanoTime();
      if (now - last >= 5_000_000_000L) {
        last = now;
        double seconds = (now - start) / 1e9;
        err.printf(
            Locale.ROOT,
            "pprl encode: %,d records (%,.0f records/s)%n",
            records,
            records / seconds);
        err.flush();
      }
    }
  }
}
