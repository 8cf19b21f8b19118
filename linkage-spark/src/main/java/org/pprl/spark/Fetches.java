package org.pprl.spark;

import java.util.ArrayList;
import java.util.List;
import java.util.stream.IntStream;

/** How the driver fetches what the executors keep: a few partitions a job, in partition order. */
final class Fetches {
  private Fetches() {}

  /**
   * The partitions in runs, in order, each holding at most {@code most} items in all ({@code
   * sizes.get(p)} is partition p's), unless one partition alone holds more: the partition numbers
   * of each job's {@code collectPartitions}, so that no job's results grow past Spark's limit
   * ({@code spark.driver.maxResultSize}) as the data grows.
   */
  static List<int[]> batches(List<? extends Number> sizes, long most) {
    List<int[]> out = new ArrayList<>();
    for (int from = 0; from < sizes.size(); ) {
      int to = from;
      long batch = 0;
      while (to < sizes.size() && (to == from || batch + sizes.get(to).longValue() <= most)) {
        batch += sizes.get(to++).longValue();
      }
      out.add(IntStream.range(from, to).toArray());
      from = to;
    }
    return out;
  }

  /**
   * Partitions {@code 0 .. count-1} in runs of {@code per}, in order: the partition numbers of each
   * job's {@code collectPartitions}, where the partitions' sizes are not known beforehand.
   */
  static List<int[]> runs(int count, int per) {
    List<int[]> out = new ArrayList<>();
    for (int from = 0; from < count; from += per) {
      out.add(IntStream.range(from, Math.min(count, from + per)).toArray());
    }
    return out;
  }
}
