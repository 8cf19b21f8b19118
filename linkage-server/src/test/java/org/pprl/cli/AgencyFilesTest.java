package org.pprl.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.pprl.core.extract.ExtractReader;

/**
 * Issue 13: agencies' own files. Two hand-written CSVs with other headers, other date orders, a
 * byte-order mark, CRLF line ends, quoted commas and accented names link through their mappings;
 * dates are never guessed; one run reports every problem.
 */
class AgencyFilesTest {
  @TempDir Path dir;

  static final Path SCHEMA =
      Paths.get(System.getProperty("pprl.examples", "../examples"), "agency-schema.json");

  /**
   * Housing: day-first birth dates, its own names, CRLF and a BOM, no middle names, one consent
   * column. Persons H1..H4 are also in the shelter file; H5 and H6 are not.
   */
  static final String HOUSING =
      "\uFEFFClient ID,First Name,Surname,Sex,DOB,House,Street,Borough,Post Code,Research OK\r\n"
          + "H1,José,García,M,16/09/1985,12,\"High St, Flat 2\",Brooklyn,11201,Y\r\n"
          + "H2,Zoë,O'Brien,F,03/04/1990,7,Elm Road,Queens,11375,N\r\n"
          + "H3,Łukasz,Nowak,M,25/12/1979,301,\"Park Ave, Apt 9\",Manhattan,10022,Y\r\n"
          + "H4,Ngozi,Okafor,F,01/02/2001,44,Bay Street,Bronx,10451,\r\n"
          + "H5,Ann,Smith,F,11/11/1950,9,Oak Lane,Queens,11101,N\r\n"
          + "H6,Omar,Haddad,M,30/06/1968,150,River Rd,Brooklyn,11215,Y\r\n";

  static final String HOUSING_MAPPING =
      """
      {"columns": {"given_name": "First Name", "family_name": "Surname", "sex": "Sex",
                   "date_of_birth": "DOB", "street_number": "House", "street": "Street",
                   "borough": "Borough", "postcode": "Post Code", "middle_name": null},
       "recordId": "Client ID",
       "dateFormats": {"date_of_birth": "dd/MM/yyyy"},
       "consent": {"research": "Research OK", "service_coordination": null}}
      """;

  /** Shelters: month-first dates, names in capitals, another column order, LF. */
  static final String SHELTER =
      "ref,surname,forename,middle,gender,born,no,road,area,zip,research,coordination\n"
          + "S10,GARCIA,JOSE,,M,09/16/1985,12,\"HIGH ST, FLAT 2\",BROOKLYN,11201,Y,N\n"
          + "S11,O'BRIEN,ZOE,,F,04/03/1990,7,ELM ROAD,QUEENS,11375,N,N\n"
          + "S12,NOWAK,LUKASZ,,M,12/25/1979,301,\"PARK AVE, APT 9\",MANHATTAN,10022,Y,Y\n"
          + "S13,OKAFOR,NGOZI,,F,02/01/2001,44,BAY STREET,BRONX,10451,N,Y\n"
          + "S14,LEE,MIN,,F,07/19/1995,3,Hill Pl,Queens,11354,Y,N\n"
          + "S15,ROSSI,MARCO,,M,05/05/1972,88,Canal St,Manhattan,10013,N,N\n";

  static final String SHELTER_MAPPING =
      """
      {"columns": {"family_name": "surname", "given_name": "forename", "middle_name": "middle",
                   "sex": "gender", "date_of_birth": "born", "street_number": "no",
                   "street": "road", "borough": "area", "postcode": "zip"},
       "recordId": "ref",
       "dateFormat": "MM/dd/yyyy",
       "consent": {"research": "research", "service_coordination": "coordination"}}
      """;

  Path write(String name, String text) throws Exception {
    return Files.writeString(dir.resolve(name), text, StandardCharsets.UTF_8);
  }

  Path secret() throws Exception {
    return write("secret.key", "agency files test secret\n");
  }

