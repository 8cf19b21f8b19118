package org.pprl.core.schema;

/**
 * How many bits each token sets (clkhash's {@code strategy}).
 *
 * <p>{@code bitsPerToken: k} gives every token {@code k}. {@code bitsPerFeature: B} splits {@code
 * B} over the value's {@code c} tokens: {@code B / c} each, and one more for the first {@code B mod
 * c} tokens, so a feature sets the same number of bits (before collisions) whatever its length.
 *
 * @param perFeature true for {@code bitsPerFeature}, false for {@code bitsPerToken}
 * @param bits the configured number, at least 1
 */
public record Strategy(boolean perFeature, int bits) {
  /** Checks {@code bits >= 1}. */
  public Strategy {
    if (bits < 1) {
      throw new IllegalArgumentException("bits must be >= 1, got " + bits);
    }
  }

  /** The k of token {@code index} (0-based) of a value with {@code count} tokens. */
  public int bitsFor(int index, int count) {
    assert index >= 0 && index < count;
    if (!perFeature) {
      return bits;
    }
    int k = bits / count;
    return index < bits % count ? k + 1 : k;
  }
}
