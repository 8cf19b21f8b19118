package org.pprl.spark;

import java.io.Serializable;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.broadcast.Broadcast;
import org.apache.spark.storage.StorageLevel;
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

  /** Values a job fetches at most. */
  private final int fetchValues;

  /** The parties must have been read from files the executors can read ({@link #usable}). */
  SparkFields(JavaSparkContext spark, List<Party> parties, int partitions) {
    this(spark, parties, partitions, FETCH_VALUES);
  }

  /** As above, fetching at most {@code fetchValues} hashes a job (unless a partition has more). */
  SparkFields(JavaSparkContext spark, List<Party> parties, int partitions, int fetchValues) {
    this.fetchValues = fetchValues;
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

  /**
   * Values a job fetches at most (each with its record's number): about 200 MB, well under Spark's
   * spark.driver.maxResultSize of 1 GB (at 10M records a side all the hashes of a run were 1.1 GB).
   */
  static final int FETCH_VALUES = 1 << 24;

  @Override
  public Hashes hashes(int[][] fieldSets, int bits) {
    FieldRows rows = layout;
    int[] starts = offset;
    // Every set's hashes in one pass over the records, kept on the executors; then fetched a set
    // at a time, a few partitions a job.
    JavaRDD<Hashed> hashed =
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
            .persist(StorageLevel.DISK_ONLY());
    List<Integer> sizes = hashed.map(h -> h.records.length).collect();
    int total = offset[parties.size()];
    return s -> {
      long[] out = new long[total];
      try {
        for (int[] batch : Fetches.batches(sizes, fetchValues)) {
          List<Tuple2<int[], long[]>>[] fetched =
              hashed.map(h -> new Tuple2<>(h.records, h.hashes[s])).collectPartitions(batch);
          for (List<Tuple2<int[], long[]>> partition : fetched) {
            for (Tuple2<int[], long[]> part : partition) {
              for (int k = 0; k < part._1.length; k++) {
                out[part._1[k]] = part._2[k];
              }
            }
          }
        }
      } finally {
        if (s == fieldSets.length - 1) {
          hashed.unpersist(false); // the last set taken
        }
      }
      return out;
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
