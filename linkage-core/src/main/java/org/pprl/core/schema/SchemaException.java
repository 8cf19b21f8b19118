package org.pprl.core.schema;

/**
 * A linkage schema that cannot be used: malformed JSON, or a key that is unknown, missing, of the
 * wrong type or out of range.
 *
 * <p>The message names the JSON path and the rule broken, for example {@code
 * features[2].hashing.comparison.n: must be >= 1, got 0}. A schema holds no record values, so its
 * own values may appear in the message.
 */
public final class SchemaException extends Exception {
  private static final long serialVersionUID = 1L;

  private final String path;
  private final String rule;

  /** A broken rule at {@code path} (empty for the document itself). */
  public SchemaException(String path, String rule) {
    super(path.isEmpty() ? rule : path + ": " + rule);
    this.path = path;
    this.rule = rule;
  }

  /** JSON path of the offending key, such as {@code clkConfig.kdf.keySize}; empty for the root. */
  public String path() {
    return path;
  }

  /** The rule that was broken, without the path. */
  public String rule() {
    return rule;
  }
}
