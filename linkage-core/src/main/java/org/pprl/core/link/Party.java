package org.pprl.core.link;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.pprl.core.extract.ExtractHeader;
import org.pprl.core.extract.ExtractReader;
import org.pprl.core.extract.ExtractRecord;
import org.pprl.core.match.FilterMatrix;

/**
 * One extract held in memory for linking: its record ids, CLKs, field-level filters and blocking
 * keys, each in primitive arrays indexed by record number (file order).
 */
public final class Party {
  /** Stands for a missing blocking key; the extract format keeps presence separately. */
  static final long NO_KEY = Long.MIN_VALUE;

  private final String name;
  private final ExtractHeader header;
  private final String[] ids;
  private final FilterMatrix clks;
  private final FilterMatrix[] fields;
  private final long[][] keys;

  /** {@link #blockIndex} per key, built on first use; guarded by this. */
  private long[][] blockIndex;

  Party(
      String name,
      ExtractHeader header,
      String[] ids,
      FilterMatrix clks,
      FilterMatrix[] fields,
      long[][] keys) {
    this.name = name;
    this.header = header;
    this.ids = ids;
    this.clks = clks;
    this.fields = fields;
    this.keys = keys;
  }

  /**
   * Reads a whole extract (validating it completely).
   *
   * @param name the name that pairs and clusters output use for this extract
   */
  public static Party load(Path file, String name) throws IOException {
    try (ExtractReader reader = ExtractReader.open(file)) {
      ExtractHeader header = reader.header();
      int fieldCount = header.fieldFilters().size();
      int keyCount = header.blockingKeys().size();
      FilterMatrix.Builder clk = FilterMatrix.builder(header.clkBits(), 1024);
      FilterMatrix.Builder[] field = new FilterMatrix.Builder[fieldCount];
      for (int f = 0; f < fieldCount; f++) {
        field[f] = FilterMatrix.builder(header.fieldFilters().get(f).bits(), 1024);
      }
      List<String> ids = new ArrayList<>();
      long[][] keys = new long[keyCount][1024];
      ExtractRecord record = reader.newRecord();
      while (reader.next(record)) {
        int n = ids.size();
        ids.add(record.id());
        clk.add(record.clk());
        for (int f = 0; f < fieldCount; f++) {
          field[f].add(record.fieldFilter(f));
        }
        for (int k = 0; k < keyCount; k++) {
          if (n == keys[k].length) {
            keys[k] = Arrays.copyOf(keys[k], n * 2);
          }
          keys[k][n] = record.hasBlockingKey(k) ? record.blockingKey(k) : NO_KEY;
        }
      }
      FilterMatrix[] fields = new FilterMatrix[fieldCount];
      for (int f = 0; f < fieldCount; f++) {
        fields[f] = field[f].build();
      }
      for (int k = 0; k < keyCount; k++) {
        keys[k] = Arrays.copyOf(keys[k], ids.size());
      }
      return new Party(name, header, ids.toArray(new String[0]), clk.build(), fields, keys);
    }
  }

  /** Builds a party from filters already in memory (tests, benchmarks). */
  public static Party of(
      String name, ExtractHeader header, String[] ids, FilterMatrix clks, FilterMatrix... fields) {
    if (clks.size() != ids.length) {
      throw new IllegalArgumentException(
          "ids and CLKs differ in count: " + ids.length + " vs " + clks.size());
    }
    for (FilterMatrix f : fields) {
      if (f.size() != ids.length) {
        throw new IllegalArgumentException(
            "ids and field filters differ in count: " + ids.length + " vs " + f.size());
      }
    }
    long[][] keys = new long[header.blockingKeys().size()][ids.length];
    for (long[] k : keys) {
      Arrays.fill(k, NO_KEY);
    }
    return new Party(name, header, ids.clone(), clks, fields.clone(), keys);
  }

  /** The same records under another name (sharing the arrays). */
  public Party renamed(String newName) {
    return new Party(newName, header, ids, clks, fields, keys);
  }

  public String name() {
    return name;
  }

  public ExtractHeader header() {
    return header;
  }

  public int size() {
    return ids.length;
  }

  public String id(int record) {
    return ids[record];
  }

  public FilterMatrix clks() {
    return clks;
  }

  public int fieldCount() {
    return fields.length;
  }

  public FilterMatrix field(int f) {
    return fields[f];
  }

  /** Blocking key {@code k} of every record, {@link #NO_KEY} where missing. */
  long[] keys(int k) {
    return keys[k];
  }

  /**
   * The blocking index of key {@code k}: {@code (key's high 32 bits) << 32 | record} for every
   * record that has the key, sorted, so that records sharing a block are adjacent. Built on first
   * use and kept with the party, so a party linked with several others, or again (a service keeps
   * loaded parties between runs), sorts each key once.
   */
  synchronized long[] blockIndex(int k) {
    if (blockIndex == null) {
      blockIndex = new long[keys.length][];
    }
    if (blockIndex[k] == null) {
      long[] out = new long[keys[k].length];
      int n = 0;
      for (int r = 0; r < keys[k].length; r++) {
        if (keys[k][r] != NO_KEY) {
          out[n++] = (keys[k][r] & 0xFFFFFFFF00000000L) | r;
        }
      }
      out = Arrays.copyOf(out, n);
      Arrays.sort(out);
      blockIndex[k] = out;
    }
    return blockIndex[k];
  }
}
