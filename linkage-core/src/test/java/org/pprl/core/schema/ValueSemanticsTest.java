package org.pprl.core.schema;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.time.LocalDate;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Python semantics clkhash inherits: tokenizers, strptime, int() and float(). */
class ValueSemanticsTest {

  @Test
  void ngram_bigramsOfClkhash_matchClkhashDocs() {
    assertEquals(
        List.of(" c", "cl", "lk", "kh", "ha", "as", "sh", "h "),
        new Comparison.Ngram(2, false).tokens("clkhash"));
    assertEquals(
        List.of("1  c", "2 cl", "3 lk", "4 kh", "5 ha", "6 as", "7 sh", "8 h "),
        new Comparison.Ngram(2, true).tokens("clkhash"));
    assertEquals(List.of(), new Comparison.Ngram(2, true).tokens(""));
  }

  @Test
  void ngram_countsCodePointsNotChars() {
    assertEquals(List.of(" 😀", "😀a", "a "), new Comparison.Ngram(2, false).tokens("😀a"));
  }

  @Test
  void numeric_tokensOf25_matchClkhashDocstring() {
    Comparison.Numeric c =
        new Comparison.Numeric(BigDecimal.valueOf(8), 2, 0, BigInteger.valueOf(8));
    assertEquals(List.of("88", "96", "104", "112", "120"), c.tokens("25"));
    // Floats are truncated at precision 0, ints keep full precision.
    assertEquals(c.tokens("25"), c.tokens("25.9"));
    assertEquals(List.of(), c.tokens(""));
    assertThrows(IllegalArgumentException.class, () -> c.tokens("nan"));
    assertThrows(IllegalArgumentException.class, () -> c.tokens("12abc"));
  }

  @Test
  void numeric_fractionalPrecision_roundsHalfToEven() {
    // d = round(0.5 * 10) = 5; 2.25 * 10 = 22.5 rounds to 22 (half to even), times 2 * 1 = 44.
    Comparison.Numeric c =
        new Comparison.Numeric(new BigDecimal("0.5"), 1, 1, BigInteger.valueOf(5));
    assertEquals(List.of("40", "45", "50"), c.tokens("2.25"));
  }

  @ParameterizedTest
  @ValueSource(strings = {"1946-06-14", "1977-12-31", "2016-02-29", "2000-02-29", "2006-3-20"})
  void strptime_validDates_parse(String s) {
    assertNotNull(Strptime.compile("%Y-%m-%d").parse(s));
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "0000-03-20",
        "2006-00-20",
        "2006-13-20",
        "2006-03-00",
        "2006-03-52",
        "194-06-14",
        "1946--06-14",
        "194606-14",
        "1946-0614",
        "2006-3-20d",
        "d2006-3-20",
        "",
        "20-03-2006",
        "2017-11-31",
        "2017-02-29",
        "1900-02-29"
      })
  void strptime_invalidDates_areRejected(String s) {
    assertNull(Strptime.compile("%Y-%m-%d").parse(s));
  }

  @Test
  void strptime_namesWhitespaceAndTwoDigitYears() {
    Strptime p = Strptime.compile("%d %b %y");
    assertEquals(LocalDate.of(2001, 3, 5), p.parse("05   MAR 01"));
    assertEquals(LocalDate.of(1969, 3, 5), p.parse("5 mar 69"));
    assertEquals("19690305", Strptime.toYmd(p.parse("5 mar 69")));
    assertEquals("9990101", Strptime.toYmd(LocalDate.of(999, 1, 1)));
  }

  @Test
  void textEncoding_matchesPythonCodecs() {
    // Python: "ab".encode("utf-16") == b"\xff\xfea\x00b\x00"; "utf-32" likewise with 4 bytes.
    org.junit.jupiter.api.Assertions.assertArrayEquals(
        new byte[] {(byte) 0xFF, (byte) 0xFE, 'a', 0, 'b', 0}, TextEncoding.UTF_16.encode("ab"));
    org.junit.jupiter.api.Assertions.assertArrayEquals(
        new byte[] {(byte) 0xFF, (byte) 0xFE, 0, 0, 'a', 0, 0, 0}, TextEncoding.UTF_32.encode("a"));
    org.junit.jupiter.api.Assertions.assertArrayEquals(
        new byte[] {(byte) 0xC3, (byte) 0xA9}, TextEncoding.UTF_8.encode("é"));
    assertEquals(false, TextEncoding.ASCII.canEncode("é"));
    assertEquals(false, TextEncoding.UTF_8.canEncode("a\uD800"));
    assertThrows(IllegalArgumentException.class, () -> TextEncoding.ASCII.encode("é"));
  }

  @Test
  void pythonInt_acceptsWhatPythonAccepts() {
    assertEquals(BigInteger.valueOf(-42), PyNumbers.parseInt(" \t-0042\n"));
    assertEquals(BigInteger.valueOf(1000), PyNumbers.parseInt("1_000"));
    assertEquals(BigInteger.valueOf(12), PyNumbers.parseInt("١٢"));
    for (String bad : new String[] {"", "+", "1__0", "_1", "1_", "1.0", "0x10", "1e3", "- 1"}) {
      assertNull(PyNumbers.parseInt(bad), bad);
    }
  }

  @Test
  void pythonFloat_acceptsWhatPythonAccepts() {
    assertEquals(1.5, PyNumbers.parseFloat(" 1.5 "));
    assertEquals(1000.5, PyNumbers.parseFloat("1_000.5"));
    assertEquals(0.5, PyNumbers.parseFloat(".5"));
    assertEquals(1.0, PyNumbers.parseFloat("1."));
    assertEquals(Double.NEGATIVE_INFINITY, PyNumbers.parseFloat("-Infinity"));
    for (String bad : new String[] {"1.5d", "0x1p3", "1e", ".", "1_.5", "in f"}) {
      assertNull(PyNumbers.parseFloat(bad), bad);
    }
  }
}
