package org.pprl.core.extract;

import static java.nio.charset.StandardCharsets.US_ASCII;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.Arrays;
import java.util.EnumMap;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.pprl.core.extract.CorruptExtractException.Reason;

/**
 * Damaged and hostile extract bytes: every problem is a {@link CorruptExtractException} with the
 * right reason and offset, and no message carries record content.
 */
class ExtractCorruptionTest {

  /** Every id and attribute value contains this, so a message that leaks one is caught. */
  private static final String SECRET = "SECRET";

  private static final ExtractHeader HEADER =
      ExtractHeader.builder()
          .schemaFingerprint(new byte[32])
          .agency("dhs")
          .toolVersion("t")
          .clkBits(70)
          .fieldFilter("ff", 10)
          .blockingKeys("kA", "kB")
          .attributes("aa", "ab")
          .purposes("p0", "p1")
          .build();

  /** Two records, about 280 bytes in all. */
  private static byte[] sample() {
    ExtractRecord r0 = new ExtractRecord(HEADER);
    r0.setId(SECRET + "ID0");
    r0.clk()[0] = 0x0123_4567_89AB_CDEFL;
    r0.clk()[1] = 0x2A;
    r0.fieldFilter(0)[0] = 0x155;
    r0.setBlockingKey(0, -7L);
    r0.setAttribute(0, SECRET + "ATTR");
    r0.setConsent(0b01);
    ExtractRecord r1 = new ExtractRecord(HEADER);
    r1.setId(SECRET + "ID1");
    r1.clk()[0] = -1L;
    r1.clk()[1] = 0x3F;
    r1.setBlockingKey(0, 1L);
    r1.setBlockingKey(1, 2L);
    r1.setAttribute(0, SECRET + "é");
    r1.setAttribute(1, "");
    r1.setConsent(0b11);
    return ExtractSamples.write(HEADER, List.of(r0, r1));
  }

  private static int recordStart(byte[] bytes, int i) {
    return ExtractSamples.indexOf(bytes, (SECRET + "ID" + i).getBytes(US_ASCII), 0) - 3;
  }

  private static CorruptExtractException readExpectingCorrupt(byte[] bytes) {
    try {
      ExtractSamples.readAll(bytes);
    } catch (CorruptExtractException e) {
      assertFalse(e.getMessage().contains(SECRET), "message leaks content: " + e.getMessage());
      assertFalse(e.getMessage().contains("\n"), "message is not one line: " + e.getMessage());
      return e;
    } catch (IOException | RuntimeException e) {
      throw new AssertionError("expected CorruptExtractException, got " + e, e);
    }
    return fail("corrupt bytes were read without an error");
  }

  @Test
  void sample_isValid() throws IOException {
    assertEquals(2, ExtractSamples.readAll(sample()).records().size());
  }

  @Test
  void truncation_atEveryOffset_isTruncatedAtThatOffset() {
    byte[] bytes = sample();
    for (int n = 0; n < bytes.length; n++) {
      CorruptExtractException e = readExpectingCorrupt(Arrays.copyOf(bytes, n));
      assertEquals(Reason.TRUNCATED, e.reason(), "cut at " + n + ": " + e.getMessage());
      assertEquals(n, e.offset(), "cut at " + n);
    }
  }

  @Test
  void truncation_ofGzip_atEveryOffset_isTruncatedOrBadGzip() {
    byte[] gz = ExtractSamples.gzip(sample());
    Set<Reason> allowed = EnumSet.of(Reason.TRUNCATED, Reason.BAD_GZIP);
    for (int n = 0; n < gz.length; n++) {
      CorruptExtractException e = readExpectingCorrupt(Arrays.copyOf(gz, n));
      if (n == 1) {
        // One byte of gzip magic is not recognisable as gzip, so it is a bad extract magic.
        assertEquals(Reason.BAD_MAGIC, e.reason());
      } else {
        assertTrue(allowed.contains(e.reason()), "cut at " + n + ": " + e.getMessage());
      }
    }
  }

