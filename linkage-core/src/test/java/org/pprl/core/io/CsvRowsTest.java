package org.pprl.core.io;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.StringReader;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** {@link CsvRows} against what Python's {@code csv.reader} returns for the same text. */
class CsvRowsTest {
  static List<String[]> rows(String text) throws IOException {
    List<String[]> out = new ArrayList<>();
    try (CsvRows r = new CsvRows(new StringReader(text))) {
      for (String[] row = r.next(); row != null; row = r.next()) {
        out.add(row);
      }
    }
    return out;
  }

  @Test
  void next_pythonExcelDialectCases() throws IOException {
    List<String[]> r =
        rows("a,b\r\n\"x,y\",\"say \"\"hi\"\"\"\n\n\"multi\nline\",z\n,\nq\"r,\"ab\"c\rlast,");
    assertArrayEquals(new String[] {"a", "b"}, r.get(0));
    assertArrayEquals(new String[] {"x,y", "say \"hi\""}, r.get(1));
    assertArrayEquals(new String[0], r.get(2));
    assertArrayEquals(new String[] {"multi\nline", "z"}, r.get(3));
    assertArrayEquals(new String[] {"", ""}, r.get(4));
    assertArrayEquals(new String[] {"q\"r", "abc"}, r.get(5));
    assertArrayEquals(new String[] {"last", ""}, r.get(6));
    assertEquals(7, r.size());
  }

  @Test
  void next_quotedNewlineAsCrLf_becomesNewline() throws IOException {
    assertArrayEquals(new String[] {"a\nb"}, rows("\"a\r\nb\"\r\n").get(0));
  }

  @Test
  void next_unclosedQuoteAtEnd_endsField() throws IOException {
    assertArrayEquals(new String[] {"x", "open"}, rows("x,\"open").get(0));
  }

  @Test
  void line_countsPhysicalLinesIncludingQuotedNewlines() throws IOException {
    try (CsvRows r = new CsvRows(new StringReader("h\n\"a\nb\"\nc\n"))) {
      r.next();
      assertEquals(1, r.line());
      r.next();
      assertEquals(2, r.line());
      r.next();
      assertEquals(4, r.line());
      assertNull(r.next());
    }
  }

  @Test
  void utf8_skipsByteOrderMark_andRejectsMalformedBytes() throws IOException {
    byte[] bom = {(byte) 0xEF, (byte) 0xBB, (byte) 0xBF, 'i', 'd', '\n'};
    try (CsvRows r = CsvRows.utf8(new ByteArrayInputStream(bom))) {
      assertArrayEquals(new String[] {"id"}, r.next());
    }
    byte[] bad = {'i', 'd', '\n', 'a', (byte) 0xFF, '\n'};
    try (CsvRows r = CsvRows.utf8(new ByteArrayInputStream(bad))) {
      r.next();
      IOException e = assertThrows(IOException.class, r::next);
      assertTrue(e.getMessage().contains("not valid UTF-8"), e.getMessage());
    }
  }

  @Test
  void next_fieldOverPythonLimit_isAnErrorWithLine() {
    String huge = "ok\n" + "x".repeat(CsvRows.FIELD_LIMIT + 1) + "\n";
    IOException e = assertThrows(IOException.class, () -> rows(huge));
    assertEquals("line 2: field larger than the limit of 131072 characters", e.getMessage());
  }
}