  CliRun encode(Path csv, Path out, String... extra) throws Exception {
    String[] base = {
      "encode",
      "--schema",
      SCHEMA.toString(),
      "--secret-file",
      secret().toString(),
      "--input",
      csv.toString(),
      "--output",
      out.toString()
    };
    return CliRun.of(Stream.concat(Stream.of(base), Stream.of(extra)).toArray(String[]::new));
  }

  @Test
  void encode_twoLayoutsWithTheirMappings_linkTheSharedPersons() throws Exception {
    Path housing = dir.resolve("housing.pprl");
    Path shelter = dir.resolve("shelter.pprl");
    CliRun h =
        encode(
            write("housing.csv", HOUSING),
            housing,
            "--mapping",
            write("housing-mapping.json", HOUSING_MAPPING).toString());
    assertEquals(0, h.exit(), h.err());
    assertTrue(h.err().contains("middle_name"), h.err());
    CliRun s =
        encode(
            write("shelter.csv", SHELTER),
            shelter,
            "--mapping",
            write("shelter-mapping.json", SHELTER_MAPPING).toString());
    assertEquals(0, s.exit(), s.err());

    Path pairs = dir.resolve("pairs.csv");
    CliRun link =
        CliRun.of(
            "link",
            housing.toString(),
            shelter.toString(),
            "--pairs",
            pairs.toString(),
            "--method",
            "dice",
            "--threshold",
            "0.8");

    assertEquals(0, link.exit(), link.err());
    Set<String> across = new TreeSet<>();
    for (String line : Files.readAllLines(pairs).subList(1, Files.readAllLines(pairs).size())) {
      String[] f = line.split(",");
      if (!f[0].equals(f[2])) {
        across.add(f[0].startsWith("housing") ? f[1] + "-" + f[3] : f[3] + "-" + f[1]);
      }
    }
    assertEquals(Set.of("H1-S10", "H2-S11", "H3-S12", "H4-S13"), across);
  }

  @Test
  void fingerprint_dependsOnTheSchemaNotTheMapping() throws Exception {
    Path housing = dir.resolve("h.pprl");
    Path shelter = dir.resolve("s.pprl");
    Path plain = dir.resolve("plain.pprl");
    assertEquals(
        0,
        encode(
                write("housing.csv", HOUSING),
                housing,
                "--mapping",
                write("hm.json", HOUSING_MAPPING).toString())
            .exit());
    assertEquals(
        0,
        encode(
                write("shelter.csv", SHELTER),
                shelter,
                "--mapping",
                write("sm.json", SHELTER_MAPPING).toString())
            .exit());
    // Another schema: the same, with one feature's n-gram length changed.
    String other = Files.readString(SCHEMA).replaceFirst("\"n\": 2", "\"n\": 3");
    Path otherSchema = write("other-schema.json", other);
    CliRun o =
        CliRun.of(
            "encode",
            "--schema",
            otherSchema.toString(),
            "--secret-file",
            secret().toString(),
            "--input",
            dir.resolve("shelter.csv").toString(),
            "--output",
            plain.toString(),
            "--mapping",
            dir.resolve("sm.json").toString());
    assertEquals(0, o.exit(), o.err());

    String h = ExtractReader.verify(housing).header().schemaFingerprintHex();
    String s = ExtractReader.verify(shelter).header().schemaFingerprintHex();
    String p = ExtractReader.verify(plain).header().schemaFingerprintHex();
    assertEquals(h, s);
    assertNotEquals(h, p);
    assertEquals(
        org.pprl.core.schema.EngineSchema.parse(SCHEMA).fingerprintHex(),
        h,
        "the mapping must leave the schema's fingerprint as it was before mappings existed");
  }