  /** Every byte of the file replaced by each of its 255 other values: about 70,000 files. */
  @Test
  void byteFlip_everyValueAtEveryOffset_isCorruptExtract() {
    byte[] bytes = sample();
    byte[] damaged = bytes.clone();
    for (int i = 0; i < bytes.length; i++) {
      for (int mask = 1; mask < 256; mask++) {
        damaged[i] = (byte) (bytes[i] ^ mask);
        readExpectingCorrupt(damaged);
      }
      damaged[i] = bytes[i];
    }
  }

  /** A corruption and where the reader must report it (-1: offset not asserted). */
  private record Case(byte[] bytes, long offset) {}

  @Test
  void everyReason_hasACorruptionThatProducesIt() {
    byte[] ok = sample();
    int len = ok.length;
    int r0 = recordStart(ok, 0);
    int r1 = recordStart(ok, 1);
    int clk0 = r0 + 3 + (SECRET + "ID0").length();
    Map<Reason, Case> cases = new EnumMap<>(Reason.class);

    byte[] b = ok.clone();
    b[1] = 'Q';
    cases.put(Reason.BAD_MAGIC, new Case(b, 1));

    b = ok.clone();
    b[10] = 3;
    cases.put(Reason.UNSUPPORTED_VERSION, new Case(b, 10));

    b = ok.clone();
    int ab = ExtractSamples.indexOf(b, new byte[] {2, 0, 'a', 'b'}, 0);
    b[ab + 3] = 'a'; // attribute names "aa", "aa"
    cases.put(Reason.BAD_HEADER, new Case(b, Format.PREAMBLE_BYTES));

    cases.put(Reason.TRUNCATED, new Case(Arrays.copyOf(ok, len - 1), len - 1));

    b = ok.clone();
    b[r1] = 'X';
    cases.put(Reason.BAD_RECORD, new Case(b, r1));

    b = ok.clone();
    b[clk0 + 8] |= 0x40; // bit 70 of a 70-bit clk
    cases.put(Reason.TAIL_BITS_SET, new Case(b, clk0 + 8));

    b = ok.clone();
    b[r0 + 1] = 0;
    b[r0 + 2] = 0; // empty id
    cases.put(Reason.LENGTH_OUT_OF_RANGE, new Case(b, r0 + 1));

    b = ok.clone();
    b[r1 + 3 + (SECRET + "ID").length()] = '0';
    cases.put(Reason.DUPLICATE_ID, new Case(ExtractSamples.reseal(b), r1));

    b = ok.clone();
    b[len - 40] = 3; // the trailer says 3 records
    cases.put(Reason.COUNT_MISMATCH, new Case(ExtractSamples.reseal(b), len - 40));

    b = ok.clone();
    b[clk0] ^= 1; // a valid clk, but not the one digested
    cases.put(Reason.DIGEST_MISMATCH, new Case(b, len - 32));

    b = Arrays.copyOf(ok, len + 1);
    cases.put(Reason.TRAILING_BYTES, new Case(b, len));

    b = ExtractSamples.gzip(ok);
    b[b.length - 8] ^= 1; // the gzip CRC
    cases.put(Reason.BAD_GZIP, new Case(b, -1));

    assertEquals(EnumSet.allOf(Reason.class), cases.keySet(), "a reason without a test");
    cases.forEach(
        (reason, c) -> {
          CorruptExtractException e = readExpectingCorrupt(c.bytes());
          assertEquals(reason, e.reason(), e.getMessage());
          if (c.offset() >= 0) {
            assertEquals(c.offset(), e.offset(), e.getMessage());
          }
        });
  }

  @Test
  void message_isOneLineWithReasonOffsetAndRecordIndex() {
    byte[] b = sample();
    int clk0 = recordStart(b, 0) + 3 + (SECRET + "ID0").length();
    b[clk0 + 8] |= 0x40;
    CorruptExtractException e = readExpectingCorrupt(b);
    assertEquals(
        "corrupt extract (TAIL_BITS_SET at byte "
            + (clk0 + 8)
            + "): record 0: clk has bit 70 set, past its 70 bits",
        e.getMessage());
  }

