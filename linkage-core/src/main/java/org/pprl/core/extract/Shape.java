package org.pprl.core.extract;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;

/**
 * The array sizes a header gives its records, to check that an {@link ExtractRecord} holder was
 * made for a compatible header before the reader fills it or the writer writes it.
 */
final class Shape {
  private final int clkWords;
  private final int[] filterWords;
  private final int blockingKeys;
  private final int attributes;
  private final int purposes;

  Shape(ExtractHeader header) {
    clkWords = header.clkWords();
    filterWords = new int[header.fieldFilters().size()];
    for (int f = 0; f < filterWords.length; f++) {
      filterWords[f] = (header.fieldFilters().get(f).bits() + 63) >>> 6;
    }
    blockingKeys = header.blockingKeys().size();
    attributes = header.attributes().size();
    purposes = header.purposes().size();
  }

  /**
   * Checks the holder's array sizes.
   *
   * @param index the record's index for messages, or -1 for a holder about to be filled
   * @throws IllegalArgumentException naming the first size that differs, actual vs expected
   */
  void check(ExtractRecord r, long index) {
    expect(r.clk().length, clkWords, index, "clk words");
    expect(r.fieldFilterCount(), filterWords.length, index, "field filters");
    for (int f = 0; f < filterWords.length; f++) {
      int words = r.fieldFilter(f).length;
      if (words != filterWords[f]) {
        expect(words, filterWords[f], index, "words in field filter " + f);
      }
    }
    expect(r.blockingKeyCount(), blockingKeys, index, "blocking keys");
    expect(r.attributeCount(), attributes, index, "attributes");
    expect(r.purposeCount(), purposes, index, "consent purposes");
  }

  private static void expect(int actual, int expected, long index, String what) {
    if (actual != expected) {
      throw new IllegalArgumentException(
          (index < 0 ? "the record holder" : "record " + index)
              + " has "
              + actual
              + " "
              + what
              + ", the header needs "
              + expected
              + " (a holder made for another header?)");
    }
  }

  static MessageDigest sha256() {
    try {
      return MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every Java platform provides SHA-256", e);
    }
  }
}
