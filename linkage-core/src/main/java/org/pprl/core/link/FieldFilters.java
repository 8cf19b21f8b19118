package org.pprl.core.link;

import java.util.Arrays;
import java.util.List;
import org.pprl.core.bits.BitFilters;
import org.pprl.core.match.ComparisonPatterns;
import org.pprl.core.match.FilterMatrix;

/**
 * The field-level filters of one extract, record by record: all of a record's filters, and their
 * popcounts, lie next to each other in one array.
 *
 * <p>Why not a matrix per field: comparing a candidate pair reads every field of both records, and
 * the candidates of a record are scattered over the other extract. With a matrix per field (and its
 * popcounts apart) that was two cache misses per field and record, eighteen for nine fields; at 1M
 * records per extract, comparing the candidates' fields was half of the linkage's time, nearly all
 * of it waiting for memory. Here a record is one run of consecutive words (nine 256-bit filters and
 * their popcounts: 328 bytes).
 *
 * <p>Record r occupies {@code words[r·stride .. (r+1)·stride)}: field f's words from {@code
 * offset[f]}, then the popcounts, two to a word. Every filter keeps the tail invariant (bits past
 * its length are zero), checked when it is added.
 */
final class FieldFilters {
  private final int[] bits;
  private final int[] offset;
  private final int popcountsAt;
  private final int stride;
  private final int size;
  private final long[] words;

  private FieldFilters(int[] bits, int size, long[] words) {
    this.bits = bits;
    this.offset = offsets(bits);
    this.popcountsAt = offset[bits.length];
    this.stride = popcountsAt + (bits.length + 1) / 2;
    this.size = size;
    this.words = words;
  }

  /** Each field's first word in a record; one more entry, where the popcounts start. */
  private static int[] offsets(int[] bits) {
    int[] out = new int[bits.length + 1];
    for (int f = 0; f < bits.length; f++) {
      out[f + 1] = out[f] + BitFilters.wordCount(bits[f]);
    }
    return out;
  }

  /** Copies per-field matrices of equal size (tests and {@link Party#of}). */
  static FieldFilters of(FilterMatrix... fields) {
    int[] bits = new int[fields.length];
    int size = fields.length == 0 ? 0 : fields[0].size();
    for (int f = 0; f < fields.length; f++) {
      bits[f] = fields[f].bits();
      if (fields[f].size() != size) {
        throw new IllegalArgumentException(
            "field filters differ in count: " + size + " vs " + fields[f].size());
      }
    }
    Builder builder = new Builder(bits, size);
    long[][] record = new long[fields.length][];
    for (int r = 0; r < size; r++) {
      for (int f = 0; f < fields.length; f++) {
        record[f] = fields[f].filter(r);
      }
      builder.add(record);
    }
    return builder.build();
  }

  int fieldCount() {
    return bits.length;
  }

  /** Each field's filter length in bits. */
  int[] bits() {
    return bits.clone();
  }

  /** A copy of record r's run of words: its filters, then their popcounts ({@link #ofRows}). */
  long[] row(int r) {
    return Arrays.copyOfRange(words, r * stride, (r + 1) * stride);
  }

  /**
   * The records whose runs of words {@link #row} gave, in this order, for fields of {@code bits}.
   * The runs are taken as they are: their tails and popcounts were checked when they were built.
   *
   * @throws IllegalArgumentException if a run's length is not one record's
   */
  static FieldFilters ofRows(int[] bits, List<long[]> rows) {
    FieldFilters shape = new FieldFilters(bits, 0, new long[0]);
    long[] words = new long[Math.multiplyExact(rows.size(), shape.stride)];
    for (int r = 0; r < rows.size(); r++) {
      long[] row = rows.get(r);
      if (row.length != shape.stride) {
        throw new IllegalArgumentException(
            "record " + r + ": " + row.length + " words of field filters, not " + shape.stride);
      }
      System.arraycopy(row, 0, words, r * shape.stride, shape.stride);
    }
    return new FieldFilters(bits.clone(), rows.size(), words);
  }

  /**
   * One record's run of words ({@link #row}), not copied, as a party of one record: for reading a
   * record that travelled as a row.
   *
   * @throws IllegalArgumentException if the run's length is not one record's
   */
  static FieldFilters wrap(int[] bits, long[] row) {
    FieldFilters one = new FieldFilters(bits, 1, row);
    if (row.length != one.stride) {
      throw new IllegalArgumentException(row.length + " words of field filters, not " + one.stride);
    }
    return one;
  }

  int size() {
    return size;
  }

  /** The popcount of record r's filter of field f (0: the field is missing). */
  int popcount(int r, int f) {
    long packed = words[r * stride + popcountsAt + (f >>> 1)];
    return (int) (packed >>> ((f & 1) << 5));
  }

