package org.pprl.core.encode;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import org.pprl.core.extract.ExtractHeader;
import org.pprl.core.extract.ExtractRecord;
import org.pprl.core.extract.ExtractWriter;
import org.pprl.core.io.AtomicOutput;
import org.pprl.core.io.CsvRows;

/**
 * Encodes a whole CSV file into an extract file on one thread: what tests, benchmarks and tools
 * need when progress and threads do not matter ({@code pprl encode} has both).
 */
public final class CsvEncoding {
  private CsvEncoding() {}

  /**
   * Encodes {@code csv} into the extract {@code out}, written atomically.
   *
   * @param idColumn the record id column, or null for the schema's (else the row number)
   * @return the number of records written
   * @throws RecordException naming the row and column of the first bad value
   */
  public static long encode(
      RecordEncoder encoder, Path csv, Path out, String agency, String idColumn)
      throws IOException, RecordException {
    ExtractHeader header = encoder.header(agency, "pprl");
    try (InputStream in = Files.newInputStream(csv);
        CsvRows rows = CsvRows.utf8(in);
        AtomicOutput file = AtomicOutput.create(out)) {
      String[] names = rows.next();
      if (names == null) {
        throw new IOException(csv + ": empty, expected a header row");
      }
      CsvColumns columns = encoder.bind(names, idColumn);
      ExtractWriter writer = ExtractWriter.create(file.stream(), header);
      ExtractRecord record = new ExtractRecord(header);
      long row = 0;
      for (String[] fields = rows.next(); fields != null; fields = rows.next()) {
        encoder.encode(columns, fields, row++, record);
        writer.write(record);
      }
      writer.finish();
      file.commit();
      return row;
    }
  }
}
