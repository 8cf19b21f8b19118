package org.pprl.core.io;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.IOException;
import java.io.StringReader;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class CsvReaderTest {

  private static List<List<String>> rows(String text) throws IOException {
    List<List<String>> out = new ArrayList<>();
    try (CsvReader csv = new CsvReader(new StringReader(text))) {
      for (List<String> row = csv.next(); row != null; row = csv.next()) {
        out.add(row);
      }
    }
    return out;
  }

  @Test
  void next_plainAndQuotedFields_areSplitAsRfc4180Says() throws IOException {
    assertEquals(
        List.of(
            List.of("a", "b", "c"),
            List.of("x, y", "say \"hi\"", ""),
            List.of("two\nlines", "", "end")),
        rows("a,b,c\r\n\"x, y\",\"say \"\"hi\"\"\",\n\"two\nlines\",,end"));
  }

  @Test
  void next_crlfAfterQuotedField_isNotPartOfTheValue() throws IOException {
    assertEquals(List.of(List.of("a", "b"), List.of("c", "d")), rows("a,\"b\"\r\nc,d\r\n"));
  }

  @Test
  void next_loneCarriageReturn_isKeptAsData() throws IOException {
    assertEquals(List.of(List.of("a\rb")), rows("a\rb\n"));
  }

  @Test
  void next_emptyInput_hasNoRows() throws IOException {
    assertEquals(List.of(), rows(""));
  }

  @Test
  void next_unclosedQuote_namesTheRowNotTheValue() {
    CsvReader.CsvException e =
        assertThrows(CsvReader.CsvException.class, () -> rows("a,b\nc,\"secret value\n"));
    assertEquals("row 2: a quoted field is not closed", e.getMessage());
  }

  @Test
  void next_textAfterClosingQuote_isRefusedWithoutTheValue() {
    CsvReader.CsvException e =
        assertThrows(CsvReader.CsvException.class, () -> rows("\"smith\"jones,b\n"));
    assertEquals("row 1, field 1: text after a closing quote", e.getMessage());
    assertFalse(e.getMessage().contains("smith"));
  }

  @Test
  void row_countsFromOneAndStopsAtTheEnd() throws IOException {
    try (CsvReader csv = new CsvReader(new StringReader("h\n1\n"))) {
      csv.next();
      csv.next();
      assertEquals(2, csv.row());
      assertNull(csv.next());
    }
  }
}
