package org.pprl.cli;

import java.io.IOException;
import java.nio.file.Path;

/**
 * Where {@code pprl encode} sends filters: one implementation per {@code --format}.
 *
 * <p>Contract: {@link #open} once, then {@link #accept} for rows 0, 1, 2, ... in order, then either
 * {@link #commit} (the output appears complete and atomically) or {@link #abort} (no output file
 * remains). Nothing is visible at the output path before {@link #commit}.
 */
interface FilterWriter {
  /** Starts writing filters of {@code filterBits} bits to {@code output}. */
  void open(Path output, int filterBits) throws IOException;

  /** Writes the filter of data row {@code rowIndex} (0-based; rows arrive in order). */
  void accept(long rowIndex, long[] filter) throws IOException;

  /** Finishes the output and moves it into place. */
  void commit() throws IOException;

  /** Discards everything written; never throws. */
  void abort();
}
