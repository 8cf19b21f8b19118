package org.pprl.cli;

import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Base64;

/**
 * Writes {@code {"clks": ["<base64>", ...]}} as clkhash and anonlink-client do: one entry per row
 * in row order, each the base64 of the filter's bytes in clkhash's big-endian bit order.
 *
 * <p>Writes to a temporary file in the output's directory and moves it into place on commit, so a
 * failed run leaves no output file.
 */
final class ClkhashJsonWriter implements FilterWriter {
  private Path output;
  private Path temp;
  private OutputStream out;
  private long expectedRow;
  private byte[] bytes;
  private byte[] base64;
  private final Base64.Encoder encoder = Base64.getEncoder();

  @Override
  public void open(Path output, int filterBits) throws IOException {
    Path dir = output.toAbsolutePath().getParent();
    this.output = output;
    this.bytes = new byte[(filterBits + 7) >>> 3];
    this.base64 = new byte[4 * ((bytes.length + 2) / 3)];
    this.temp = Files.createTempFile(dir, ".pprl-encode-", ".tmp");
    this.out = new BufferedOutputStream(Files.newOutputStream(temp), 1 << 16);
    out.write("{\"clks\": [".getBytes(StandardCharsets.US_ASCII));
  }

  @Override
  public void accept(long rowIndex, long[] filter) throws IOException {
    if (rowIndex != expectedRow) {
      throw new IllegalStateException("row " + rowIndex + " arrived, expected " + expectedRow);
    }
    if (rowIndex > 0) {
      out.write(',');
      out.write(' ');
    }
    toClkhashBytes(filter, bytes);
    int n = encoder.encode(bytes, base64);
    out.write('"');
    out.write(base64, 0, n);
    out.write('"');
    expectedRow++;
  }

  @Override
  public void commit() throws IOException {
    out.write("]}\n".getBytes(StandardCharsets.US_ASCII));
    out.close();
    out = null;
    try {
      Files.move(temp, output, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    } catch (AtomicMoveNotSupportedException e) {
      Files.move(temp, output, StandardCopyOption.REPLACE_EXISTING);
    }
    temp = null;
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
      if (out != null) {
        out.close();
      }
    } catch (IOException e) {
      // Closing a stream we are discarding; the delete below is what matters.
    }
    out = null;
    try {
      if (temp != null) {
        Files.deleteIfExists(temp);
      }
    } catch (IOException e) {
      // Best effort: a temp file we cannot delete is named .pprl-encode-*.tmp and holds no values.
    }
    temp = null;
  }
}