  @Test
  void encode_ambiguousDateColumn_isRefusedNamingTheColumnWithoutValues() throws Exception {
    // Every day is 12 or less: 03/04/1990 could be March or April.
    String csv =
        "Client ID,First Name,Surname,Sex,DOB,House,Street,Borough,Post Code,Research OK\n"
            + "H1,Ann,Lee,F,03/04/1990,1,A St,Queens,11101,Y\n"
            + "H2,Bo,Kim,M,11/12/1985,2,B St,Queens,11101,N\n";
    String mapping =
        HOUSING_MAPPING.replace("\"dateFormats\": {\"date_of_birth\": \"dd/MM/yyyy\"},", "");
    Path out = dir.resolve("out.pprl");

    CliRun r = encode(write("in.csv", csv), out, "--mapping", write("m.json", mapping).toString());

    assertEquals(2, r.exit(), r.err());
    assertTrue(r.err().contains("column 'DOB' (date_of_birth)"), r.err());
    assertTrue(r.err().contains("dd/MM/yyyy") && r.err().contains("MM/dd/yyyy"), r.err());
    assertTrue(r.err().contains("--date-format"), r.err());
    String err = outsideDir(r.err());
    assertFalse(err.contains("03/04") || err.contains("1990"), r.err());
    assertNothingWritten(out);

    // One value with a day above 12 in front settles it, and says so.
    CliRun detected =
        encode(
            write("in2.csv", csv + "H3,Cy,Ode,M,16/09/1970,3,C St,Queens,11101,N\n"),
            out,
            "--mapping",
            dir.resolve("m.json").toString());
    assertEquals(0, detected.exit(), detected.err());
    assertTrue(
        detected.err().contains("column 'DOB' (date_of_birth): dates read as dd/MM/yyyy (detected"),
        detected.err());
  }

  /** Housing's file with four bad rows, each a different problem. */
  static final String BAD =
      "Client ID,First Name,Surname,Sex,DOB,House,Street,Borough,Post Code,Research OK\n"
          + "H1,Ann,Lee,F,16/09/1985,1,A St,Queens,11101,Y\n"
          + "H2,Bo,Kim,M,7/3/1990,2,B St,Queens,11101,N\n"
          + "H3,Cy,Ode,M,30/02/2024,3,C St,Queens,11101,maybe\n"
          + "H4,Di,Roe,F,31.12.1985,4,D St,Queens,11101,N\n"
          + "H5,Ed,Fox,M,01/01/1999,5,E St,Queens,11101,N\n"
          + "H6,Flo,Gu,F\n";

  /**
   * {@code text} with the test's temporary directory named DIR: messages name the files they read
   * or wrote, and the directory's random digits (say, ...2024...) are no record's value.
   */
  private String outsideDir(String text) {
    return text.replace(dir.toString(), "DIR");
  }

  /** Encodes {@link #BAD} with housing's mapping and a rejects report, and {@code extra}. */
  CliRun encodeBad(Path out, Path rejects, String... extra) throws Exception {
    String[] base = {
      "--mapping", write("m.json", HOUSING_MAPPING).toString(), "--rejects", rejects.toString()
    };
    return encode(
        write("bad.csv", BAD),
        out,
        Stream.concat(Stream.of(base), Stream.of(extra)).toArray(String[]::new));
  }

  @Test
  void encode_skip_writesTheGoodRowsAndARejectsReportWithoutValues() throws Exception {
    Path out = dir.resolve("out.pprl");
    Path rejects = dir.resolve("rejects.csv");

    CliRun r = encodeBad(out, rejects, "--on-error", "skip");

    assertEquals(0, r.exit(), r.err());
    assertEquals(2, ExtractReader.verify(out).recordCount());
    assertTrue(r.err().contains("skipped 4 of 6 rows (5 problems)"), r.err());
    List<String> report = Files.readAllLines(rejects);
    assertEquals("line,row,column,feature,reason", report.get(0));
    assertEquals(6, report.size(), report.toString());
    assertTrue(report.get(1).startsWith("3,1,DOB,date_of_birth,"), report.get(1));
    assertTrue(report.get(2).startsWith("4,2,DOB,date_of_birth,"), report.get(2));
    assertTrue(report.get(3).startsWith("4,2,Research OK,consent research,"), report.get(3));
    assertTrue(report.get(4).startsWith("5,3,DOB,date_of_birth,"), report.get(4));
    assertTrue(report.get(5).startsWith("7,5,,,\"has 4 columns"), report.get(5));
    String all = outsideDir(Files.readString(rejects) + r.err());
    for (String value : List.of("7/3", "30/02", "maybe", "31.12", "1990", "2024", "Flo")) {
      assertFalse(all.contains(value), value + " leaked: " + all);
    }
  }