  @Test
  void headerLength_huge_isLengthOutOfRangeWithoutAllocating() {
    byte[] b = sample();
    b[12] = b[13] = b[14] = b[15] = (byte) 0xFF;
    CorruptExtractException e = readExpectingCorrupt(b);
    assertEquals(Reason.LENGTH_OUT_OF_RANGE, e.reason());
    assertEquals(12, e.offset());
  }

  @Test
  void headerLength_tooShort_isBadHeader() {
    byte[] b = sample();
    b[12] -= 1; // the header's last byte now reads as the first record's marker
    CorruptExtractException e = readExpectingCorrupt(b);
    assertEquals(Reason.BAD_HEADER, e.reason());
  }

  @Test
  void consentBitPastPurposes_isBadRecord() {
    byte[] b = sample();
    int consentAt = b.length - 41 - 1; // the last record's last byte, before the trailer
    b[consentAt] |= 0x04; // purpose 2 of 2
    CorruptExtractException e = readExpectingCorrupt(b);
    assertEquals(Reason.BAD_RECORD, e.reason());
    assertEquals(consentAt, e.offset());
    assertTrue(e.getMessage().contains("record 1: consent has bit 2 set"), e.getMessage());
  }

  @Test
  void idNotUtf8_isBadRecord() {
    byte[] b = sample();
    int idAt = recordStart(b, 0) + 3;
    b[idAt] = (byte) 0xC0; // an overlong lead byte
    CorruptExtractException e = readExpectingCorrupt(b);
    assertEquals(Reason.BAD_RECORD, e.reason());
    assertEquals(idAt, e.offset());
  }

  @Test
  void emptyInput_isTruncatedAtZero() {
    CorruptExtractException e = readExpectingCorrupt(new byte[0]);
    assertEquals(Reason.TRUNCATED, e.reason());
    assertEquals(0, e.offset());
  }

  @Test
  void open_corruptHeader_closesTheStream() {
    boolean[] closed = {false};
    byte[] b = sample();
    b[10] = 9;
    ByteArrayInputStream in =
        new ByteArrayInputStream(b) {
          @Override
          public void close() {
            closed[0] = true;
          }
        };
    CorruptExtractException e =
        assertThrows(CorruptExtractException.class, () -> ExtractReader.open(in));
    assertEquals(Reason.UNSUPPORTED_VERSION, e.reason());
    assertTrue(closed[0]);
  }

  @Test
  void next_afterCorruption_isIllegalState() throws IOException {
    byte[] b = sample();
    b[recordStart(b, 1)] = 'X';
    try (ExtractReader reader = ExtractReader.open(new ByteArrayInputStream(b))) {
      ExtractRecord r = reader.newRecord();
      assertTrue(reader.next(r));
      assertThrows(CorruptExtractException.class, () -> reader.next(r));
      assertThrows(IllegalStateException.class, () -> reader.next(r));
    }
  }

  @Test
  void close_beforeTheEnd_checksNothing() throws IOException {
    byte[] b = sample();
    b[b.length - 1] ^= 1; // digest damaged, but the reader never gets there
    try (ExtractReader reader = ExtractReader.open(new ByteArrayInputStream(b))) {
      assertTrue(reader.next(reader.newRecord()));
    }
  }

  @Test
  void writerClosedWithoutFinish_readsAsTruncated() throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try (ExtractWriter w = ExtractWriter.create(out, HEADER)) {
      ExtractRecord r = new ExtractRecord(HEADER);
      r.setId("x");
      w.write(r);
    }
    assertEquals(Reason.TRUNCATED, readExpectingCorrupt(out.toByteArray()).reason());
  }

  @Test
  void holderForAnotherHeader_isRefusedByReader() throws IOException {
    ExtractHeader other =
        ExtractHeader.builder()
            .schemaFingerprint(new byte[32])
            .agency("x")
            .toolVersion("t")
            .clkBits(1024)
            .build();
    try (ExtractReader reader = ExtractReader.open(new ByteArrayInputStream(sample()))) {
      IllegalArgumentException e =
          assertThrows(IllegalArgumentException.class, () -> reader.next(new ExtractRecord(other)));
      assertTrue(e.getMessage().contains("has 16 clk words, the header needs 2"), e.getMessage());
    }
  }
}
