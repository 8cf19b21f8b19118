package org.pprl.core.extract;

import java.util.Arrays;
import java.util.Objects;

/**
 * One record of an extract, as a reusable mutable holder shaped by an {@link ExtractHeader}: the
 * record id, the CLK, the field-level filters, the keyed blocking keys, the non-identifying
 * attributes and the consent mask.
 *
 * <p>Why a holder and not an immutable record: {@link ExtractReader#next} fills the same holder for
 * every record, so reading a million records allocates only the id and attribute strings, not a
 * fresh set of {@code long[]} per record. Callers that keep a record past the next call take a
 * {@link #copy}.
 *
 * <p>The arrays returned by {@link #clk} and {@link #fieldFilter} are the holder's own, sized by
 * the header ({@code ceil(bits / 64)} words, {@link org.pprl.core.bits.BitFilters} layout) and
 * filled in place. The tail-bit invariant (bits past the filter length are zero) is the caller's to
 * keep; {@link ExtractWriter} checks it and {@link ExtractReader} guarantees it.
 *
 * <p>Invariants kept here: a missing blocking key reads as 0; the consent mask has no bit at or
 * above the number of purposes. {@link #toString} shows the shape only, never a value.
 */
public final class ExtractRecord {
  private String id;
  private final long[] clk;
  private final long[][] fieldFilters;
  private final long[] blockingKeys;
  private long blockingKeyPresence;
  private final String[] attributes;
  private final int purposeCount;
  private long consent;

  /** An empty holder (no id, all filters zero, everything missing) shaped for {@code header}. */
  public ExtractRecord(ExtractHeader header) {
    clk = new long[header.clkWords()];
    fieldFilters = new long[header.fieldFilters().size()][];
    for (int f = 0; f < fieldFilters.length; f++) {
      fieldFilters[f] = new long[(header.fieldFilters().get(f).bits() + 63) >>> 6];
    }
    blockingKeys = new long[header.blockingKeys().size()];
    attributes = new String[header.attributes().size()];
    purposeCount = header.purposes().size();
  }

  private ExtractRecord(ExtractRecord o) {
    id = o.id;
    clk = o.clk.clone();
    fieldFilters = new long[o.fieldFilters.length][];
    for (int f = 0; f < fieldFilters.length; f++) {
      fieldFilters[f] = o.fieldFilters[f].clone();
    }
    blockingKeys = o.blockingKeys.clone();
    blockingKeyPresence = o.blockingKeyPresence;
    attributes = o.attributes.clone();
    purposeCount = o.purposeCount;
    consent = o.consent;
  }

  /** A deep copy that later changes to this holder do not affect. */
  public ExtractRecord copy() {
    return new ExtractRecord(this);
  }

  /** Resets to the empty state of a new holder. */
  public void clear() {
    id = null;
    Arrays.fill(clk, 0L);
    for (long[] f : fieldFilters) {
      Arrays.fill(f, 0L);
    }
    Arrays.fill(blockingKeys, 0L);
    blockingKeyPresence = 0;
    Arrays.fill(attributes, null);
    consent = 0;
  }

  /** The record id, or null if not set yet. */
  public String id() {
    return id;
  }

  /** Sets the record id; {@link ExtractWriter} checks that it is 1 to 4096 UTF-8 bytes. */
  public void setId(String id) {
    this.id = Objects.requireNonNull(id, "id");
  }

  /** The CLK words, filled in place. */
  public long[] clk() {
    return clk;
  }

  /** Number of field-level filters (the header's field filter count). */
  public int fieldFilterCount() {
    return fieldFilters.length;
  }

  /** The words of field filter {@code f} (header order), filled in place. */
  public long[] fieldFilter(int f) {
    return fieldFilters[Objects.checkIndex(f, fieldFilters.length)];
  }

  /** Number of blocking keys (the header's blocking key count). */
  public int blockingKeyCount() {
    return blockingKeys.length;
  }

  /** Whether blocking key {@code k} is present. */
  public boolean hasBlockingKey(int k) {
    return (blockingKeyPresence & (1L << Objects.checkIndex(k, blockingKeys.length))) != 0;
  }