  @Test
  void encode_stop_listsEveryProblemAndWritesNothing() throws Exception {
    Path out = dir.resolve("out.pprl");
    Path rejects = dir.resolve("rejects.csv");

    CliRun r = encodeBad(out, rejects);

    assertEquals(2, r.exit(), r.err());
    assertTrue(r.err().contains("5 problems in 4 of 6 rows; nothing written"), r.err());
    for (String where :
        List.of(
            "line 3, row 1, column 'DOB' (date_of_birth)",
            "line 4, row 2, column 'DOB' (date_of_birth)",
            "line 4, row 2, column 'Research OK' (consent research)",
            "line 5, row 3, column 'DOB' (date_of_birth)",
            "line 7, row 5: has 4 columns")) {
      assertTrue(r.err().contains(where), where + " not in " + r.err());
    }
    String err = outsideDir(r.err());
    assertFalse(err.contains("7/3") || err.contains("maybe"), r.err());
    assertNothingWritten(out);
    assertEquals(6, Files.readAllLines(rejects).size());
  }

  @Test
  void profile_reportsFormatsEmptiesAndUnreadRowsWithoutValues() throws Exception {
    Path in = write("bad.csv", BAD);
    Path mapping =
        write(
            "m.json",
            HOUSING_MAPPING.replace("\"dateFormats\": {\"date_of_birth\": \"dd/MM/yyyy\"},", ""));

    CliRun text =
        CliRun.of(
            "profile",
            "--schema",
            SCHEMA.toString(),
            "--input",
            in.toString(),
            "--mapping",
            mapping.toString());
    CliRun json =
        CliRun.of(
            "profile",
            "--schema",
            SCHEMA.toString(),
            "--input",
            in.toString(),
            "--mapping",
            mapping.toString(),
            "--json",
            "-");

    assertEquals(1, text.exit(), text.err());
    assertTrue(text.out().contains("dd/MM/yyyy (detected)"), text.out());
    assertTrue(text.out().contains("3 fit no format: rows 1, 2, 3"), text.out());
    assertEquals(1, json.exit(), json.err());
    JsonNode report = new ObjectMapper().readTree(json.out());
    assertEquals(6, report.get("rows").asLong());
    assertEquals(1, report.get("rowsOfWrongWidth").asLong());
    JsonNode dob = null;
    for (JsonNode c : report.get("columns")) {
      if (c.get("column").asText().equals("DOB")) {
        dob = c;
      }
    }
    assertEquals("date_of_birth", dob.get("name").asText());
    assertEquals("dd/MM/yyyy", dob.get("date").get("format").asText());
    assertEquals(2, dob.get("date").get("fits").get("dd/MM/yyyy").asLong());
    assertEquals(1, dob.get("date").get("fits").get("MM/dd/yyyy").asLong());
    assertEquals(3, dob.get("date").get("fitNone").asLong());
    assertEquals(
        List.of("service_coordination"), List.of(report.get("absentConsents").get(0).asText()));
    for (String value : List.of("7/3", "30/02", "31.12", "Ann", "16/09")) {
      assertFalse(
          outsideDir(text.out()).contains(value) || outsideDir(json.out()).contains(value), value);
    }
    assertFalse(Files.list(dir).anyMatch(p -> p.toString().endsWith(".pprl")));
  }

  @Test
  void encode_unmappedColumns_workAsBeforeAndNameTheMissingOnes() throws Exception {
    Path out = dir.resolve("out.pprl");
    CliRun r = encode(write("housing.csv", HOUSING), out);
    assertEquals(2, r.exit(), r.err());
    assertTrue(r.err().contains("the header has"), r.err());
    assertTrue(r.err().contains("column 'given_name'"), r.err());
    assertTrue(r.err().contains("--mapping"), r.err());
    assertNothingWritten(out);
  }

  void assertNothingWritten(Path out) throws Exception {
    assertFalse(Files.exists(out), "output must not exist after a failure");
    try (Stream<Path> files = Files.list(dir)) {
      assertTrue(files.noneMatch(p -> p.getFileName().toString().endsWith(".tmp")));
    }
  }
}
