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

  /** Up to this many possible patterns, a pattern's number is found in a dense table. */
  private static final long DENSE_SPACE = 1 << 22;

  private final int[] levels;
  private final long[] radix;

  /** The number of codes there are: each field's levels and MISSING, multiplied. */
  private final long space;

  private final Codes codes;

  /** Dense: the number of each code, -1 for none; null when the space is sparse. */
  private final int[] numberOfCode;

  /** Sparse: open addressing from code + 1 (0 is empty) to number. */
  private long[] sparseKeys;

  private int[] sparseValues;
  private long[] counts = new long[64];

  /** Each pattern's levels, decoded once: {@code table[p * fields + f]}. */
  private int[] table = new int[64];

  private int size;

  /**
   * @param levels the number of agreement levels of each field, each at least 2
   * @throws IllegalArgumentException if a field has fewer than 2 levels or the pattern space does
   *     not fit in a long
   */
  public ComparisonPatterns(int... levels) {
    if (levels.length == 0) {
      throw new IllegalArgumentException("at least one field is needed");
    }
    this.levels = levels.clone();
    this.radix = new long[levels.length];
    long space = 1;
    for (int f = 0; f < levels.length; f++) {
      if (levels[f] < 2) {
        throw new IllegalArgumentException(
            "field " + f + " needs at least 2 levels, has " + levels[f]);
      }
      radix[f] = space;
      if (space > Long.MAX_VALUE / 2 / (levels[f] + 1)) {
        throw new IllegalArgumentException("too many fields or levels for a pattern code");
      }
      space *= levels[f] + 1; // one more for MISSING
    }
    this.space = space;
    this.codes = new Codes(this.levels, radix);
    if (space <= DENSE_SPACE) {
      numberOfCode = new int[(int) space];
      Arrays.fill(numberOfCode, -1);
    } else {
      numberOfCode = null;
      sparseKeys = new long[1024];
      sparseValues = new int[1024];
    }
    table = new int[64 * levels.length];
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
    return table[p * levels.length + field];
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
    return add(code(fieldLevels), weight);
  }

  /**
   * The number that stands for these field levels, for {@link #addCode}: computing it changes
   * nothing, so threads may compute codes at once and one thread add them.
   *
   * @throws IllegalArgumentException if a level is out of its field's range
   */
  public long code(int[] fieldLevels) {
    return codes.code(fieldLevels);
  }

  /**
   * How these patterns code field levels ({@link #code}), on its own: serializable and without the
   * patterns, so that pairs can be coded where they are (an engine's executors) and added here by
   * code.
   */
  public Codes codes() {
    return codes;
  }

  /** Field levels to a pattern's code, as {@link ComparisonPatterns#code} gives it. */
  public static final class Codes implements java.io.Serializable {
    private static final long serialVersionUID = 1L;
    private final int[] levels;
    private final long[] radix;

    private Codes(int[] levels, long[] radix) {
      this.levels = levels;
      this.radix = radix;
    }

    /**
     * @throws IllegalArgumentException if a level is out of its field's range
     */
    public long code(int[] fieldLevels) {
      assert fieldLevels.length == levels.length;
      long code = 0;
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
  }

  /** Counts one pair whose levels have this {@link #code}; returns the pattern's number. */
  public int addCode(long code) {
    return addCode(code, 1);
  }

  /**
   * Counts {@code weight} pairs whose levels have this {@link #code}; returns the pattern's number.
   * Adding a code's pairs at once numbers the patterns as adding them one by one does.
   *
   * @throws IllegalArgumentException if the code stands for no levels of these fields
   */
  public int addCode(long code, long weight) {
    if (code < 0 || code >= space) {
      throw new IllegalArgumentException("code " + code + " outside 0.." + (space - 1));
    }
    return add(code, weight);
  }

  private int add(long code, long weight) {
    int p = numberOf(code);
    if (p < 0) {
      if (size == counts.length) {
        counts = Arrays.copyOf(counts, size * 2);
        table = Arrays.copyOf(table, size * 2 * levels.length);
      }
      p = size++;
      remember(code, p);
      for (int f = 0; f < levels.length; f++) {
        table[p * levels.length + f] = (int) ((code / radix[f]) % (levels[f] + 1)) - 1;
      }
    }
    counts[p] += weight;
    return p;
  }

  /** The number of the pattern with this code, or -1. */
  private int numberOf(long code) {
    if (numberOfCode != null) {
      return numberOfCode[(int) code];
    }
    int mask = sparseKeys.length - 1;
    for (int slot = slot(code, mask); ; slot = (slot + 1) & mask) {
      if (sparseKeys[slot] == 0) {
        return -1;
      }
      if (sparseKeys[slot] == code + 1) {
        return sparseValues[slot];
      }
    }
  }

  private void remember(long code, int p) {
    if (numberOfCode != null) {
      numberOfCode[(int) code] = p;
      return;
    }
    if (2 * (size + 1) > sparseKeys.length) {
      long[] keys = sparseKeys;
      int[] values = sparseValues;
      sparseKeys = new long[keys.length * 2];
      sparseValues = new int[keys.length * 2];
      for (int s = 0; s < keys.length; s++) {
        if (keys[s] != 0) {
          put(keys[s], values[s]);
        }
      }
    }
    put(code + 1, p);
  }

  private void put(long key, int value) {
    int mask = sparseKeys.length - 1;
    int slot = slot(key - 1, mask);
    while (sparseKeys[slot] != 0) {
      slot = (slot + 1) & mask;
    }
    sparseKeys[slot] = key;
    sparseValues[slot] = value;
  }

  private static int slot(long code, int mask) {
    long h = code * 0x9E3779B97F4A7C15L;
    return (int) (h ^ (h >>> 32)) & mask;
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