  /** Blocking key {@code k}, or 0 if it is missing. */
  public long blockingKey(int k) {
    return blockingKeys[Objects.checkIndex(k, blockingKeys.length)];
  }

  /** Sets blocking key {@code k} and marks it present. */
  public void setBlockingKey(int k, long value) {
    blockingKeys[Objects.checkIndex(k, blockingKeys.length)] = value;
    blockingKeyPresence |= 1L << k;
  }

  /** Marks blocking key {@code k} missing. */
  public void clearBlockingKey(int k) {
    blockingKeys[Objects.checkIndex(k, blockingKeys.length)] = 0;
    blockingKeyPresence &= ~(1L << k);
  }

  /** Bit {@code k} is set when blocking key {@code k} is present. */
  public long blockingKeyPresence() {
    return blockingKeyPresence;
  }

  /** Number of attributes (the header's attribute count). */
  public int attributeCount() {
    return attributes.length;
  }

  /** Attribute {@code a}, or null if it is missing. */
  public String attribute(int a) {
    return attributes[Objects.checkIndex(a, attributes.length)];
  }

  /** Sets attribute {@code a}; null marks it missing. */
  public void setAttribute(int a, String value) {
    attributes[Objects.checkIndex(a, attributes.length)] = value;
  }

  /** Number of consent purposes (the header's purpose count). */
  public int purposeCount() {
    return purposeCount;
  }

  /** The consent mask: bit {@code p} is set when the client consented to purpose {@code p}. */
  public long consent() {
    return consent;
  }

  /** Whether the client consented to purpose {@code p}. */
  public boolean hasConsent(int p) {
    return (consent & (1L << Objects.checkIndex(p, purposeCount))) != 0;
  }

  /**
   * Sets the consent mask.
   *
   * @throws IllegalArgumentException if a bit at or above the purpose count is set
   */
  public void setConsent(long mask) {
    if (purposeCount < 64 && (mask >>> purposeCount) != 0) {
      throw new IllegalArgumentException(
          "consent bit "
              + (63 - Long.numberOfLeadingZeros(mask))
              + " is set, but there are "
              + purposeCount
              + " purposes");
    }
    consent = mask;
  }

  // Package-private fast paths for the reader, which has validated the values already.

  void setIdUnchecked(String id) {
    this.id = id;
  }

  void setBlockingKeys(long presence) {
    assert blockingKeys.length == 64 || presence >>> blockingKeys.length == 0;
    blockingKeyPresence = presence;
  }

  long[] blockingKeyArray() {
    return blockingKeys;
  }

  String[] attributeArray() {
    return attributes;
  }

  void setConsentUnchecked(long mask) {
    assert purposeCount == 64 || mask >>> purposeCount == 0;
    consent = mask;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof ExtractRecord r
        && Objects.equals(id, r.id)
        && Arrays.equals(clk, r.clk)
        && Arrays.deepEquals(fieldFilters, r.fieldFilters)
        && Arrays.equals(blockingKeys, r.blockingKeys)
        && blockingKeyPresence == r.blockingKeyPresence
        && Arrays.equals(attributes, r.attributes)
        && purposeCount == r.purposeCount
        && consent == r.consent;
  }

  @Override
  public int hashCode() {
    int h = Objects.hashCode(id);
    h = 31 * h + Arrays.hashCode(clk);
    h = 31 * h + Arrays.deepHashCode(fieldFilters);
    h = 31 * h + Arrays.hashCode(blockingKeys);
    h = 31 * h + Long.hashCode(blockingKeyPresence);
    h = 31 * h + Arrays.hashCode(attributes);
    return 31 * h + Long.hashCode(consent);
  }

  /** The shape of the record, never its values. */
  @Override
  public String toString() {
    return "ExtractRecord[clkWords="
        + clk.length
        + ", fieldFilters="
        + fieldFilters.length
        + ", blockingKeys="
        + blockingKeys.length
        + ", attributes="
        + attributes.length
        + ", purposes="
        + purposeCount
        + "]";
  }
}
