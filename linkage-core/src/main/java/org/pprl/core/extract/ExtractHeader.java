package org.pprl.core.extract;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * The self-describing header of an extract file: the schema that encoded it, the agency it comes
 * from, and the shape that every record in it has.
 *
 * <p>A header holds no record content. Its names (field filters, blocking keys, attributes,
 * purposes) fix the order of the per-record arrays in {@link ExtractRecord}: field filter {@code f}
 * of a record is the one named {@code fieldFilters().get(f)}, and so on.
 *
 * <p>Limits (checked by the constructor, so every header that exists can be written and read):
 * every string is well-formed Unicode of 1 to {@value #MAX_STRING_BYTES} UTF-8 bytes; each list has
 * at most {@value #MAX_NAMES} entries with distinct names; every filter has 1 to {@value
 * #MAX_FILTER_BITS} bits; the fingerprint is {@value #FINGERPRINT_BYTES} bytes.
 *
 * @param formatVersion the extract format version: {@link #FORMAT_VERSION}, or 1 for a file written
 *     before the key check (read, never written anew)
 * @param schemaFingerprint SHA-256 of the canonical schema that encoded the records (copied)
 * @param agency id of the agency whose records these are
 * @param toolVersion name and version of the tool that wrote the file, e.g. {@code pprl 0.1.0}
 * @param clkBits length of every record's CLK in bits
 * @param fieldFilters the field-level filters every record carries, in record order
 * @param blockingKeys names of the keyed blocking keys (each a 64-bit value, possibly missing)
 * @param attributes names of the allowed non-identifying attributes (strings, possibly missing)
 * @param purposes consent purposes; bit {@code p} of a record's consent mask is purpose {@code p}
 * @param keyCheck the key check of the secret the records were encoded under, {@value
 *     #KEY_CHECK_BYTES} bytes ({@code org.pprl.core.encode.KeyCheck}), or empty when the writer did
 *     not know the secret (always empty in version 1); copied
 */
public record ExtractHeader(
    int formatVersion,
    byte[] schemaFingerprint,
    String agency,
    String toolVersion,
    int clkBits,
    List<FieldFilter> fieldFilters,
    List<String> blockingKeys,
    List<String> attributes,
    List<String> purposes,
    byte[] keyCheck) {

  /** The format version this code writes; it reads this one and version 1. */
  public static final int FORMAT_VERSION = 2;

  /** Length of a key check. */
  public static final int KEY_CHECK_BYTES = 16;

  /** Length of the schema fingerprint (a SHA-256). */
  public static final int FINGERPRINT_BYTES = 32;

  /** Largest UTF-8 length of any string in an extract: names, ids, attribute values. */
  public static final int MAX_STRING_BYTES = 4096;

  /** Largest number of entries in each of the four name lists. */
  public static final int MAX_NAMES = 64;

  /** Largest length of a CLK or field filter, in bits. */
  public static final int MAX_FILTER_BITS = 1 << 20;

  /**
   * One field-level Bloom filter that every record carries.
   *
   * @param name the field's name, e.g. {@code first_name}
   * @param bits the filter's length in bits
   */
  public record FieldFilter(String name, int bits) {
    /** Checks the name and the bit length against the header limits. */
    public FieldFilter {
      checkString(name, "field filter name");
      checkBits(bits, "field filter " + quote(name));
    }
  }

  /** Validates every component against the limits above and copies the mutable ones. */
  public ExtractHeader {
    if (formatVersion != FORMAT_VERSION && formatVersion != 1) {
      throw new IllegalArgumentException(
          "format version is " + formatVersion + ", expected 1 or " + FORMAT_VERSION);
    }
    Objects.requireNonNull(keyCheck, "keyCheck");
    if (keyCheck.length != 0 && (keyCheck.length != KEY_CHECK_BYTES || formatVersion == 1)) {
      throw new IllegalArgumentException(
          "key check has "
              + keyCheck.length
              + " bytes, expected 0 or "
              + KEY_CHECK_BYTES
              + " (0 in format version 1)");
    }
    keyCheck = keyCheck.clone();
    Objects.requireNonNull(schemaFingerprint, "schemaFingerprint");
    if (schemaFingerprint.length != FINGERPRINT_BYTES) {
      throw new IllegalArgumentException(
          "schema fingerprint has "
              + schemaFingerprint.length
              + " bytes, expected "
              + FINGERPRINT_BYTES);
    }
    schemaFingerprint = schemaFingerprint.clone();
    checkString(agency, "agency");
    checkString(toolVersion, "tool version");
    checkBits(clkBits, "clk");
    fieldFilters = List.copyOf(fieldFilters);
    List<String> filterNames = new ArrayList<>(fieldFilters.size());
    for (FieldFilter f : fieldFilters) {
      filterNames.add(f.name());
    }
    checkNames(filterNames, "field filter");
    blockingKeys = List.copyOf(blockingKeys);
    checkNames(blockingKeys, "blocking key");
    attributes = List.copyOf(attributes);
    checkNames(attributes, "attribute");
    purposes = List.copyOf(purposes);
    checkNames(purposes, "purpose");
  }

  /** A builder for a header of the current format version, with empty lists to start. */
  public static Builder builder() {
    return new Builder();
  }

  /** The schema fingerprint (a copy). */
  @Override
  public byte[] schemaFingerprint() {
    return schemaFingerprint.clone();
  }

  /** The schema fingerprint as 64 lowercase hex digits. */
  public String schemaFingerprintHex() {
    return HexFormat.of().formatHex(schemaFingerprint);
  }

  /** The key check (a copy); empty when the file carries none. */
  @Override
  public byte[] keyCheck() {
    return keyCheck.clone();
  }

  /** The key check as 32 lowercase hex digits, or empty. */
  public String keyCheckHex() {
    return HexFormat.of().formatHex(keyCheck);
  }

  /** Each field filter's length in bits, in record order. */
  public int[] fieldBits() {
    return fieldFilters.stream().mapToInt(FieldFilter::bits).toArray();
  }

  /** Number of 64-bit words in a CLK. */
  public int clkWords() {
    return (clkBits + 63) >>> 6;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof ExtractHeader h
        && formatVersion == h.formatVersion
        && Arrays.equals(schemaFingerprint, h.schemaFingerprint)
        && agency.equals(h.agency)
        && toolVersion.equals(h.toolVersion)
        && clkBits == h.clkBits
        && fieldFilters.equals(h.fieldFilters)
        && blockingKeys.equals(h.blockingKeys)
        && attributes.equals(h.attributes)
        && purposes.equals(h.purposes)
        && Arrays.equals(keyCheck, h.keyCheck);
  }

  @Override
  public int hashCode() {
    return Objects.hash(
        formatVersion,
        Arrays.hashCode(schemaFingerprint),
        agency,
        toolVersion,
        clkBits,
        fieldFilters,
        blockingKeys,
        attributes,
        purposes,
        Arrays.hashCode(keyCheck));
  }

  @Override
  public String toString() {
    return "ExtractHeader[formatVersion="
        + formatVersion
        + ", schemaFingerprint="
        + schemaFingerprintHex()
        + ", agency="
        + agency
        + ", toolVersion="
        + toolVersion
        + ", clkBits="
        + clkBits
        + ", fieldFilters="
        + fieldFilters
        + ", blockingKeys="
        + blockingKeys
        + ", attributes="
        + attributes
        + ", purposes="
        + purposes
        + ", keyCheck="
        + keyCheckHex()
        + "]";
  }

  /** A name for messages: quoted, with control characters replaced so a message stays one line. */
  static String quote(String name) {
    StringBuilder sb = new StringBuilder(name.length() + 2).append('\'');
    for (int i = 0; i < name.length(); i++) {
      char c = name.charAt(i);
      sb.append(Character.isISOControl(c) ? '?' : c);
    }
    return sb.append('\'').toString();
  }

  private static void checkString(String s, String what) {
    Objects.requireNonNull(s, what);
    int n = Utf8.encodedLength(s);
    if (n < 0) {
      throw new IllegalArgumentException(what + " is not well-formed Unicode (unpaired surrogate)");
    }
    if (n == 0 || n > MAX_STRING_BYTES) {
      throw new IllegalArgumentException(
          what + " is " + n + " UTF-8 bytes, expected 1 to " + MAX_STRING_BYTES);
    }
  }

  private static void checkBits(int bits, String what) {
    if (bits < 1 || bits > MAX_FILTER_BITS) {
      throw new IllegalArgumentException(
          what + " has " + bits + " bits, expected 1 to " + MAX_FILTER_BITS);
    }
  }

  private static void checkNames(List<String> names, String what) {
    if (names.size() > MAX_NAMES) {
      throw new IllegalArgumentException(
          names.size() + " " + what + " names, at most " + MAX_NAMES);
    }
    Map<String, Integer> seen = new HashMap<>();
    for (int i = 0; i < names.size(); i++) {
      String name = names.get(i);
      checkString(name, what + " name " + i);
      Integer earlier = seen.putIfAbsent(name, i);
      if (earlier != null) {
        throw new IllegalArgumentException(
            what + " name " + i + " repeats name " + earlier + " " + quote(name));
      }
    }
  }

  /** Collects the components of a header; {@link #build} validates them. */
  public static final class Builder {
    private byte[] schemaFingerprint;
    private String agency;
    private String toolVersion;
    private int clkBits;
    private final List<FieldFilter> fieldFilters = new ArrayList<>();
    private final List<String> blockingKeys = new ArrayList<>();
    private final List<String> attributes = new ArrayList<>();
    private final List<String> purposes = new ArrayList<>();
    private byte[] keyCheck = new byte[0];

    private Builder() {}

    /** Sets the key check of the secret the records are encoded under. */
    public Builder keyCheck(byte[] keyCheck) {
      this.keyCheck = keyCheck.clone();
      return this;
    }

    /** Sets the 32-byte SHA-256 fingerprint of the schema. */
    public Builder schemaFingerprint(byte[] fingerprint) {
      this.schemaFingerprint = fingerprint.clone();
      return this;
    }

    /** Sets the agency id. */
    public Builder agency(String agency) {
      this.agency = agency;
      return this;
    }

    /** Sets the name and version of the writing tool. */
    public Builder toolVersion(String toolVersion) {
      this.toolVersion = toolVersion;
      return this;
    }

    /** Sets the CLK length in bits. */
    public Builder clkBits(int clkBits) {
      this.clkBits = clkBits;
      return this;
    }

    /** Appends a field-level filter. */
    public Builder fieldFilter(String name, int bits) {
      fieldFilters.add(new FieldFilter(name, bits));
      return this;
    }

    /** Appends blocking key names. */
    public Builder blockingKeys(String... names) {
      blockingKeys.addAll(List.of(names));
      return this;
    }

    /** Appends attribute names. */
    public Builder attributes(String... names) {
      attributes.addAll(List.of(names));
      return this;
    }

    /** Appends consent purposes. */
    public Builder purposes(String... names) {
      purposes.addAll(List.of(names));
      return this;
    }

    /**
     * Builds the header.
     *
     * @throws IllegalArgumentException if a component breaks a limit of {@link ExtractHeader}
     * @throws NullPointerException if the fingerprint, agency or tool version was not set
     */
    public ExtractHeader build() {
      return new ExtractHeader(
          FORMAT_VERSION,
          Objects.requireNonNull(schemaFingerprint, "schemaFingerprint"),
          agency,
          toolVersion,
          clkBits,
          fieldFilters,
          blockingKeys,
          attributes,
          purposes,
          keyCheck);
    }
  }
}
