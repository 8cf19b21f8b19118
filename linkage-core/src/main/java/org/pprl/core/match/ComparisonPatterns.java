package org.pprl.core.match;

import java.util.Arrays;

/**
 * Candidate pairs compared field by field, compressed to distinct agreement patterns with their
 * counts: what Fellegi–Sunter estimation works on.
 *
 * <p>A pattern gives each field a level {@code 0..levels[f]-1} (higher means closer agreement) or
 * {@link #MISSING} when either record lacks the field. Pairs are added one at a time with {@link
 * #add}, which returns the pattern's number so the caller can score the pair later; millions of
 * pairs typically share a few hundred patterns, so estimation cost does not grow with the pairs.
 */
public final class ComparisonPatterns {
  /** The level of a field that one of the two records does not have. */
  public static final int MISSING = -1;

  private final int[] levels;
  private final int[] radix;
  private int[] numberOfCode;
  private int[] codes = new int[64];
  private long[] counts = new long[64];
  private int size;

  /**
   * @param levels the number of agreement levels of each field, each at least 2
   * @throws IllegalArgumentException if a field has fewer than 2 levels or the pattern space does
   *     not fit in an int
   */
  public ComparisonPatterns(int... levels) {
    if (levels.length == 0) {
      throw new IllegalArgumentException("at least one field is needed");
    }
    this.levels = levels.clone();
    this.radix = new int[levels.length];
    long space = 1;
    for (int f = 0; f < levels.length; f++) {
      if (levels[f] < 2) {
        throw new IllegalArgumentException(
            "field " + f + " needs at least 2 levels, has " + levels[f]);
      }
      radix[f] = (int) space;
      space *= levels[f] + 1; // one more for MISSING
      if (space > 1 << 24) {
        throw new IllegalArgumentException("too many fields or levels: " + space + " patterns");
      }
    }
    numberOfCode = new int[(int) space];
    Arrays.fill(numberOfCode, -1);
  }

  public int fields() {
    return levels.length;
  }

  public int levels(int field) {
    return levels[field];
  }

  /** Number of distinct patterns seen. */
  public int size() {
    return size;
  }

  /** Number of pairs with pattern {@code p}. */
  public long count(int p) {
    return counts[p];
  }

  /** A table of zeros shaped like these patterns' fields and levels. */
  public double[][] zeroLevels() {
    double[][] out = new double[levels.length][];
    for (int f = 0; f < levels.length; f++) {
      out[f] = new double[levels[f]];
    }
    return out;
  }

  /**
   * Adds to {@code into[f][l]}, for every pattern {@code p} at level {@code l} of field {@code f},
   * {@code weight[p] * count(p)}, or {@code count(p)} when {@code weight} is null; a missing level
   * adds nothing. This is EM's M-step tally.
   */
  public void addLevelSums(double[][] into, double[] weight) {
    for (int p = 0; p < size; p++) {
      double c = weight == null ? counts[p] : weight[p] * counts[p];
      for (int f = 0; f < levels.length; f++) {
        int l = level(p, f);
        if (l != MISSING) {
          into[f][l] += c;
        }
      }
    }
  }

  /** Every field's level in pattern {@code p}, as {@link #level} gives them. */
  public int[] levelsOf(int p) {
    int[] out = new int[levels.length];
    for (int f = 0; f < out.length; f++) {
      out[f] = level(p, f);
    }
    return out;
  }

  /** The level of {@code field} in pattern {@code p}, or {@link #MISSING}. */
  public int level(int p, int field) {
    return (codes[p] / radix[field]) % (levels[field] + 1) - 1;
  }

  /**
   * Counts one pair with these field levels.
   *
   * @return the pattern's number
   */
  public int add(int[] fieldLevels) {
    return add(fieldLevels, 1);
  }

  /** Counts {@code weight} pairs with these field levels; returns the pattern's number. */
  public int add(int[] fieldLevels, long weight) {
    return addCode(code(fieldLevels), weight);
  }

  /**
   * The number that stands for these field levels, for {@link #addCode}: computing it changes
   * nothing, so threads may compute codes at once and one thread add them.
   *
   * @throws IllegalArgumentException if a level is out of its field's range
   */
  public int code(int[] fieldLevels) {
    assert fieldLevels.length == levels.length;
    int code = 0;
    for (int f = 0; f < levels.length; f++) {
      int l = fieldLevels[f];
      if (l < MISSING || l >= levels[f]) {
        throw new IllegalArgumentException(
            "field " + f + ": level " + l + " outside -1.." + (levels[f] - 1));
      }
      code += (l + 1) * radix[f];
    }
    return code;
  }

  /** Counts one pair whose levels have this {@link #code}; returns the pattern's number. */
  public int addCode(int code) {
    return addCode(code, 1);
  }

  private int addCode(int code, long weight) {
    int p = numberOfCode[code];
    if (p < 0) {
      if (size == codes.length) {
        codes = Arrays.copyOf(codes, size * 2);
        counts = Arrays.copyOf(counts, size * 2);
      }
      p = size++;
      numberOfCode[code] = p;
      codes[p] = code;
    }
    counts[p] += weight;
    return p;
  }

  /** Total number of pairs counted. */
  public long pairs() {
    long total = 0;
    for (int p = 0; p < size; p++) {
      total += counts[p];
    }
    return total;
  }
}
