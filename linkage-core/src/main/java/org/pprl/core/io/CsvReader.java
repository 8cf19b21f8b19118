package org.pprl.core.io;

import java.io.Closeable;
import java.io.IOException;
import java.io.Reader;
import java.util.ArrayList;
import java.util.List;

/**
 * Reads RFC 4180 CSV one row at a time: fields separated by commas, optionally quoted with {@code
 * "}, a doubled quote inside quotes for a literal one, rows ended by LF or CRLF (line breaks inside
 * quotes are kept).
 *
 * <p>Errors name the row (1-based, the header being row 1) and never quote the content.
 */
public final class CsvReader implements Closeable {
  private final Reader in;
  private final char[] buffer = new char[1 << 16];
  private int position;
  private int limit;
  private long row;
  private final StringBuilder field = new StringBuilder();

  public CsvReader(Reader in) {
    this.in = in;
  }

  /** The number of the row last returned by {@link #next}, counting from 1. */
  public long row() {
    return row;
  }

  /**
   * The next row's fields, or null at the end of the input. A blank line is a row with one empty
   * field.
   *
   * @throws CsvException if a quoted field is not closed or has text after its closing quote
   */
  public List<String> next() throws IOException {
    int c = read();
    if (c < 0) {
      return null;
    }
    row++;
    List<String> fields = new ArrayList<>();
    field.setLength(0);
    boolean quoted = false;
    boolean afterQuote = false;
    while (true) {
      if (quoted) {
        if (c < 0) {
          throw new CsvException("row " + row + ": a quoted field is not closed");
        }
        if (c == '"') {
          int d = peek();
          if (d == '"') {
            read();
            field.append('"');
          } else {
            quoted = false;
            afterQuote = true;
          }
        } else {
          field.append((char) c);
        }
      } else if (c < 0 || c == '\n') {
        fields.add(field.toString());
        return fields;
      } else if (c == '\r' && peek() == '\n') {
        // CRLF: the LF ends the row.
      } else if (c == ',') {
        fields.add(field.toString());
        field.setLength(0);
        afterQuote = false;
      } else if (c == '"' && field.length() == 0 && !afterQuote) {
        quoted = true;
      } else if (afterQuote) {
        throw new CsvException(
            "row " + row + ", field " + (fields.size() + 1) + ": text after a closing quote");
      } else {
        field.append((char) c);
      }
      c = read();
    }
  }

  private int read() throws IOException {
    if (position == limit && !fill()) {
      return -1;
    }
    return buffer[position++];
  }

  private int peek() throws IOException {
    if (position == limit && !fill()) {
      return -1;
    }
    return buffer[position];
  }

  private boolean fill() throws IOException {
    int n = in.read(buffer, 0, buffer.length);
    if (n <= 0) {
      return false;
    }
    position = 0;
    limit = n;
    return true;
  }

  @Override
  public void close() throws IOException {
    in.close();
  }

  /** Malformed CSV; the message names the row. */
  public static final class CsvException extends IOException {
    private static final long serialVersionUID = 1L;

    public CsvException(String message) {
      super(message);
    }
  }
}
