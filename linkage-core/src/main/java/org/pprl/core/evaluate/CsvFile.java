package org.pprl.core.evaluate;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import org.pprl.core.io.CsvRows;

/** Reads a CSV file with a header row, checking that every row has the header's width. */
final class CsvFile {
  /** What to do with the header and each row; blank lines are skipped. */
  interface Rows {
    void header(String[] header) throws IOException;

    void row(String[] row) throws IOException;
  }

  private CsvFile() {}

  /**
   * @throws IOException if the file is empty or a row's width differs from the header's (naming the
   *     line)
   */
  static void read(Path file, Rows rows) throws IOException {
    try (InputStream in = Files.newInputStream(file);
        CsvRows csv = CsvRows.utf8(in)) {
      String[] header = csv.next();
      if (header == null) {
        throw new IOException(file + ": empty, expected a header row");
      }
      rows.header(header);
      for (String[] row = csv.next(); row != null; row = csv.next()) {
        if (row.length == 0) {
          continue;
        }
        if (row.length != header.length) {
          throw new IOException(
              file
                  + ": line "
                  + csv.line()
                  + " has "
                  + row.length
                  + " columns, expected "
                  + header.length);
        }
        rows.row(row);
      }
    }
  }
}
