package org.pprl.bench;

import java.nio.charset.StandardCharsets;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;
import org.pprl.core.bits.BitFilters;
import org.pprl.core.harden.Balance;
import org.pprl.core.harden.Blip;
import org.pprl.core.harden.SaltedKey;
import org.pprl.core.harden.XorFold;

/**
 * Per-record cost of the hardening transforms on seeded 1024-bit filters with about 30% of bits set
 * (a typical CLK density).
 *
 * <p>Run: {@code ./mvnw -B -q package -pl benchmarks -am -DskipTests && java -jar
 * benchmarks/target/benchmarks.jar HardenBenchmark}. One fork with a pinned 1 GiB heap.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Fork(
    value = 1,
    jvmArgsAppend = {"-Xms1g", "-Xmx1g"})
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
public class HardenBenchmark {
  static final int BITS = 1024;
  private static final int N = 256;
  private static final byte[] SECRET = "benchmark secret".getBytes(StandardCharsets.UTF_8);

  final long[][] filters = new long[N][];
  final String[] salts = new String[N];
  final Balance balance = Balance.create(SECRET, BITS);
  final Blip blip = Blip.create(SECRET, 0.1);
  final byte[] featureKey = new byte[32];
  int i;

  @Setup
  public void setUp() {
    SplittableRandom random = new SplittableRandom(20260101L);
    for (int k = 0; k < N; k++) {
      long[] words = new long[BitFilters.wordCount(BITS)];
      for (int b = 0; b < BITS; b++) {
        if (random.nextDouble() < 0.3) {
          BitFilters.set(words, b);
        }
      }
      filters[k] = words;
      salts[k] = "record-" + k;
    }
  }

  private int next() {
    return i++ & (N - 1);
  }

  @Benchmark
  public long[] xorFold() {
    return XorFold.fold(filters[next()], BITS);
  }

  @Benchmark
  public long[] balance() {
    return balance.apply(filters[next()]);
  }

  @Benchmark
  public long[] blip() {
    int k = next();
    return blip.apply(filters[k], BITS, salts[k]);
  }

  @Benchmark
  public byte[] saltedKey() {
    return SaltedKey.derive(featureKey, salts[next()]);
  }
}
