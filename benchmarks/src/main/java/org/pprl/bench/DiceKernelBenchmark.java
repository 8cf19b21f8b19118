package org.pprl.bench;

import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;
import org.pprl.core.match.DiceKernel;
import org.pprl.core.match.FilterMatrix;
import org.pprl.core.match.ScoredPairs;

/**
 * Exhaustive Dice comparison of {@value #SIZE} × {@value #SIZE} random 1024-bit filters at
 * threshold 0.8 on one thread; the score is comparisons per second (ops/s).
 *
 * <p>Random filters have popcounts near 512, so the popcount bound skips nothing: this measures the
 * inner loop, including its bound after half the words, which settles almost every random pair at
 * 0.8 (see {@link #density} for filters where it does not). Every {@value #PLANT_EVERY}th filter of
 * B is a lightly perturbed copy of a filter of A, so the run has known answers ({@link #planted}).
 *
 * <p>Run: {@code java -jar benchmarks/target/benchmarks.jar DiceKernelBenchmark} (add {@code -p
 * kernel=portable,unrolled,vector} to compare the inner loops; {@code vector} needs JDK 21+, to
 * build the jar as well as to run it; {@code -p density=0.5,0.62} for dense filters).
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
// The Vector API module is named on every JDK that has it; on JDK 17 it is unused but harmless.
@Fork(
    value = 1,
    jvmArgsAppend = {"-Xms1g", "-Xmx1g", "--add-modules", "jdk.incubator.vector"})
public class DiceKernelBenchmark {
  static final int SIZE = 4096;
  static final int BITS = 1024;
  static final int PLANT_EVERY = 64;
  static final double THRESHOLD = 0.8;

  /** Inner loop: {@code best} lets the kernel choose; otherwise one of its named loops. */
  @Param({"best"})
  public String kernel;

  /**
   * Share of bits set: 0.5 is uniformly random filters; about 0.62 is like the CLKs of a generated
   * extract, where random pairs share so many bits that the kernel's bound after half the words
   * rarely settles a pair.
   */
  @Param({"0.5"})
  public double density;

  FilterMatrix a;
  FilterMatrix b;

  @Setup
  public void setUp() {
    if (!"best".equals(kernel)) {
      System.setProperty("pprl.kernel", kernel);
    }
    FilterMatrix[] ab =
        PlantedFilters.make(
            new SplittableRandom(20261123L), SIZE, BITS, PLANT_EVERY, 20, this::randomFilter);
    a = ab[0];
    b = ab[1];
  }

  /** The filter of A that B's filter {@code j} was copied from, when j is a multiple of 64. */
  static int planted(int j) {
    return PlantedFilters.planted(j, SIZE);
  }

  private long[] randomFilter(SplittableRandom random) {
    if (density != 0.5) {
      return PlantedFilters.dense(random, BITS, density);
    }
    long[] words = new long[BITS / 64];
    for (int k = 0; k < words.length; k++) {
      words[k] = random.nextLong();
    }
    return words;
  }

  @Benchmark
  @OperationsPerInvocation(SIZE * SIZE)
  public ScoredPairs scan() {
    return DiceKernel.scan(a, b, THRESHOLD, 1);
  }
}
