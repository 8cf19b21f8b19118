package org.pprl.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.pprl.core.extract.ExtractReader;
import org.pprl.core.extract.ExtractRecord;
import org.pprl.core.schema.DerivedBlockingKeys;
import org.pprl.core.schema.EngineSchema;

/** {@code pprl encode --derive-blocking-keys} with plain clkhash schemas. */
class EncodeDerivedKeysTest {
  @TempDir Path dir;

  private static final String FEATURE =
      "\"format\": {\"type\": \"string\", \"encoding\": \"utf-8\"}, \"hashing\": {\"comparison\":"
          + " {\"type\": \"ngram\", \"n\": 2}, \"strategy\": {\"bitsPerFeature\": 100}}";

  private static final String PERSON_SCHEMA =
      "{\"version\": 3, \"clkConfig\": {\"l\": 512, \"kdf\": {\"type\": \"HKDF\"}},"
          + " \"features\": [{\"identifier\": \"rec_id\", \"ignored\": true},"
          + " {\"identifier\": \"given_name\", "
          + FEATURE
          + "}, {\"identifier\": \"surname\", "
          + FEATURE
          + "}, {\"identifier\": \"date_of_birth\", "
          + FEATURE
          + "}, {\"identifier\": \"postcode\", "
          + FEATURE
          + "}]}";

  private static final String CSV =
      "rec_id,given_name,surname,date_of_birth,postcode\n"
          + "a1,william,smith,19840312,2000\n"
          + "a2,mary,jones,19900701,2600\n";

  private EncodeCommandTest.Run encode(String schema, String... extra) throws Exception {
    return encodeCsv(schema, CSV, extra);
  }

  private EncodeCommandTest.Run encodeCsv(String schema, String csvText, String... extra)
      throws Exception {
    Path schemaFile = Files.writeString(dir.resolve("schema.json"), schema);
    Path secret = Files.writeString(dir.resolve("secret.txt"), "s3cret\n");
    Path csv = Files.writeString(dir.resolve("people.csv"), csvText, StandardCharsets.UTF_8);
    List<String> args =
        new ArrayList<>(
            List.of(
                "encode",
                "--schema",
                schemaFile.toString(),
                "--secret-file",
                secret.toString(),
                "--input",
                csv.toString(),
                "--output",
                dir.resolve("people.pprl").toString(),
                "--id-column",
                "rec_id",
                "--derive-blocking-keys"));
    args.addAll(List.of(extra));
    return EncodeCommandTest.pprl(args.toArray(String[]::new));
  }

  @Test
  void encode_personSchema_writesTheDerivedKeys() throws Exception {
    EncodeCommandTest.Run run = encode(PERSON_SCHEMA);

    assertEquals(0, run.code(), run.err());
    assertTrue(run.err().contains("4 blocking keys derived from the schema"), run.err());
    assertFalse(run.err().contains("william"), "no value in any message");
    try (ExtractReader r = ExtractReader.open(dir.resolve("people.pprl"))) {
      EngineSchema schema = EngineSchema.parse(PERSON_SCHEMA.getBytes(StandardCharsets.UTF_8));
      assertEquals(
          DerivedBlockingKeys.of(schema.clkhash()).keys().stream().map(k -> k.name()).toList(),
          r.header().blockingKeys());
      ExtractRecord rec = r.newRecord();
      assertTrue(r.next(rec));
      for (int k = 0; k < 4; k++) {
        assertTrue(rec.hasBlockingKey(k), "key " + k);
      }
    }
  }

  @Test
  void encode_unrecognisedFeatures_saysSoInOneLineAndWritesClksOnly() throws Exception {
    String[] from = {"given_name", "surname", "date_of_birth", "postcode"};
    String[] to = {"f1", "f2", "f3", "f4"};
    String schema = PERSON_SCHEMA;
    String csv = CSV;
    for (int i = 0; i < from.length; i++) {
      schema = schema.replace(from[i], to[i]);
      csv = csv.replace(from[i], to[i]);
    }
    EncodeCommandTest.Run run = encodeCsv(schema, csv);

    assertEquals(0, run.code(), run.err());
    String[] lines = run.err().strip().split("\n");
    assertEquals(1, lines.length, run.err());
    assertTrue(lines[0].startsWith("pprl encode: no blocking keys derived"), lines[0]);
    try (ExtractReader r = ExtractReader.open(dir.resolve("people.pprl"))) {
      assertEquals(List.of(), r.header().blockingKeys());
      ExtractRecord rec = r.newRecord();
      while (r.next(rec)) {
        assertEquals(0, rec.blockingKeyCount());
      }
      assertEquals(2, r.recordCount());
    }
  }

  @Test
  void encode_clkhashFormat_isRefused() throws Exception {
    EncodeCommandTest.Run run = encode(PERSON_SCHEMA, "--format", "clkhash");

    assertEquals(2, run.code());
    assertEquals(
        "pprl encode: --derive-blocking-keys needs --format extract: clkhash's JSON has no place"
            + " for keys",
        run.err().strip());
    assertFalse(Files.exists(dir.resolve("people.pprl")));
  }

  @Test
  void encode_schemaWithPprlBlock_isRefused() throws Exception {
    String own =
        PERSON_SCHEMA.substring(0, PERSON_SCHEMA.length() - 1) + ", \"pprl\": {\"version\": 1}}";
    EncodeCommandTest.Run run = encode(own);

    assertEquals(2, run.code());
    assertTrue(run.err().contains("pprl.blockingKeys"), run.err());
    assertEquals(1, run.err().strip().split("\n").length, run.err());
  }
}
