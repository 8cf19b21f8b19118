package org.pprl.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

class EncodeCommandTest {
  @TempDir Path dir;

  static final String SCHEMA =
      """
      {"version": 3, "clkConfig": {"l": 512, "kdf": {"type": "HKDF", "keySize": 64}},
       "features": [
         {"identifier": "id", "ignored": true},
         {"identifier": "name", "format": {"type": "string", "maxLength": 20},
          "hashing": {"comparison": {"type": "ngram", "n": 2}, "strategy": {"bitsPerFeature": 100},
                      "hash": {"type": "doubleHash"}}},
         {"identifier": "year", "format": {"type": "integer", "minimum": 1900, "maximum": 2030},
          "hashing": {"comparison": {"type": "ngram", "n": 1, "positional": true},
                      "strategy": {"bitsPerToken": 10}}}]}
      """;

  /** Runs {@code pprl args...}; returns exit code, stdout and stderr. */
  record Run(int code, String out, String err) {}

  static Run pprl(String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    CommandLine cl = Pprl.commandLine();
    cl.setOut(new PrintWriter(out));
    cl.setErr(new PrintWriter(err));
    int code = cl.execute(args);
    return new Run(code, out.toString(), err.toString());
  }

  Path write(String name, String text) throws Exception {
    return Files.writeString(dir.resolve(name), text, StandardCharsets.UTF_8);
  }

  Run encode(Path csv, Path out, String... extra) throws Exception {
    Path schema = write("schema.json", SCHEMA);
    Path secret = write("secret.txt", "s3cret\n");
    String[] base = {
      "encode",
      "--schema",
      schema.toString(),
      "--secret-file",
      secret.toString(),
      "--input",
      csv.toString(),
      "--output",
      out.toString(),
      "--format",
      "clkhash"
    };
    return pprl(Stream.concat(Stream.of(base), Stream.of(extra)).toArray(String[]::new));
  }

  /** No stray output or temp file in {@link #dir} besides inputs. */
  void assertNoOutputLeft(Path out) throws Exception {
    assertFalse(Files.exists(out), "output must not exist after a failure");
    try (Stream<Path> files = Files.list(dir)) {
      assertTrue(files.noneMatch(p -> p.getFileName().toString().endsWith(".tmp")));
    }
  }

  @Test
  void encode_goldenFebrl4_matchesClkhashThroughCli() throws Exception {
    Path golden = null;
    for (String s :
        new String[] {System.getProperty("pprl.shared"), System.getenv("PPRL_SHARED")}) {
      if (s != null && Files.isDirectory(Path.of(s, "interop", "clkhash"))) {
        golden = Path.of(s, "interop", "clkhash");
        break;
      }
    }
    assumeTrue(golden != null, "shared/interop/clkhash not available");
    Path out = dir.resolve("a.json");
    Run r =
        pprl(
            "encode",
            "--schema",
            golden.resolve("febrl_schema_v3.json").toString(),
            "--secret-file",
            golden.resolve("secret.txt").toString(),
            "--input",
            golden.resolve("febrl4_a.csv").toString(),
            "--output",
            out.toString(),
            "--format",
            "clkhash",
            "--threads",
            "2");
    assertEquals(0, r.code(), r.err());
    assertTrue(r.out().startsWith("encoded 5000 records in "), r.out());
    ObjectMapper json = new ObjectMapper();
    assertEquals(
        json.readTree(golden.resolve("febrl4_a_clks.json").toFile()), json.readTree(out.toFile()));
  }

  @Test
  void encode_threads_keepInputOrder() throws Exception {
    StringBuilder csv = new StringBuilder("id,name,year\n");
    java.util.SplittableRandom random = new java.util.SplittableRandom(7);
    for (int i = 0; i < 5000; i++) {
      csv.append(i)
          .append(",n")
          .append(random.nextInt(100000))
          .append(',')
          .append(1900 + random.nextInt(130))
          .append('\n');
    }
    Path in = write("in.csv", csv.toString());
    Path one = dir.resolve("one.json");
    Path three = dir.resolve("three.json");
    assertEquals(0, encode(in, one).code());
    assertEquals(0, encode(in, three, "--threads", "3").code());
    assertEquals(Files.readString(one), Files.readString(three));
    assertEquals(5000, new ObjectMapper().readTree(one.toFile()).get("clks").size());
  }

