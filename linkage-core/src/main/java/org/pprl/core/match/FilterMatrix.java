package org.pprl.core.match;

import org.pprl.core.bits.BitFilters;

/**
 * An immutable set of equal-length Bloom filters stored contiguously, with each filter's popcount
 * cached: the form the Dice kernel scans.
 *
 * <p>Filter {@code i} occupies {@code words[i * wordsPerFilter .. (i + 1) * wordsPerFilter)} in the
 * {@link BitFilters} layout. Every filter keeps the tail invariant (bits past {@link #bits()} are
 * zero), checked once when the matrix is built; the kernel relies on it.
 */
public final class FilterMatrix {
  private final int bits;
  private final int wordsPerFilter;
  private final int size;
  private final long[] words;
  private final int[] popcounts;

  private FilterMatrix(int bits, int size, long[] words, int[] popcounts) {
    this.bits = bits;
    this.wordsPerFilter = BitFilters.wordCount(bits);
    this.size = size;
    this.words = words;
    this.popcounts = popcounts;
  }

  /**
   * Copies {@code filters} into one matrix.
   *
   * @throws IllegalArgumentException naming the first filter whose length or tail bits are wrong
   */
  public static FilterMatrix of(int bits, long[]... filters) {
    Builder builder = builder(bits, filters.length);
    for (long[] filter : filters) {
      builder.add(filter);
    }
    return builder.build();
  }

  /** A builder for a matrix of filters of {@code bits} bits, sized for {@code expected} filters. */
  public static Builder builder(int bits, int expected) {
    return new Builder(bits, expected);
  }

  /** Filter length in bits. */
  public int bits() {
    return bits;
  }

  /** Number of 64-bit words per filter. */
  public int wordsPerFilter() {
    return wordsPerFilter;
  }

  /** Number of filters. */
  public int size() {
    return size;
  }

  /** Cached popcount of filter {@code i}. */
  public int popcount(int i) {
    return popcounts[i];
  }

  /** A copy of filter {@code i}. */
  public long[] filter(int i) {
    long[] out = new long[wordsPerFilter];
    System.arraycopy(words, i * wordsPerFilter, out, 0, wordsPerFilter);
    return out;
  }

  /**
   * Number of bits set in both filter {@code i} of this matrix and filter {@code j} of {@code
   * other}.
   */
  public int intersectionCount(int i, FilterMatrix other, int j) {
    assert other.wordsPerFilter == wordsPerFilter;
    int common = 0;
    int x = i * wordsPerFilter;
    int y = j * wordsPerFilter;
    long[] ow = other.words;
    for (int k = 0; k < wordsPerFilter; k++) {
      common += Long.bitCount(words[x + k] & ow[y + k]);
    }
    return common;
  }

  /**
   * Dice coefficient of filter {@code i} of this matrix and filter {@code j} of {@code other}: 2 ×
   * common bits / (sum of popcounts), 0 when both are empty.
   */
  public double dice(int i, FilterMatrix other, int j) {
    int sum = popcounts[i] + other.popcounts[j];
    return sum == 0 ? 0 : 2.0 * intersectionCount(i, other, j) / sum;
  }

  /** Whether bit {@code bit} of filter {@code i} is set. */
  public boolean get(int i, int bit) {
    assert bit >= 0 && bit < bits;
    return (words[i * wordsPerFilter + (bit >>> 6)] & (1L << bit)) != 0;
  }

  /** The backing words; the kernel reads them directly and never writes. */
  long[] words() {
    return words;
  }

  int[] popcounts() {
    return popcounts;
  }

  /** Appends filters one by one; each is validated and copied. */
  public static final class Builder {
    private final int bits;
    private final int wordsPerFilter;
    private long[] words;
    private int[] popcounts;
    private int size;

    private Builder(int bits, int expected) {
      this.bits = bits;
      this.wordsPerFilter = BitFilters.wordCount(bits);
      int capacity = Math.max(16, expected);
      this.words = new long[Math.multiplyExact(capacity, wordsPerFilter)];
      this.popcounts = new int[capacity];
    }

    /**
     * Adds a copy of {@code filter}.
     *
     * @throws IllegalArgumentException if the filter's length or tail bits are wrong, naming its
     *     index
     */
    public Builder add(long[] filter) {
      if (words == null) {
        throw new IllegalStateException("the matrix was built already");
      }
      try {
        BitFilters.checkTail(filter, bits);
      } catch (IllegalArgumentException e) {
        throw new IllegalArgumentException("filter " + size + ": " + e.getMessage(), e);
      }
      if (size == popcounts.length) {
        int capacity = Math.multiplyExact(popcounts.length, 2);
        words = java.util.Arrays.copyOf(words, Math.multiplyExact(capacity, wordsPerFilter));
        popcounts = java.util.Arrays.copyOf(popcounts, capacity);
      }
      System.arraycopy(filter, 0, words, size * wordsPerFilter, wordsPerFilter);
      popcounts[size] = BitFilters.popcount(filter);
      size++;
      return this;
    }

    /**
     * The matrix; the builder's arrays are handed over without a copy when they were sized exactly
     * (the expected count was right), so the builder must not be used afterwards.
     */
    public FilterMatrix build() {
      long[] w = words;
      int[] p = popcounts;
      words = null;
      popcounts = null;
      return new FilterMatrix(
          bits,
          size,
          w.length == size * wordsPerFilter ? w : java.util.Arrays.copyOf(w, size * wordsPerFilter),
          p.length == size ? p : java.util.Arrays.copyOf(p, size));
    }
  }
}
