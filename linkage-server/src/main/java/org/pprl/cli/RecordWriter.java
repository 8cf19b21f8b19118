package org.pprl.cli;

import java.io.IOException;
import java.nio.file.Path;
import org.pprl.core.encode.RecordException;
import org.pprl.core.extract.ExtractHeader;
import org.pprl.core.extract.ExtractRecord;

/**
 * Where {@code pprl encode} sends encoded records: one implementation per {@code --format}.
 *
 * <p>Contract: {@link #open} once, then {@link #accept} for rows 0, 1, 2, ... in order, then either
 * {@link #commit} (the output appears complete and atomically) or {@link #abort} (no output file
 * remains). Nothing is visible at the output path before {@link #commit}.
 */
interface RecordWriter {
  /**
   * Tells the writer, before {@link #open}, that record ids are row numbers and so unique: it need
   * not remember them all to refuse repeats.
   */
  default void idsAreUnique() {}

  /** Starts writing records of this header's shape to {@code output}. */
  void open(Path output, ExtractHeader header) throws IOException;

  /**
   * Writes the record of data row {@code rowIndex} (0-based; rows arrive in order, some perhaps
   * skipped).
   *
   * @throws RecordException when the record cannot be written (its id repeats an earlier one's);
   *     nothing of it is written and the writer stays usable
   */
  void accept(long rowIndex, ExtractRecord record) throws IOException, RecordException;

  /** Finishes the output and moves it into place. */
  void commit() throws IOException;

  /** Discards everything written; never throws. */
  void abort();
}
