package org.pprl.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.pprl.core.extract.ExtractHeader;
import org.pprl.core.extract.ExtractRecord;
import org.pprl.core.extract.ExtractWriter;
import picocli.CommandLine;

class InspectCommandTest {

  private static final ExtractHeader HEADER =
      ExtractHeader.builder()
          .schemaFingerprint(HexFormat.of().parseHex("ab".repeat(32)))
          .agency("dhs")
          .toolVersion("pprl 0.1.0")
          .clkBits(128)
          .fieldFilter("first_name", 64)
          .blockingKeys("soundex")
          .purposes("research", "care")
          .build();

  /** Three records whose CLKs have 1, 2 and 3 bits set (mean 2). */
  private static void writeExtract(OutputStream os) throws IOException {
    try (ExtractWriter w = ExtractWriter.create(os, HEADER)) {
      ExtractRecord r = new ExtractRecord(HEADER);
      for (int i = 0; i < 3; i++) {
        r.setId("client-" + i);
        r.clk()[1] = (1L << (i + 1)) - 1;
        w.write(r);
      }
      w.finish();
    }
  }

  private static Path extract(Path dir) throws IOException {
    Path file = dir.resolve("extract.bin");
    try (OutputStream os = Files.newOutputStream(file)) {
      writeExtract(os);
    }
    return file;
  }

  private record Run(int exit, String out, String err) {}

  private static Run run(String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    CommandLine cli = Pprl.commandLine();
    cli.setOut(new PrintWriter(out));
    cli.setErr(new PrintWriter(err));
    int exit = cli.execute(args);
    String nl = System.lineSeparator();
    return new Run(exit, out.toString().replace(nl, "\n"), err.toString().replace(nl, "\n"));
  }

  private static String sha256(Path file) throws IOException, NoSuchAlgorithmException {
    return HexFormat.of()
        .formatHex(MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(file)));
  }

  @Test
  void inspect_validExtract_printsHeaderCountShaAndPopcount(@TempDir Path dir) throws Exception {
    Path file = extract(dir);
    Run run = run("inspect", file.toString());

    assertEquals(0, run.exit(), run.err());
    assertEquals("", run.err());
    assertEquals(
        List.of(
            "file: " + file,
            "format version: 2",
            "compression: none",
            "schema fingerprint: " + "ab".repeat(32),
            "key check: none (the secret cannot be checked)",
            "agency: dhs",
            "tool version: pprl 0.1.0",
            "clk bits: 128",
            "field filters (1): first_name (64 bits)",
            "blocking keys (1): soundex",
            "attributes (0): -",
            "consent purposes (2): research, care",
            "records: 3",
            "file sha-256: " + sha256(file),
            "mean clk popcount: 2.0 (1.6% of 128 bits)"),
        run.out().lines().toList());
  }

  @Test
  void inspect_withRecords_listsFirstIdsAndPopcounts(@TempDir Path dir) throws Exception {
    Run run = run("inspect", extract(dir).toString(), "--records", "2");

    assertEquals(0, run.exit(), run.err());
    List<String> lines = run.out().lines().toList();
    assertEquals(
        List.of("first 2 records (id, clk popcount):", "  client-0\t1", "  client-1\t2"),
        lines.subList(lines.size() - 3, lines.size()));
  }

  @Test
  void inspect_json_carriesTheTextsFactsFieldByField(@TempDir Path dir) throws Exception {
    Path file = extract(dir);
    Run run = run("inspect", file.toString(), "--records", "2", "--json");

    assertEquals(0, run.exit(), run.err());
    JsonNode j = new ObjectMapper().readTree(run.out());
    assertEquals("pprl.inspect.v1", j.get("format").asText());
    assertEquals(file.toString(), j.get("file").asText());
    assertEquals(2, j.get("formatVersion").asInt());
    assertEquals("none", j.get("compression").asText());
    assertEquals("ab".repeat(32), j.get("schemaFingerprint").asText());
    assertTrue(j.get("keyCheck").isNull(), j.toString());
    assertEquals("dhs", j.get("agency").asText());
    assertEquals("pprl 0.1.0", j.get("toolVersion").asText());
    assertEquals(128, j.get("clkBits").asInt());
    assertEquals("first_name", j.get("fieldFilters").get(0).get("name").asText());
    assertEquals(64, j.get("fieldFilters").get(0).get("bits").asInt());
    assertEquals(1, j.get("fieldFilters").size());
    assertEquals("[\"soundex\"]", j.get("blockingKeys").toString());
    assertEquals("[]", j.get("attributes").toString());
    assertEquals("[\"research\",\"care\"]", j.get("purposes").toString());
    assertEquals(3, j.get("records").asLong());
    assertEquals(sha256(file), j.get("fileSha256").asText());
    assertEquals(2.0, j.get("meanClkPopcount").asDouble(), 1e-12);
    assertEquals("client-1", j.get("firstRecords").get(1).get("id").asText());
    assertEquals(2, j.get("firstRecords").get(1).get("clkPopcount").asInt());
    // The text report, on standard error, says the same.
    assertTrue(run.err().contains("records: 3\n"), run.err());
    assertTrue(run.err().contains("  client-1\t2\n"), run.err());
  }

  @Test
  void inspect_gzipExtract_isReadToo(@TempDir Path dir) throws Exception {
    Path file = dir.resolve("extract.bin.gz");
    try (OutputStream os = new GZIPOutputStream(Files.newOutputStream(file))) {
      writeExtract(os);
    }
    Run run = run("inspect", file.toString());

    assertEquals(0, run.exit(), run.err());
    assertTrue(run.out().contains("compression: gzip\n"), run.out());
    assertTrue(run.out().contains("file sha-256: " + sha256(file) + "\n"), run.out());
  }

  @Test
  void inspect_truncatedExtract_exits2WithOneLine(@TempDir Path dir) throws Exception {
    Path file = extract(dir);
    byte[] bytes = Files.readAllBytes(file);
    Files.write(file, Arrays.copyOf(bytes, bytes.length - 10));
    Run run = run("inspect", file.toString(), "--records", "1");

    assertEquals(2, run.exit());
    assertEquals("", run.out());
    assertEquals(
        file
            + ": corrupt extract (TRUNCATED at byte "
            + (bytes.length - 10)
            + "): the extract ends inside the trailer digest\n",
        run.err());
  }

  @Test
  void inspect_notAnExtract_exits2WithBadMagic(@TempDir Path dir) throws Exception {
    Path file = dir.resolve("data.csv");
    Files.writeString(file, "id,name\n1,Jane\n");
    Run run = run("inspect", file.toString());

    assertEquals(2, run.exit());
    assertEquals(
        file
            + ": corrupt extract (BAD_MAGIC at byte 0): the file does not start with the extract"
            + " magic\n",
        run.err());
  }

  @Test
  void inspect_missingFile_exits2(@TempDir Path dir) {
    Path file = dir.resolve("nope.bin");
    Run run = run("inspect", file.toString());

    assertEquals(2, run.exit());
    assertEquals(file + ": no such file\n", run.err());
  }

  @Test
  void inspect_negativeRecords_exits2(@TempDir Path dir) throws Exception {
    Run run = run("inspect", extract(dir).toString(), "--records", "-1");

    assertEquals(2, run.exit());
    assertEquals("inspect: --records must be 0 or more, was -1\n", run.err());
  }

  @Test
  void oneLine_controlCharacters_areEscaped() {
    assertEquals("a\\u000ab", InspectCommand.oneLine("a\nb"));
  }
}
