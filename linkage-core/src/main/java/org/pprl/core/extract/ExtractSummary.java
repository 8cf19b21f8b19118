package org.pprl.core.extract;

import java.util.Objects;

/**
 * What {@link ExtractReader#verify} found in a valid extract file: its header, its size and the
 * SHA-256 of the file as stored.
 *
 * @param header the validated header
 * @param recordCount number of records, as read and as the trailer states
 * @param fileSha256 SHA-256 of the file's bytes as stored (compressed, if gzipped), 64 lowercase
 *     hex digits
 * @param gzip whether the file is gzip-compressed
 * @param meanClkPopcount mean number of bits set per CLK, 0 when there are no records
 */
public record ExtractSummary(
    ExtractHeader header,
    long recordCount,
    String fileSha256,
    boolean gzip,
    double meanClkPopcount) {

  /** Checks that the components are present and in range. */
  public ExtractSummary {
    Objects.requireNonNull(header, "header");
    Objects.requireNonNull(fileSha256, "fileSha256");
    if (recordCount < 0) {
      throw new IllegalArgumentException("record count is " + recordCount + ", expected >= 0");
    }
  }
}
