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
import org.pprl.core.match.FilterMatrix;
import org.pprl.core.match.KNearest;

/**
 * Each record's 10 nearest by Dice, both ways across {@value #SIZE} × {@value #SIZE} 1024-bit
 * filters and inside {@value #SIZE} of them: the exhaustive candidate search of a link of two
 * extracts of FEBRL4's size, on one thread; the score is the time of one search (ms).
 *
 * <p>Filters have FEBRL's density (0.68 of bits set): random pairs share most of their bits, which
 * is what makes the search cost what it does. Every {@value #PLANT_EVERY}th filter of B is a
 * lightly perturbed copy of one of A (see {@link #planted}), so the search has known answers; its
 * test checks they are found.
 *
 * <p>Run: {@code java -jar benchmarks/target/benchmarks.jar NearestBenchmark}.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(
    value = 1,
    jvmArgsAppend = {"-Xms1g", "-Xmx1g"})
public class NearestBenchmark {
  static final int SIZE = 5000;
  static final int BITS = 1024;
  static final int K = 10;
  static final int PLANT_EVERY = 50;
  static final double DENSITY = 0.68;

  /** Worker threads. */
  @Param({"1"})
  public int threads;

  FilterMatrix a;
  FilterMatrix b;

  @Setup
  public void setUp() {
    FilterMatrix[] ab =
        PlantedFilters.make(
            new SplittableRandom(20261206L),
            SIZE,
            BITS,
            PLANT_EVERY,
            40,
            random -> PlantedFilters.dense(random, BITS, DENSITY));
    a = ab[0];
    b = ab[1];
  }

  /** The filter of A that B's filter {@code j} was copied from, when j is a multiple of 50. */
  static int planted(int j) {
    return PlantedFilters.planted(j, SIZE);
  }

  @Benchmark
  public KNearest.Both across() {
    return KNearest.across(a, b, K, threads);
  }

  @Benchmark
  public KNearest.Lists within() {
    return KNearest.within(a, K, threads);
  }
}
