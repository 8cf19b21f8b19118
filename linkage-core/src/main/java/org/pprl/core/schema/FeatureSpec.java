package org.pprl.core.schema;

/**
 * One feature (CSV column) of a clkhash v3 schema: its name and, unless ignored, how its values are
 * checked, formatted, tokenized and hashed.
 *
 * <p>Order of operations, as clkhash does it: a value equal to the missing-value sentinel is not
 * checked and is replaced by {@code replaceWith} (the sentinel itself when absent) without
 * formatting; any other value is checked ({@link #check}) and formatted ({@link #format}). The
 * result is tokenized by {@link #comparison()}; an empty result sets no bits.
 */
public final class FeatureSpec {
  private final String identifier;
  private final ValueFormat valueFormat;
  private final Comparison comparison;
  private final Strategy strategy;
  private final HashFunction hashFunction;
  private final TextEncoding encoding;
  private final String missingSentinel;
  private final String missingReplacement;

  private FeatureSpec(
      String identifier,
      ValueFormat valueFormat,
      Comparison comparison,
      Strategy strategy,
      HashFunction hashFunction,
      TextEncoding encoding,
      String missingSentinel,
      String missingReplacement) {
    this.identifier = identifier;
    this.valueFormat = valueFormat;
    this.comparison = comparison;
    this.strategy = strategy;
    this.hashFunction = hashFunction;
    this.encoding = encoding;
    this.missingSentinel = missingSentinel;
    this.missingReplacement = missingReplacement;
  }

  static FeatureSpec ignored(String identifier) {
    return new FeatureSpec(identifier, null, null, null, null, null, null, null);
  }

  static FeatureSpec hashed(
      String identifier,
      ValueFormat valueFormat,
      Comparison comparison,
      Strategy strategy,
      HashFunction hashFunction,
      TextEncoding encoding,
      String missingSentinel,
      String missingReplacement) {
    return new FeatureSpec(
        identifier,
        valueFormat,
        comparison,
        strategy,
        hashFunction,
        encoding,
        missingSentinel,
        missingReplacement);
  }

  /** The feature's name, which the CSV header must repeat. */
  public String identifier() {
    return identifier;
  }

  /** Whether the column is read but not encoded. */
  public boolean ignored() {
    return valueFormat == null;
  }

  /** The tokenizer; {@code null} when ignored. */
  public Comparison comparison() {
    return comparison;
  }

  /** Bits per token; {@code null} when ignored. */
  public Strategy strategy() {
    return strategy;
  }

  /** The hash function; {@code null} when ignored. */
  public HashFunction hashFunction() {
    return hashFunction;
  }

  /** How tokens become bytes ({@code utf-8} unless a string format says otherwise). */
  public TextEncoding encoding() {
    return encoding;
  }

  /** Whether {@code value} is this feature's missing-value sentinel (never for an ignored one). */
  public boolean isMissing(String value) {
    return valueFormat != null && value.equals(missingSentinel);
  }

  /** The format's {@code type}: string, integer, date or enum; null when ignored. */
  String formatType() {
    if (valueFormat instanceof ValueFormat.TextFormat
        || valueFormat instanceof ValueFormat.PatternFormat) {
      return "string";
    } else if (valueFormat instanceof ValueFormat.IntegerFormat) {
      return "integer";
    } else if (valueFormat instanceof ValueFormat.DateFormat) {
      return "date";
    }
    return valueFormat == null ? null : "enum";
  }

  /**
   * Why {@code value} does not fit this feature, or {@code null} if it does (always {@code null}
   * for an ignored feature or the missing-value sentinel). The reason describes the shape only and
   * never contains the value.
   */
  public String check(String value) {
    if (valueFormat == null || value.equals(missingSentinel)) {
      return null;
    }
    if (!encoding.canEncode(value)) {
      return "cannot be encoded in " + encoding.schemaName();
    }
    return valueFormat.check(value);
  }

  /**
   * The string to tokenize for a value that passed {@link #check}: the replacement for the
   * missing-value sentinel, the canonical integer, the date as {@code %Y%m%d}, else the value.
   */
  public String format(String value) {
    assert valueFormat != null : "format() of an ignored feature";
    if (value.equals(missingSentinel)) {
      return missingReplacement;
    }
    return valueFormat.format(value);
  }
}
