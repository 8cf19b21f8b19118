package org.pprl.cli;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Base64;
import org.pprl.core.extract.ExtractHeader;
import org.pprl.core.extract.ExtractRecord;
import org.pprl.core.io.AtomicOutput;

/**
 * Writes {@code {"clks": ["<base64>", ...]}} as clkhash and anonlink-client do: one entry per row
 * in row order, each the base64 of the filter's bytes in clkhash's big-endian bit order.
 *
 * <p>Writes through {@link AtomicOutput}, so a failed run leaves no output file.
 */
final class ClkhashJsonWriter implements RecordWriter {
  private AtomicOutput file;
  private OutputStream out;
  private long expectedRow;
  private byte[] bytes;
  private byte[] base64;
  private final Base64.Encoder encoder = Base64.getEncoder();

  @Override
  public void open(Path output, ExtractHeader header) throws IOException {
    this.bytes = new byte[(header.clkBits() + 7) >>> 3];
    this.base64 = new byte[4 * ((bytes.length + 2) / 3)];
    this.file = AtomicOutput.create(output);
    this.out = file.stream();
    out.write("{\"clks\": [".getBytes(StandardCharsets.US_ASCII));
  }

  @Override
  public void accept(long rowIndex, ExtractRecord record) throws IOException {
    if (rowIndex != expectedRow) {
      throw new IllegalStateException("row " + rowIndex + " arrived, expected " + expectedRow);
    }
    if (rowIndex > 0) {
      out.write(',');
      out.write(' ');
    }
    toClkhashBytes(record.clk(), bytes);
    int n = encoder.encode(bytes, base64);
    out.write('"');
    out.write(base64, 0, n);
    out.write('"');
    expectedRow++;
  }

  @Override
  public void commit() throws IOException {
    out.write("]}\n".getBytes(StandardCharsets.US_ASCII));
    file.commit();
  }

  /**
   * {@code BitFilters.toClkhashBytes} into a reused buffer: reversing all 64 bits of a word and
   * then its byte order reverses the bits within each byte in place.
   */
  static void toClkhashBytes(long[] words, byte[] out) {
    for (int j = 0; j < out.length; j += 8) {
      long w = Long.reverseBytes(Long.reverse(words[j >>> 3]));
      for (int b = 0; b < 8 && j + b < out.length; b++) {
        out[j + b] = (byte) (w >>> (8 * b));
      }
    }
  }

  @Override
  public void abort() {
    try {
      file.close();
    } catch (IOException | RuntimeException e) {
      // Discarding: AtomicOutput deletes its temporary file, which is what matters.
    }
  }
}
