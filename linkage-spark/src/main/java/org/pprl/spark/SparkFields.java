package org.pprl.spark;

import java.io.Serializable;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.broadcast.Broadcast;
import org.pprl.core.link.FieldRows;
import org.pprl.core.link.FieldSource;
import org.pprl.core.link.Party;
import scala.Tuple2;

/**
 * The estimation's passes over every record's field filters run on Spark's executors, which read
 * the extract files: each record's hash of a field's value (the blocks of pairs sharing a value)
 * computed there, and the filters of the few records the estimation compares (random pairs, pairs
 * drawn from those blocks, known links) fetched from there. The hashes are the core's ({@link
 * FieldSource#hash}) and the rows the records' own, so the model is the single-machine one.
 */
final class SparkFields implements FieldSource {
  private final JavaSparkContext spark;
  private final List<Party> parties;
  private final int partitions;
  private final FieldRows layout;
  private final int[] offset;

  /** The parties must have been read from files the executors can read ({@link #usable}). */
  SparkFields(JavaSparkContext spark, List<Party> parties, int partitions) {
    this.spark = spark;
    this.parties = parties;
    this.partitions = partitions;
    this.layout = FieldRows.of(parties.get(0));
    this.offset = new int[parties.size() + 1];
    for (int p = 0; p < parties.size(); p++) {
      offset[p + 1] = offset[p] + parties.get(p).size();
    }
  }

  /**
   * Whether the executors can read the parties' field filters themselves: each was read from a
   * file, and has few enough fields to travel as rows.
   */
  static boolean usable(List<Party> parties) {
    return !parties.isEmpty()
        && parties.stream().allMatch(ExtractsOnExecutors::readable)
        && parties.get(0).fieldCount() > 0
        && parties.get(0).fieldCount() <= FieldRows.MAX_FIELDS;
  }

  /** A task's records, numbered across parties, and their hashes of each set of fields. */
  static final class Hashed implements Serializable {
    private static final long serialVersionUID = 1L;
    final int[] records;
    final long[][] hashes;

    Hashed(int[] records, long[][] hashes) {
      this.records = records;
      this.hashes = hashes;
    }
  }

  @Override
  public Hashes hashes(int[][] fieldSets, int bits) {
    FieldRows rows = layout;
    int[] starts = offset;
    List<Hashed> parts =
        new ArrayList<>(
            SparkCandidates.records(spark, parties, true, true, partitions)
                .mapPartitions(
                    records -> {
                      List<Integer> numbers = new ArrayList<>();
                      List<long[]> rowsHashed = new ArrayList<>();
                      while (records.hasNext()) {
                        SparkCandidates.Member m = records.next().member();
                        long[] h = new long[fieldSets.length];
                        for (int s = 0; s < fieldSets.length; s++) {
                          h[s] = FieldSource.hash(rows, m.fields(), fieldSets[s], bits);
                        }
                        numbers.add(starts[m.side()] + m.record());
                        rowsHashed.add(h);
                      }
                      int[] r = new int[numbers.size()];
                      long[][] bySet = new long[fieldSets.length][numbers.size()];
                      for (int k = 0; k < r.length; k++) {
                        r[k] = numbers.get(k);
                        for (int s = 0; s < fieldSets.length; s++) {
                          bySet[s][k] = rowsHashed.get(k)[s];
                        }
                      }
                      return List.of(new Hashed(r, bySet)).iterator();
                    })
                .collect());
    // All sets in one pass over the records; each set's array let go once taken.
    long[][] out = new long[fieldSets.length][offset[parties.size()]];
    for (int t = 0; t < parts.size(); t++) {
      Hashed part = parts.set(t, null); // each task's arrays let go once placed
      for (int k = 0; k < part.records.length; k++) {
        for (int s = 0; s < fieldSets.length; s++) {
          out[s][part.records[k]] = part.hashes[s][k];
        }
      }
    }
    return s -> {
      long[] taken = out[s];
      out[s] = null;
      return taken;
    };
  }

  @Override
  public FieldRows.Block rows(int[] records) {
    int[] wanted = Arrays.stream(records).distinct().sorted().toArray();
    Broadcast<int[]> asked = spark.broadcast(wanted);
    int[] starts = offset;
    try {
      List<Tuple2<Integer, long[]>> found =
          SparkCandidates.records(spark, parties, true, true, partitions)
              .map(k -> k.member())
              .filter(m -> Arrays.binarySearch(asked.value(), starts[m.side()] + m.record()) >= 0)
              .map(m -> new Tuple2<>(starts[m.side()] + m.record(), m.fields()))
              .collect();
      Map<Integer, long[]> byRecord = new HashMap<>();
      for (Tuple2<Integer, long[]> t : found) {
        byRecord.put(t._1, t._2);
      }
      List<long[]> rows = new ArrayList<>(records.length);
      for (int r : records) {
        long[] row = byRecord.get(r);
        if (row == null) {
          throw new IllegalStateException("record " + r + " was not read by any executor");
        }
        rows.add(row);
      }
      return layout.block(rows);
    } finally {
      asked.destroy();
    }
  }
}
