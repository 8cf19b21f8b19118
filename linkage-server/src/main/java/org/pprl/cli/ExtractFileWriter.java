package org.pprl.cli;

import java.io.IOException;
import java.nio.file.Path;
import org.pprl.core.encode.RecordException;
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
  public void accept(long rowIndex, ExtractRecord record) throws IOException, RecordException {
    try {
      writer.write(record);
    } catch (IllegalArgumentException e) {
      // The writer refuses a record before writing any of it (a repeated id, an oversized
      // attribute), naming the record's index among those written, which is not the row's.
      String reason = e.getMessage().replaceFirst("^record \\d+: ", "");
      throw new RecordException(
          rowIndex,
          null,
          reason.startsWith("id repeats") ? "the record id repeats an earlier row's" : reason);
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
