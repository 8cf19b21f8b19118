package org.pprl.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.InputStream;
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
import org.pprl.core.encode.CsvColumns;
import org.pprl.core.encode.RecordEncoder;
import org.pprl.core.encode.RecordException;
import org.pprl.core.extract.ExtractRecord;
import org.pprl.core.schema.EngineSchema;
import org.pprl.core.schema.SchemaException;

/**
 * Single-thread extract-record encoding (CLK, a field filter per feature, hardening) with clkhash's
 * FEBRL schema as it is ({@code plain}) and with the engine's default hardening ({@code hardened}:
 * names salted by the birth date, blakeHash, BLIP f = 0.02 on the CLK). One operation encodes one
 * record, so ops/s is records/s. Rows are {@link FebrlLikeRows}, cycled.
 *
 * <p>Run: {@code java -jar benchmarks/target/benchmarks.jar RecordEncodeBenchmark}. Figures are in
 * {@code docs/attacks.md}.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Fork(
    value = 1,
    jvmArgsAppend = {"-Xms1g", "-Xmx1g"})
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
public class RecordEncodeBenchmark {
  @Param({"plain", "hardened"})
  public String schema;

  @Param({"100000"})
  public int rows;

  String[][] data;
  RecordEncoder encoder;
  CsvColumns columns;
  ExtractRecord record;
  int next;

  /** clkhash's FEBRL schema, with the default hardening when {@code hardened}. */
  static EngineSchema schema(boolean hardened) throws IOException, SchemaException {
    ObjectMapper json = new ObjectMapper();
    ObjectNode tree;
    try (InputStream in = EncodeBenchmark.class.getResourceAsStream("febrl_schema_v3.json")) {
      tree = (ObjectNode) json.readTree(in);
    }
    tree.putObject("pprl").put("version", 1).put("recordId", "rec_id");
    if (hardened) {
      AttackHarness.saltNames(tree, AttackHarness.Shape.FEBRL, 0, 0.02);
    }
    return EngineSchema.parse(json.writeValueAsBytes(tree));
  }

  @Setup
  public void setup() throws Exception {
    data = FebrlLikeRows.generate(rows, 20260101L);
    for (int i = 0; i < data.length; i++) {
      data[i][0] = "rec-" + i;
    }
    encoder = new RecordEncoder(schema(schema.equals("hardened")), EncodeBenchmark.SECRET);
    columns = encoder.bind(FebrlLikeRows.HEADER, null);
    record = new ExtractRecord(encoder.header("bench", "bench"));
    next = 0;
  }

  /** Encodes the next row. */
  @Benchmark
  public ExtractRecord encodeRecord() throws RecordException {
    int i = next;
    next = i + 1 == data.length ? 0 : i + 1;
    encoder.encode(columns, data[i], i, record);
    return record;
  }
}
