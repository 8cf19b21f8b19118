package org.pprl.core.link;

import java.util.List;

/**
 * Where the estimation reads the records' field filters apart from the candidates: each record's
 * hash of a field's value (the blocks of pairs sharing a value, {@link SharedValueModel}) and the
 * filters of a few records (the random pairs u is measured on, the pairs drawn from those blocks,
 * known links). The parties in memory by default; an engine whose executors hold the records
 * answers from there (linkage-spark), so that these passes over every record run where the records
 * are. An implementation that gives the hashes {@link #hash} gives and the rows of the records
 * asked for gives the linker's own model.
 */
public interface FieldSource {
  /**
   * For each set of fields {@code fieldSets[s]}, the hash {@link #hash} gives every record
   * (numbered party by party), taken one set at a time.
   */
  Hashes hashes(int[][] fieldSets, int bits);

  /** Every record's hashes of the sets of fields {@link #hashes} was asked for. */
  @FunctionalInterface
  interface Hashes {
    /**
     * Set {@code s}'s hash of every record (numbered party by party): {@code take(s)[record]}. Each
     * set is taken once, in order; a source may compute it then, or let it go after.
     */
    long[] take(int s);
  }

  /**
   * The field filters of {@code records} (numbered party by party; repeats allowed), row {@code k}
   * being {@code records[k]}'s.
   */
  FieldRows.Block rows(int[] records);

  /**
   * The hash of record {@code row}'s filters of {@code fields} (laid out as {@code layout}), in the
   * high 64 - {@code bits} bits of a 64-bit mix, never 0; 0 when one of the fields is missing.
   * Equal filters give equal hashes.
   */
  static long hash(FieldRows layout, long[] row, int[] fields, int bits) {
    return SharedValueModel.hash(FieldFilters.wrap(layout.bits(), row), 0, fields, bits);
  }

  /** The parties' own filters, in memory. */
  static FieldSource of(List<Party> parties) {
    return new FieldSource() {
      @Override
      public Hashes hashes(int[][] fieldSets, int bits) {
        // One set at a time, as it is taken: a set's array (8 bytes a record) is all it holds.
        return s -> {
          int[] offset = Grouping.offsets(parties);
          long[] out = new long[offset[parties.size()]];
          for (int p = 0; p < parties.size(); p++) {
            FieldFilters fields = parties.get(p).fields();
            for (int i = 0; i < fields.size(); i++) {
              out[offset[p] + i] = SharedValueModel.hash(fields, i, fieldSets[s], bits);
            }
          }
          return out;
        };
      }

      @Override
      public FieldRows.Block rows(int[] records) {
        return FieldRows.Block.inParties(parties, records);
      }
    };
  }
}
