package org.pprl.bench;

import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.OptionalLong;
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
import org.pprl.core.block.BlockingKeyFunction;
import org.pprl.core.block.BlockingKeySpec;
import org.pprl.core.block.BlockingKeys;
import org.pprl.core.normalise.Normaliser;
import org.pprl.core.normalise.Normalisers;

/**
 * Per-call cost of the value normalisers and keyed blocking keys on seeded name and date values (a
 * quarter of the names accented, dates spread over the first and third default formats).
 *
 * <p>Run: {@code ./mvnw -B -q package -pl benchmarks -am -DskipTests && java -jar
 * benchmarks/target/benchmarks.jar NormaliseBenchmark}. One fork with a pinned 1 GiB heap, so the
 * figures are comparable between runs on the 2-core reference machine.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Fork(
    value = 1,
    jvmArgsAppend = {"-Xms1g", "-Xmx1g"})
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
public class NormaliseBenchmark {
  private static final String[] FAMILY = {
    "Smith",
    "García",
    "O'Brien",
    "de la Cruz",
    "Müller",
    "van der Berg",
    "Nguyen",
    "Łukasiewicz",
    "MacDonald",
    "Smith-Jones",
    "Johnson Jr.",
    "Zoë Brontë",
    "Dr. Patel",
    "Kowalski",
    "Ødegård",
    "Rossi"
  };
  private static final String[] GIVEN = {
    "Bill", "Elizabeth", "José", "Bob", "Liz", "Mohammed", "Peggy", "Anna", "Chris", "Zoë"
  };
  private static final int N = 1024;

  final String[] family = new String[N];
  final String[] given = new String[N];
  final String[] dates = new String[N];
  final String[] isoDates = new String[N];
  final Normaliser fold = Normalisers.byName("fold", Map.of());
  final Normaliser name = Normalisers.byName("name", Map.of());
  final Normaliser nickname = Normalisers.byName("nickname", Map.of());
  final Normaliser date = Normalisers.byName("date", Map.of());
  final BlockingKeyFunction soundexYear =
      BlockingKeys.derive(
          BlockingKeySpec.of("sdx_yob", "family", "soundex", "dob", "year"),
          "benchmark secret".getBytes(StandardCharsets.UTF_8));
  final BlockingKeyFunction beiderMorse =
      BlockingKeys.derive(
          BlockingKeySpec.of("bm", "family", "beider_morse"),
          "benchmark secret".getBytes(StandardCharsets.UTF_8));
  final String[] normalisedFamily = new String[N];

  /** Distinct generated surnames, more than the Beider–Morse cache holds: every call misses. */
  final String[] distinct = new String[8 * N];

  int i;

  @Setup
  public void setUp() {
    SplittableRandom random = new SplittableRandom(20260101L);
    for (int k = 0; k < N; k++) {
      family[k] = FAMILY[random.nextInt(FAMILY.length)];
      given[k] = GIVEN[random.nextInt(GIVEN.length)];
      int y = 1930 + random.nextInt(90);
      int m = 1 + random.nextInt(12);
      int d = 1 + random.nextInt(28);
      isoDates[k] = String.format("%04d-%02d-%02d", y, m, d);
      dates[k] = random.nextBoolean() ? isoDates[k] : String.format("%02d/%02d/%04d", d, m, y);
      normalisedFamily[k] = name.apply(family[k]);
    }
    String[] syllables = {
      "ka", "ro", "mi", "sen", "dor", "ba", "lu", "vic", "ter", "zo", "han", "el"
    };
    for (int k = 0; k < distinct.length; k++) {
      StringBuilder sb = new StringBuilder();
      int n = 2 + random.nextInt(3);
      for (int s = 0; s < n; s++) {
        sb.append(syllables[random.nextInt(syllables.length)]);
      }
      for (int v = k, d = 0; d < 3; d++, v /= 26) { // a base-26 suffix makes every value distinct
        sb.append((char) ('a' + v % 26));
      }
      distinct[k] = sb.toString();
    }
  }

  private int next() {
    return i++ & (N - 1);
  }

  @Benchmark
  public String fold() {
    return fold.apply(family[next()]);
  }

  @Benchmark
  public String name() {
    return name.apply(family[next()]);
  }

  @Benchmark
  public String nickname() {
    return nickname.apply(given[next()]);
  }

  @Benchmark
  public String date() {
    return date.apply(dates[next()]);
  }

  @Benchmark
  public OptionalLong blockingKeySoundexYear() {
    int k = next();
    return soundexYear.key(normalisedFamily[k], isoDates[k]);
  }

  /** Beider–Morse keys of 16 recurring surnames: after warm-up, cache hits. */
  @Benchmark
  public long[] blockingKeysBeiderMorse() {
    return beiderMorse.keys(normalisedFamily[next()]);
  }

  /** Beider–Morse keys of never-repeating values: the uncached encoding cost. */
  @Benchmark
  public long[] blockingKeysBeiderMorseUncached() {
    return beiderMorse.keys(distinct[i++ & (distinct.length - 1)]);
  }
}
