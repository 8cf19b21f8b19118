package org.pprl.bench;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
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
import org.pprl.core.encode.ClkEncoder;
import org.pprl.core.encode.RecordException;
import org.pprl.core.schema.ClkhashSchema;
import org.pprl.core.schema.SchemaException;

/**
 * Single-thread CLK encoding throughput with clkhash's FEBRL schema: one operation encodes one
 * record, so ops/s is records/s. Rows are {@link FebrlLikeRows} from a fixed seed, encoded round
 * robin; caches are warm after the first pass, as they are a few thousand rows into a real file.
 *
 * <p>Run (after {@code ./mvnw -B -q package -DskipTests -pl benchmarks -am}):
 *
 * <pre>
 * java -jar benchmarks/target/benchmarks.jar EncodeBenchmark
 * </pre>
 *
 * <p>One fork with the heap pinned (1 GiB) so runs are comparable; measured figures are in {@code
 * docs/encoder.md}.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Fork(
    value = 1,
    jvmArgsAppend = {"-Xms1g", "-Xmx1g"})
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
public class EncodeBenchmark {
  /** Distinct rows cycled through. */
  @Param({"100000"})
  public int rows;

  /** The secret the benchmark encodes with (any bytes do). */
  static final byte[] SECRET = "benchmark-secret".getBytes(StandardCharsets.UTF_8);

  String[][] data;
  ClkEncoder encoder;
  long[] filter;
  int next;

  /** clkhash's FEBRL schema, copied from clkhash (Apache-2.0). */
  static ClkhashSchema febrlSchema() throws IOException, SchemaException {
    try (InputStream in = EncodeBenchmark.class.getResourceAsStream("febrl_schema_v3.json")) {
      return ClkhashSchema.parse(in);
    }
  }

  /** Generates the rows and the encoder. */
  @Setup
  public void setup() throws IOException, SchemaException {
    data = FebrlLikeRows.generate(rows, 20260101L);
    encoder = new ClkEncoder(febrlSchema(), SECRET);
    filter = new long[(encoder.filterBits() + 63) / 64];
    next = 0;
  }

  /** Encodes the next row. */
  @Benchmark
  public long[] encodeRecord() throws RecordException {
    int i = next;
    next = i + 1 == data.length ? 0 : i + 1;
    encoder.encode(data[i], i, filter);
    return filter;
  }
}