  /**
   * The Dice coefficient of field f between record i here and record j of {@code other} (the same
   * fields); 0 when either filter is empty.
   */
  double dice(int i, int f, FieldFilters other, int j) {
    int sum = popcount(i, f) + other.popcount(j, f);
    if (sum == 0) {
      return 0;
    }
    int from = i * stride + offset[f];
    int otherFrom = j * other.stride + other.offset[f];
    int common = 0;
    for (int w = 0; w < offset[f + 1] - offset[f]; w++) {
      common += Long.bitCount(words[from + w] & other.words[otherFrom + w]);
    }
    return 2.0 * common / sum;
  }

  /**
   * Every field's level ({@link Estimation#levelOf} of its Dice) between record i here and record j
   * of {@code other} (the same fields) into {@code out}, or {@link ComparisonPatterns#MISSING}
   * where either filter is empty: what {@link #dice} gives field by field, with each record's
   * popcounts read once. Comparing fields is done for every candidate pair and every random pair,
   * so this is a hot loop.
   */
  void levels(int i, FieldFilters other, int j, int[] out) {
    assert out.length == bits.length && other.stride == stride;
    int base = i * stride;
    int otherBase = j * stride;
    for (int f = 0; f < out.length; f++) {
      int shift = (f & 1) << 5;
      int pa = (int) (words[base + popcountsAt + (f >>> 1)] >>> shift);
      int pb = (int) (other.words[otherBase + popcountsAt + (f >>> 1)] >>> shift);
      if (pa == 0 || pb == 0) {
        out[f] = ComparisonPatterns.MISSING;
        continue;
      }
      int common = 0;
      for (int w = offset[f]; w < offset[f + 1]; w++) {
        common += Long.bitCount(words[base + w] & other.words[otherBase + w]);
      }
      out[f] = Estimation.levelOf(2.0 * common / (pa + pb));
    }
  }

  /** Mixes record r's filter of field f into {@code h}, word by word; equal filters mix alike. */
  long mix(int r, int f, long h) {
    int from = r * stride + offset[f];
    for (int w = from; w < r * stride + offset[f + 1]; w++) {
      h = (h ^ words[w]) * 0xBF58476D1CE4E5B9L;
      h ^= h >>> 31;
    }
    return h;
  }

  /**
   * One record's row, as {@link #row} gives it, from its filters ({@code filters[f]} for field f,
   * of {@code bits[f]} bits): for readers that build rows one record at a time.
   *
   * @throws IllegalArgumentException if a filter's length or tail bits are wrong, naming the field
   */
  static long[] rowOf(int[] bits, long[][] filters) {
    int[] offset = offsets(bits);
    long[] row = new long[offset[bits.length] + (bits.length + 1) / 2];
    put(bits, offset, filters, row, 0, 0);
    return row;
  }

  /**
   * Writes record {@code record}'s filters and their popcounts into {@code words} from {@code base}
   * ({@code offset}: where each field's words start in a row).
   */
  private static void put(
      int[] bits, int[] offset, long[][] filters, long[] words, int base, int record) {
    if (filters.length != bits.length) {
      throw new IllegalArgumentException(
          "record " + record + ": " + filters.length + " field filters, not " + bits.length);
    }
    for (int f = 0; f < bits.length; f++) {
      try {
        BitFilters.checkTail(filters[f], bits[f]);
      } catch (IllegalArgumentException e) {
        throw new IllegalArgumentException(
            "record " + record + ", field filter " + f + ": " + e.getMessage(), e);
      }
      System.arraycopy(filters[f], 0, words, base + offset[f], offset[f + 1] - offset[f]);
      long popcount = BitFilters.popcount(filters[f]);
      words[base + offset[bits.length] + (f >>> 1)] |= popcount << ((f & 1) << 5);
    }
  }

  /** Appends records one by one; each filter is validated and copied. */
  static final class Builder {
    private final int[] bits;
    private final int[] offset;
    private final int stride;
    private long[] words;
    private int size;

    Builder(int[] bits, int expected) {
      this.bits = bits.clone();
      this.offset = offsets(bits);
      this.stride = offset[bits.length] + (bits.length + 1) / 2;
      this.words = new long[Math.multiplyExact(Math.max(16, expected), stride)];
    }

    /**
     * Adds a copy of one record's filters, {@code filters[f]} for field f.
     *
     * @throws IllegalArgumentException if a filter's length or tail bits are wrong, naming the
     *     record and field
     */
    Builder add(long[][] filters) {
      if ((long) (size + 1) * stride > words.length) {
        words = Arrays.copyOf(words, Math.multiplyExact(Math.multiplyExact(size, 2), stride));
      }
      put(bits, offset, filters, words, size * stride, size);
      size++;
      return this;
    }

    /** The filters; the builder must not be used afterwards. */
    FieldFilters build() {
      long[] w = words.length == size * stride ? words : Arrays.copyOf(words, size * stride);
      words = null;
      return new FieldFilters(bits, size, w);
    }
  }
}