  @Test
  void encode_secretTrailingNewline_isStripped() throws Exception {
    Path in = write("in.csv", "id,name,year\n1,ann,1950\n");
    Path schema = write("schema.json", SCHEMA);
    Path plain = write("plain.txt", "s3cret");
    Path out1 = dir.resolve("1.json");
    Path out2 = dir.resolve("2.json");
    assertEquals(0, encode(in, out1).code());
    assertEquals(
        0,
        pprl(
                "encode",
                "--schema",
                schema.toString(),
                "--secret-file",
                plain.toString(),
                "--input",
                in.toString(),
                "--output",
                out2.toString(),
                "--format",
                "clkhash")
            .code());
    assertEquals(Files.readString(out1), Files.readString(out2));
  }

  @Test
  void encode_badRow_exits2NamingLineAndColumnWithoutValue() throws Exception {
    Path in = write("in.csv", "id,name,year\n1,ann,1950\n2,bob,1850\n");
    Path out = dir.resolve("out.json");
    Run r = encode(in, out);
    assertEquals(2, r.code());
    assertEquals(
        "pprl encode: " + in + ": line 3, row 1, column 'year': integer below minimum 1900\n",
        r.err());
    // Outside the test's temporary directory, whose random name may hold any digits.
    assertFalse(r.err().replace(dir.toString(), "DIR").contains("1850"), r.err());
    assertNoOutputLeft(out);
  }

  @Test
  void encode_badRowWithThreads_exits2AndLeavesNothing() throws Exception {
    StringBuilder csv = new StringBuilder("id,name,year\n");
    for (int i = 0; i < 4000; i++) {
      csv.append(i).append(",n,").append(i == 3000 ? "19x0" : "1950").append('\n');
    }
    Path in = write("in.csv", csv.toString());
    Path out = dir.resolve("out.json");
    Run r = encode(in, out, "--threads", "2");
    assertEquals(2, r.code());
    assertEquals(
        "pprl encode: " + in + ": line 3002, row 3000, column 'year': not an integer\n", r.err());
    assertNoOutputLeft(out);
  }

  @Test
  void encode_badSchema_exits2NamingPath() throws Exception {
    Path schema = write("bad.json", SCHEMA.replace("\"n\": 2", "\"n\": 0"));
    Path secret = write("k", "x");
    Path in = write("in.csv", "id,name,year\n");
    Path out = dir.resolve("out.json");
    Run r =
        pprl(
            "encode",
            "--schema",
            schema.toString(),
            "--secret-file",
            secret.toString(),
            "--input",
            in.toString(),
            "--output",
            out.toString());
    assertEquals(2, r.code());
    assertEquals(
        "pprl encode: " + schema + ": features[1].hashing.comparison.n: must be >= 1, got 0\n",
        r.err());
    assertNoOutputLeft(out);
  }

  @Test
  void encode_wrongHeader_orMissingFiles_exit2() throws Exception {
    Path out = dir.resolve("out.json");
    Run header = encode(write("in.csv", "id,name,yr\n1,a,1950\n"), out);
    assertEquals(2, header.code());
    assertTrue(header.err().contains("line 1, header: column 3 is named 'yr'"), header.err());
    Run missing = encode(dir.resolve("nope.csv"), out);
    assertEquals(2, missing.code());
    assertTrue(missing.err().endsWith("nope.csv: no such file\n"), missing.err());
    Path emptySecret = write("empty", "\n");
    Run secret =
        pprl(
            "encode",
            "--schema",
            write("s.json", SCHEMA).toString(),
            "--secret-file",
            emptySecret.toString(),
            "--input",
            write("i.csv", "id,name,year\n").toString(),
            "--output",
            out.toString());
    assertEquals(2, secret.code());
    assertTrue(secret.err().contains("the secret file is empty"), secret.err());
    assertNoOutputLeft(out);
  }
}
