package org.pprl.bench;

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
import org.pprl.core.block.HammingLsh;
import org.pprl.core.match.FilterMatrix;

/**
 * Hamming LSH blocking of {@code size} × {@code size} seeded 1024-bit filters of density {@code
 * density}, with a plan for recall 0.99 at Dice 0.8; the score is candidate searches per second.
 * Every 50th filter of B is a perturbed copy of one of A (Dice about 0.9), so the result has known
 * pairs ({@link #planted}).
 *
 * <p>Run: {@code java -jar benchmarks/target/benchmarks.jar BlockingBenchmark}.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 2, time = 2)
@Measurement(iterations = 3, time = 2)
@Fork(
    value = 1,
    jvmArgsAppend = {"-Xms1g", "-Xmx1g"})
public class BlockingBenchmark {
  static final int BITS = 1024;
  static final int PLANT_EVERY = 50;

  @Param({"5000"})
  public int size;

  /** Share of set bits: FEBRL's CLKs are about 0.68 full, sparse field filters far less. */
  @Param({"0.3", "0.68"})
  public double density;

  FilterMatrix a;
  FilterMatrix b;
  HammingLsh.Plan plan;

  @Setup
  public void setUp() {
    FilterMatrix[] ab =
        PlantedFilters.make(
            new SplittableRandom(20261123L),
            size,
            BITS,
            PLANT_EVERY,
            40,
            random -> PlantedFilters.dense(random, BITS, density));
    a = ab[0];
    b = ab[1];
    plan = HammingLsh.plan(a, b, 0.99, 0.8, 1, 1);
  }

  int planted(int j) {
    return PlantedFilters.planted(j, size);
  }

  /** Distinct candidate pairs found, packed as {@code i << 32 | j}, sorted. */
  @Benchmark
  public long[] candidates() {
    long[][] found = {new long[1024]};
    int[] n = {0};
    HammingLsh.candidates(
        a,
        b,
        plan,
        1,
        Long.MAX_VALUE,
        1,
        (i, j) -> {
          if (n[0] == found[0].length) {
            found[0] = java.util.Arrays.copyOf(found[0], n[0] * 2);
          }
          found[0][n[0]++] = ((long) i << 32) | j;
          return true;
        },
        line -> {},
        Long.MAX_VALUE);
    return java.util.Arrays.stream(found[0], 0, n[0]).sorted().distinct().toArray();
  }
}
