package org.pprl.cli;

import java.io.IOException;
import java.nio.file.Path;
import org.pprl.core.extract.ExtractHeader;
import org.pprl.core.extract.ExtractRecord;
import org.pprl.core.extract.ExtractWriter;
import org.pprl.core.io.AtomicOutput;

/** Writes the engine's extract file (docs/extract-format.md), atomically. */
final class ExtractFileWriter implements RecordWriter {
  private AtomicOutput file;
  private ExtractWriter writer;
  private boolean checkIds = true;

  @Override
  public void idsAreUnique() {
    checkIds = false;
  }

  @Override
  public void open(Path output, ExtractHeader header) throws IOException {
    file = AtomicOutput.create(output);
    writer = ExtractWriter.create(file.stream(), header, checkIds);
  }

  @Override
  public void accept(long rowIndex, ExtractRecord record) throws IOException {
    try {
      writer.write(record);
    } catch (IllegalArgumentException e) {
      // The writer refuses a second record with the same id, naming the record index only.
      throw new IOException("row " + rowIndex + ": " + e.getMessage(), e);
    }
  }

  @Override
  public void commit() throws IOException {
    writer.finish();
    file.commit();
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
