package org.pprl.core.link;

import java.io.Serializable;
import java.util.List;
import org.pprl.core.match.ComparisonPatterns;

/**
 * The field-level filters of records as rows of numbers, and a pair's raw field levels computed
 * from them exactly as the linker computes a candidate's: for an engine that compares a candidate's
 * fields where it finds the pair (linkage-spark, on Spark's executors), and hands the linker the
 * levels with the pairs ({@link CandidateFinder.Found#rawLevels}).
 *
 * <p>A row is one record's filters and their popcounts ({@code FieldFilters}' run of words): the
 * encodings only, never an id or a field value. A pair's raw levels (each field's level, or {@link
 * ComparisonPatterns#MISSING}) travel packed in one long, {@link #RADIX} to a field.
 */
public final class FieldRows implements Serializable {
  private static final long serialVersionUID = 1L;

  /** Values a field's raw level packs into: MISSING, then the levels of {@code LEVEL_CUTS}. */
  static final int RADIX = Estimation.LEVEL_CUTS.length + 2;

  /** The most fields whose raw levels fit in one long. */
  public static final int MAX_FIELDS = 19;

  private final int[] bits;

  private FieldRows(int[] bits) {
    this.bits = bits;
  }

  /**
   * The layout of {@code party}'s field filters.
   *
   * @throws IllegalArgumentException when the party has more than {@link #MAX_FIELDS} fields
   */
  public static FieldRows of(Party party) {
    int[] bits = party.fieldBits();
    if (bits.length > MAX_FIELDS) {
      throw new IllegalArgumentException(
          "extract "
              + party.name()
              + " has "
              + bits.length
              + " field filters; at most "
              + MAX_FIELDS
              + " can be compared away from the linker");
    }
    return new FieldRows(bits);
  }

  /** Each field's filter length in bits. */
  int[] bits() {
    return bits;
  }

  /** The number of fields, the length of {@link #rawLevels}' scratch. */
  public int fields() {
    return bits.length;
  }

  /** Record {@code r}'s row: a copy of its field filters and their popcounts. */
  public static long[] row(Party party, int r) {
    return party.fields().row(r);
  }

  /**
   * The row of a record read from an extract whose field filters have {@code bits} bits, from its
   * filters ({@link org.pprl.core.extract.ExtractRecord#fieldFilter}): the row {@link #row(Party,
   * int)} gives for the same record of a party read from that extract.
   */
  public static long[] row(int[] bits, long[][] filters) {
    return FieldFilters.rowOf(bits, filters);
  }

  /** Records gathered from their rows, in this order, to compare with {@link #rawLevels}. */
  public Block block(List<long[]> rows) {
    return new Block(FieldFilters.ofRows(bits, rows));
  }

  /**
   * Records of one party (or a part of one) in the layout of their {@link FieldRows}, or records of
   * several parties where they are held ({@link #inParties}).
   */
  public static final class Block {
    /** The records' rows, record k at k; null for records in their parties. */
    private final FieldFilters filters;

    /** Else record k is record {@code index[k]} of {@code of[k]}. */
    private final FieldFilters[] of;

    private final int[] index;

    private Block(FieldFilters filters) {
      this.filters = filters;
      this.of = null;
      this.index = null;
    }

    private Block(FieldFilters[] of, int[] index) {
      this.filters = null;
      this.of = of;
      this.index = index;
    }

    /** The records (numbered party by party) where their parties hold them: nothing copied. */
    static Block inParties(List<Party> parties, int[] records) {
      int[] offset = Grouping.offsets(parties);
      FieldFilters[] of = new FieldFilters[records.length];
      int[] index = new int[records.length];
      for (int k = 0; k < records.length; k++) {
        int p = Grouping.partyOf(offset, records[k]);
        of[k] = parties.get(p).fields();
        index[k] = records[k] - offset[p];
      }
      return new Block(of, index);
    }

    /** The filters holding record k. */
    FieldFilters filtersOf(int k) {
      return filters != null ? filters : of[k];
    }

    /** Record k's place in {@link #filtersOf}. */
    int indexOf(int k) {
      return filters != null ? k : index[k];
    }

    /** The number of records. */
    public int size() {
      return filters != null ? filters.size() : index.length;
    }
  }

  /**
   * The raw levels of record {@code i} of {@code x} with record {@code j} of {@code y}, packed;
   * what the linker computes for the pair from its parties.
   *
   * @param scratch an array of one int per field, overwritten
   */
  public static long rawLevels(Block x, int i, Block y, int j, int[] scratch) {
    Estimation.compare(x.filtersOf(i), x.indexOf(i), y.filtersOf(j), y.indexOf(j), scratch);
    return pack(scratch);
  }

  /** Raw levels packed into one long, {@link #RADIX} to a field, the first field lowest. */
  static long pack(int[] levels) {
    assert levels.length <= MAX_FIELDS;
    long code = 0;
    for (int f = levels.length - 1; f >= 0; f--) {
      code = code * RADIX + (levels[f] + 1);
    }
    return code;
  }

  /**
   * The raw levels {@link #pack} packed ({@link #rawLevels} gives them packed), written into {@code
   * out}, one a field.
   */
  public static void unpack(long code, int[] out) {
    for (int f = 0; f < out.length; f++) {
      out[f] = (int) (code % RADIX) - 1;
      code /= RADIX;
    }
  }
}
