package org.pprl.core.io;

import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.io.Reader;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CoderResult;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.MalformedInputException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * A streaming CSV reader with the semantics of Python's {@code csv.reader} (excel dialect, not
 * strict) on a file opened in text mode, which is how clkhash reads its input.
 *
 * <p>That means: fields separated by {@code ,}; a field that starts with {@code "} is quoted, may
 * hold commas and newlines, and {@code ""} inside it is one quote; a quote elsewhere is an ordinary
 * character, and characters after a closing quote are appended to the field; {@code \r\n}, {@code
 * \r} and {@code \n} all end a line (also inside quotes, where they become {@code \n}); a blank
 * line is a row with no fields; a quoted field still open at the end of the input ends there. A
 * field longer than Python's limit of 131072 characters is an error. A UTF-8 byte-order mark at the
 * start is skipped.
 *
 * <p>Why not Jackson's CSV parser: it differs from Python's in the corner cases above, and a reader
 * that matches clkhash's input semantics is small. Errors name the line, never content.
 */
public final class CsvRows implements Closeable {
  /** Python's {@code csv.field_size_limit()} default. */
  static final int FIELD_LIMIT = 131072;

  private final Reader in;
  private final char[] buf = new char[1 << 16];
  private int pos;
  private int end;
  private long line = 1;
  private long rowLine;
  private boolean started;
  private final List<String> fields = new ArrayList<>();
  private char[] field = new char[256];
  private int fieldLen;

  /** Reads CSV text from {@code in}. */
  public CsvRows(Reader in) {
    this.in = in;
  }

  /** Reads UTF-8 CSV from {@code in}; malformed UTF-8 is an error naming its line. */
  public static CsvRows utf8(InputStream in) {
    return new CsvRows(new StrictUtf8(in));
  }

  /**
   * A UTF-8 reader that hands out every character decoded before a malformed sequence and only then
   * fails, so the error names the right line ({@link java.io.InputStreamReader} fails for the whole
   * buffer at once).
   */
  private static final class StrictUtf8 extends Reader {
    private final InputStream in;
    private final CharsetDecoder decoder =
        StandardCharsets.UTF_8
            .newDecoder()
            .onMalformedInput(CodingErrorAction.REPORT)
            .onUnmappableCharacter(CodingErrorAction.REPORT);
    private final ByteBuffer bytes = ByteBuffer.allocate(1 << 16);
    private boolean eof;
    private boolean failed;

    StrictUtf8(InputStream in) {
      this.in = in;
      bytes.flip();
    }

    @Override
    public int read(char[] cbuf, int off, int len) throws IOException {
      if (failed) {
        throw new MalformedInputException(1);
      }
      CharBuffer out = CharBuffer.wrap(cbuf, off, len);
      while (out.position() == off) {
        if (!eof && bytes.remaining() < 4) {
          bytes.compact();
          int n = in.read(bytes.array(), bytes.position(), bytes.remaining());
          if (n < 0) {
            eof = true;
          } else {
            bytes.position(bytes.position() + n);
          }
          bytes.flip();
        }
        CoderResult r = decoder.decode(bytes, out, eof);
        if (r.isError()) {
          failed = true;
          if (out.position() == off) {
            throw new MalformedInputException(r.length());
          }
          break;
        }
        if (eof && !bytes.hasRemaining()) {
          if (out.position() == off) {
            return -1;
          }
          break;
        }
      }
      return out.position() - off;
    }

    @Override
    public void close() throws IOException {
      in.close();
    }
  }

  /** The 1-based line on which the row last returned by {@link #next} starts. */
  public long line() {
    return rowLine;
  }

  private int read() throws IOException {
    if (pos == end) {
      end = in.read(buf, 0, buf.length);
      pos = 0;
      if (end <= 0) {
        end = 0;
        return -1;
      }
    }
    return buf[pos++];
  }

  /** Reads one character, turning {@code \r\n} and {@code \r} into {@code \n}. */
  private int readChar() throws IOException {
    int c = read();
    if (c == '\r') {
      int d = read();
      if (d != '\n' && d != -1) {
        pos--;
      }
      return '\n';
    }
    return c;
  }

  private void append(int c) throws IOException {
    if (fieldLen == field.length) {
      if (fieldLen >= FIELD_LIMIT) {
        throw new IOException(
            "line " + line + ": field larger than the limit of " + FIELD_LIMIT + " characters");
      }
      field = Arrays.copyOf(field, Math.min(2 * field.length, FIELD_LIMIT));
    }
    field[fieldLen++] = (char) c;
  }

  private void saveField() {
    fields.add(new String(field, 0, fieldLen));
    fieldLen = 0;
  }

  /**
   * The next row's fields, or {@code null} at the end of the input.
   *
   * @throws IOException if the input cannot be read, is not valid UTF-8, or has an oversized field
   */
  public String[] next() throws IOException {
    fields.clear();
    fieldLen = 0;
    int c;
    try {
      c = readChar();
      if (!started) {
        started = true;
        if (c == '\uFEFF') {
          c = readChar();
        }
      }
    } catch (CharacterCodingException e) {
      throw new IOException("line " + line + ": not valid UTF-8", e);
    }
    if (c == -1) {
      return null;
    }
    rowLine = line;
    try {
      return parseRow(c);
    } catch (CharacterCodingException e) {
      throw new IOException("line " + line + ": not valid UTF-8", e);
    }
  }

  private String[] parseRow(int first) throws IOException {
    if (first == '\n') {
      line++;
      return new String[0];
    }
    int c = first;
    // States: at the start of a field, in an unquoted field, in a quoted field.
    while (true) {
      if (c == '"') {
        // Quoted field.
        while (true) {
          c = readChar();
          if (c == -1) {
            saveField();
            return fields.toArray(new String[0]);
          }
          if (c == '"') {
            int d = readChar();
            if (d == '"') {
              append('"');
              continue;
            }
            c = d;
            break;
          }
          if (c == '\n') {
            line++;
          }
          append(c);
        }
        // After the closing quote: anything but a separator or line end is appended.
      }
      while (c != ',' && c != '\n' && c != -1) {
        append(c);
        c = readChar();
      }
      saveField();
      if (c == ',') {
        c = readChar();
        if (c == -1 || c == '\n') {
          saveField();
          if (c == '\n') {
            line++;
          }
          return fields.toArray(new String[0]);
        }
        continue;
      }
      if (c == '\n') {
        line++;
      }
      return fields.toArray(new String[0]);
    }
  }

  @Override
  public void close() throws IOException {
    in.close();
  }
}
