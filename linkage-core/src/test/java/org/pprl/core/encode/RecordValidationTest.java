package org.pprl.core.encode;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.StringReader;
import java.nio.charset.StandardCharsets;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.pprl.core.io.CsvRows;
import org.pprl.core.schema.ClkhashSchema;

/** Record violations are reported by row and column, and the value never reaches the message. */
class RecordValidationTest {
  static final String SCHEMA =
      """
      {"version": 3,
       "clkConfig": {"l": 256, "kdf": {"type": "HKDF"}},
       "features": [
         {"identifier": "id", "ignored": true},
         {"identifier": "name", "format": {"type": "string", "encoding": "ascii", "minLength": 2, "maxLength": 8},
          "hashing": {"comparison": {"type": "ngram", "n": 2}, "strategy": {"bitsPerFeature": 50}}},
         {"identifier": "code", "format": {"type": "string", "pattern": "[A-Z]{3}"},
          "hashing": {"comparison": {"type": "exact"}, "strategy": {"bitsPerToken": 10}}},
         {"identifier": "age", "format": {"type": "integer", "minimum": 0, "maximum": 120},
          "hashing": {"comparison": {"type": "ngram", "n": 1, "positional": true}, "strategy": {"bitsPerToken": 5}}},
         {"identifier": "dob", "format": {"type": "date", "format": "%d/%m/%Y"},
          "hashing": {"comparison": {"type": "ngram", "n": 1, "positional": true}, "strategy": {"bitsPerToken": 5},
                      "missingValue": {"sentinel": "unknown", "replaceWith": ""}}},
         {"identifier": "sex", "format": {"type": "enum", "values": ["M", "F"]},
          "hashing": {"comparison": {"type": "exact"}, "strategy": {"bitsPerToken": 20}}},
         {"identifier": "town", "format": {"type": "string", "case": "upper"},
          "hashing": {"comparison": {"type": "ngram", "n": 2}, "strategy": {"bitsPerToken": 5}}}
       ]}
      """;

  static final String HEADER = "id,name,code,age,dob,sex,town\n";
  static final String GOOD = "1,anna,ABC,42,29/02/2000,F,PARIS\n";

  static ClkEncoder encoder() throws Exception {
    ClkhashSchema s =
        ClkhashSchema.parse(new ByteArrayInputStream(SCHEMA.getBytes(StandardCharsets.UTF_8)));
    return new ClkEncoder(s, "k".getBytes(StandardCharsets.UTF_8));
  }

  /** Encodes every data row of {@code csv}; returns the first error. */
  static RecordException firstError(String csv) throws Exception {
    ClkEncoder e = encoder();
    try (CsvRows rows = new CsvRows(new StringReader(csv))) {
      e.checkHeader(rows.next());
      long row = 0;
      for (String[] r = rows.next(); r != null; r = rows.next()) {
        try {
          e.encode(r, row++);
        } catch (RecordException error) {
          return error;
        }
      }
    }
    throw new AssertionError("no error in " + csv);
  }

  static Stream<Arguments> violations() {
    return Stream.of(
        Arguments.of(
            "2,Xyzzyplugh,ABC,42,01/01/2000,F,PARIS",
            "name",
            "length 10 is above maxLength 8",
            "Xyzzyplugh"),
        Arguments.of(
            "2,Q,ABC,42,01/01/2000,F,PARIS", "name", "length 1 is below minLength 2", "Q,"),
        Arguments.of(
            "2,Zoë,ABC,42,01/01/2000,F,PARIS", "name", "cannot be encoded in ascii", "Zoë"),
        Arguments.of(
            "2,anna,ABCD,42,01/01/2000,F,PARIS", "code", "does not match the pattern", "ABCD"),
        Arguments.of(
            "2,anna,abc,42,01/01/2000,F,PARIS", "code", "does not match the pattern", "abc"),
        Arguments.of(
            "2,anna,ABC,137,01/01/2000,F,PARIS", "age", "integer above maximum 120", "137"),
        Arguments.of("2,anna,ABC,-7,01/01/2000,F,PARIS", "age", "integer below minimum 0", "-7"),
        Arguments.of("2,anna,ABC,4x2,01/01/2000,F,PARIS", "age", "not an integer", "4x2"),
        Arguments.of(
            "2,anna,ABC,42,29/02/1999,F,PARIS",
            "dob",
            "not a valid date in the schema's format",
            "29/02/1999"),
        Arguments.of(
            "2,anna,ABC,42,1999-02-01,F,PARIS",
            "dob",
            "not a valid date in the schema's format",
            "1999-02-01"),
        Arguments.of(
            "2,anna,ABC,42,01/01/2000,X,PARIS", "sex", "not one of the enum's 2 values", ",X,"),
        Arguments.of("2,anna,ABC,42,01/01/2000,F,Paris", "town", "not upper case", "Paris"));
  }

  @ParameterizedTest
  @MethodSource("violations")
  void encode_invalidValue_namesRowAndColumnButNotValue(
      String row, String column, String reason, String value) throws Exception {
    RecordException e = firstError(HEADER + GOOD + GOOD + row + "\n");
    assertEquals(2, e.row());
    assertEquals(column, e.column());
    assertEquals(reason, e.reason());
    assertTrue(e.getMessage().startsWith("row 2, column '" + column + "': "), e.getMessage());
    assertFalse(e.getMessage().contains(value), e.getMessage());
  }

  @Test
  void encode_wrongColumnCount_namesRow() throws Exception {
    RecordException e = firstError(HEADER + GOOD + "7,anna,ABC,42,01/01/2000,F\n");
    assertEquals(1, e.row());
    assertEquals(null, e.column());
    assertEquals("row 1: has 6 columns, expected 7", e.getMessage());
  }

  @Test
  void encode_blankLine_isARowWithNoColumns() throws Exception {
    RecordException e = firstError(HEADER + GOOD + "\n" + GOOD);
    assertEquals("row 1: has 0 columns, expected 7", e.getMessage());
  }

  @Test
  void checkHeader_misnamedColumn_namesIt() throws Exception {
    RecordException e =
        assertThrows(
            RecordException.class,
            () -> encoder().checkHeader("id,name,code,age,birth,sex,town".split(",")));
    assertEquals(RecordException.HEADER, e.row());
    assertEquals(
        "header: column 5 is named 'birth', the schema's feature 5 is 'dob'", e.getMessage());
  }

  @Test
  void encode_missingValueSentinel_skipsValidationAndHashesReplacement() throws Exception {
    ClkEncoder e = encoder();
    long[] unknown = e.encode("1,anna,ABC,42,unknown,F,PARIS".split(","), 0);
    ClkEncoder other = encoder();
    // The replacement "" sets no bits: same as a schema where dob contributes nothing. Compare with
    // a valid date, which must set more bits.
    long[] dated = other.encode("1,anna,ABC,42,01/01/2000,F,PARIS".split(","), 0);
    assertTrue(
        org.pprl.core.bits.BitFilters.popcount(unknown)
            < org.pprl.core.bits.BitFilters.popcount(dated));
  }
}
