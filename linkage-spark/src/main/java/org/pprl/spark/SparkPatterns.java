package org.pprl.spark;

import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.LongUnaryOperator;
import org.apache.spark.api.java.JavaRDD;
import org.pprl.core.link.CandidateFinder;
import org.pprl.core.link.PatternCoder;
import org.pprl.core.match.ComparisonPatterns;

/**
 * A candidate set's raw field levels, kept on the executors' disks after the search (each partition
 * its sorted pairs and their levels), counted there into the linker's agreement patterns once it
 * knows its joint fields.
 *
 * <p>The linker numbers patterns by first appearance, one candidate after the other in the sorted
 * order, and the weights and reports follow that numbering. So each partition sends its distinct
 * codes in the order they first appear there, with their counts, and the driver adds them partition
 * by partition: a code seen in an earlier partition keeps its number, and every count is an exact
 * integer sum, so the patterns are the ones counting candidate by candidate gives. Then each
 * candidate's number is looked up where it is and fetched: 4 bytes a candidate on the driver where
 * the raw levels were 8, and the driver codes none of them.
 */
final class SparkPatterns implements CandidateFinder.KeptLevels {
  /** Partitions whose distinct codes are fetched in one job. */
  private static final int CODES_PARTITIONS = 64;

  private final JavaRDD<long[][]> sorted;
  private final List<Long> sizes;
  private final long fetchPairs;

  /**
   * @param sorted each partition one {pairs, levels}, in the candidates' order, kept on disk
   * @param sizes each partition's candidates
   * @param fetchPairs the most candidates' numbers fetched in one job
   */
  SparkPatterns(JavaRDD<long[][]> sorted, List<Long> sizes, long fetchPairs) {
    this.sorted = sorted;
    this.sizes = sizes;
    this.fetchPairs = fetchPairs;
  }

  @Override
  public int[] count(PatternCoder coder, ComparisonPatterns patterns) {
    try {
      // Each partition's distinct codes in order of first appearance: {codes, counts}.
      JavaRDD<long[][]> firsts = sorted.map(part -> firstCodes(coder, part[1]));
      Map<Long, Integer> numberOf = new HashMap<>();
      for (int[] batch : Fetches.runs(sizes.size(), CODES_PARTITIONS)) {
        for (List<long[][]> partition : firsts.collectPartitions(batch)) {
          for (long[][] codes : partition) {
            for (int k = 0; k < codes[0].length; k++) {
              numberOf.put(codes[0][k], patterns.addCode(codes[0][k], codes[1][k]));
            }
          }
        }
      }
      long[] codes = new long[numberOf.size()];
      int n = 0;
      for (long code : numberOf.keySet()) {
        codes[n++] = code;
      }
      Arrays.sort(codes);
      int[] numbers = new int[codes.length];
      for (int k = 0; k < codes.length; k++) {
        numbers[k] = numberOf.get(codes[k]);
      }
      long total = 0;
      for (long size : sizes) {
        total += size;
      }
      int[] out = new int[Math.toIntExact(total)];
      JavaRDD<int[]> numbered = sorted.map(part -> numbersOf(coder, part[1], codes, numbers));
      int at = 0;
      for (int[] batch : Fetches.batches(sizes, fetchPairs)) {
        for (List<int[]> partition : numbered.collectPartitions(batch)) {
          for (int[] part : partition) {
            System.arraycopy(part, 0, out, at, part.length);
            at += part.length;
          }
        }
      }
      return out;
    } finally {
      sorted.unpersist(true);
    }
  }

  /**
   * The distinct codes of {@code levels} in order of first appearance, and how often each comes.
   */
  static long[][] firstCodes(PatternCoder coder, long[] levels) {
    LongUnaryOperator coding = coder.coding();
    Map<Long, long[]> counts = new LinkedHashMap<>(); // in the order codes first come
    for (long raw : levels) {
      counts.computeIfAbsent(coding.applyAsLong(raw), code -> new long[1])[0]++;
    }
    long[][] out = new long[2][counts.size()];
    int k = 0;
    for (Map.Entry<Long, long[]> e : counts.entrySet()) {
      out[0][k] = e.getKey();
      out[1][k++] = e.getValue()[0];
    }
    return out;
  }

  /** Each candidate's pattern number, its code looked up in {@code codes} (sorted). */
  static int[] numbersOf(PatternCoder coder, long[] levels, long[] codes, int[] numbers) {
    LongUnaryOperator coding = coder.coding();
    int[] out = new int[levels.length];
    for (int k = 0; k < levels.length; k++) {
      int at = Arrays.binarySearch(codes, coding.applyAsLong(levels[k]));
      if (at < 0) {
        throw new IllegalStateException("a candidate's pattern was not counted");
      }
      out[k] = numbers[at];
    }
    return out;
  }
}
