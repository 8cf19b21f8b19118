package org.pprl.bench;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;
import org.pprl.core.disclose.CountTable;
import org.pprl.core.disclose.DisclosedTable;
import org.pprl.core.disclose.Suppressor;

/**
 * Time for one {@link Suppressor#apply} on the largest tables an overlap question yields (30 rows
 * by 12 columns), seeded, with a given share of cells drawn from 0..5 and a remainder of 3 (so the
 * remainder needs protection too).
 *
 * <p>Run: {@code ./mvnw -B -q package -pl benchmarks -am -DskipTests && java -jar
 * benchmarks/target/benchmarks.jar SuppressBenchmark}. One fork with a pinned 1 GiB heap.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Fork(
    value = 1,
    jvmArgsAppend = {"-Xms1g", "-Xmx1g"})
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
public class SuppressBenchmark {
  static final int ROWS = 30;
  static final int COLUMNS = 12;

  /** Percentage of cells (or cumulative bands) drawn from 0..5 rather than 6..205. */
  @Param({"5", "20", "50", "100"})
  public int smallPercent;

  @Param({"false", "true"})
  public boolean cumulative;

  CountTable table;
  final Suppressor suppressor = new Suppressor(6);

  @Setup
  public void setUp() {
    table = table(new SplittableRandom(20261123L), smallPercent, cumulative);
  }

  static CountTable table(SplittableRandom random, int smallPercent, boolean cumulative) {
    long[][] counts = new long[ROWS][COLUMNS];
    long persons = 0;
    for (int r = 0; r < ROWS; r++) {
      for (int c = 0; c < COLUMNS; c++) {
        long v = random.nextInt(100) < smallPercent ? random.nextInt(6) : 6 + random.nextInt(200);
        counts[r][c] = cumulative && c > 0 ? counts[r][c - 1] + v / 4 : v;
      }
      for (int c = 0; c < COLUMNS; c++) {
        persons += cumulative ? (c == COLUMNS - 1 ? counts[r][c] : 0) : counts[r][c];
      }
    }
    List<String> rows = new ArrayList<>();
    for (int r = 0; r < ROWS; r++) {
      rows.add("row " + r);
    }
    List<String> columns = new ArrayList<>();
    for (int c = 0; c < COLUMNS; c++) {
      columns.add("column " + c);
    }
    return new CountTable(rows, columns, counts, cumulative, persons + 3);
  }

  @Benchmark
  public DisclosedTable apply() {
    return suppressor.apply(table);
  }
}
