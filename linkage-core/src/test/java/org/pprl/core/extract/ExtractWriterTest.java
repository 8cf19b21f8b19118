package org.pprl.core.extract;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;

/** The writer refuses records that do not fit the header, naming the index and field only. */
class ExtractWriterTest {
  private static final String SECRET = "SECRET";

  private static final ExtractHeader HEADER =
      ExtractHeader.builder()
          .schemaFingerprint(new byte[32])
          .agency("dhs")
          .toolVersion("t")
          .clkBits(70)
          .fieldFilter("first_name", 10)
          .blockingKeys("soundex")
          .attributes("shelter_type")
          .purposes("research")
          .build();

  private static ExtractRecord valid(String id) {
    ExtractRecord r = new ExtractRecord(HEADER);
    r.setId(id);
    r.clk()[0] = 5;
    r.setAttribute(0, "family");
    return r;
  }

  /**
   * Writes a valid record 0, then record 1 after {@code damage}, and checks the refusal message;
   * then the writer still takes a valid record 1 and the file reads back with two records.
   */
  private static void assertRefused(Consumer<ExtractRecord> damage, String expectedMessage)
      throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try (ExtractWriter w = ExtractWriter.create(out, HEADER)) {
      w.write(valid(SECRET + "0"));
      ExtractRecord bad = valid(SECRET + "1");
      damage.accept(bad);
      IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> w.write(bad));
      assertEquals(expectedMessage, e.getMessage());
      assertFalse(e.getMessage().contains(SECRET), e.getMessage());
      assertEquals(1, w.recordCount());
      w.write(valid(SECRET + "1"));
      w.finish();
    }
    assertEquals(2, ExtractSamples.readAll(out.toByteArray()).records().size());
  }

  @Test
  void write_clkTailBitSet_isRefused() throws IOException {
    assertRefused(r -> r.clk()[1] = 1L << 6, "record 1: clk has bit 70 set, past its 70 bits");
  }

  @Test
  void write_fieldFilterTailBitSet_isRefused() throws IOException {
    assertRefused(
        r -> r.fieldFilter(0)[0] = 1L << 12,
        "record 1: field filter 'first_name' has bit 12 set, past its 10 bits");
  }

  @Test
  void write_emptyId_isRefused() throws IOException {
    assertRefused(r -> r.setId(""), "record 1: id is 0 UTF-8 bytes, expected 1 to 4096");
  }

  @Test
  void write_idTooLong_isRefused() throws IOException {
    assertRefused(
        r -> r.setId(SECRET.repeat(1000)), "record 1: id is 6000 UTF-8 bytes, expected 1 to 4096");
  }

  @Test
  void write_idWithUnpairedSurrogate_isRefused() throws IOException {
    assertRefused(
        r -> r.setId(SECRET + "\uD800"),
        "record 1: id is not well-formed Unicode (unpaired surrogate)");
  }

  @Test
  void write_idNotSet_isRefused() throws IOException {
    assertRefused(ExtractRecord::clear, "record 1: id is not set");
  }

  @Test
  void write_attributeTooLong_isRefused() throws IOException {
    assertRefused(
        r -> r.setAttribute(0, SECRET + "é".repeat(2046)),
        "record 1: attribute 'shelter_type' is 4098 UTF-8 bytes, expected 0 to 4096");
  }

  @Test
  void write_withoutIdCheck_writesRepeatsThatTheReaderRefuses() throws IOException {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    ExtractWriter w = ExtractWriter.create(bytes, HEADER, false);
    w.write(valid(SECRET + "0"));
    w.write(valid(SECRET + "0"));
    w.finish();

    CorruptExtractException e =
        assertThrows(
            CorruptExtractException.class,
            () -> {
              try (ExtractReader r =
                  ExtractReader.open(new java.io.ByteArrayInputStream(bytes.toByteArray()))) {
                ExtractRecord record = r.newRecord();
                while (r.next(record)) {
                  // read to the end
                }
              }
            });
    assertEquals(CorruptExtractException.Reason.DUPLICATE_ID, e.reason());
  }

  @Test
  void write_duplicateId_isRefused() throws IOException {
    assertRefused(r -> r.setId(SECRET + "0"), "record 1: id repeats the id of record 0");
  }

  @Test
  void write_holderOfAnotherHeader_isRefused() throws IOException {
    ExtractHeader other =
        ExtractHeader.builder()
            .schemaFingerprint(new byte[32])
            .agency("dhs")
            .toolVersion("t")
            .clkBits(70)
            .fieldFilter("first_name", 200)
            .blockingKeys("soundex")
            .attributes("shelter_type")
            .purposes("research")
            .build();
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try (ExtractWriter w = ExtractWriter.create(out, HEADER)) {
      ExtractRecord r = new ExtractRecord(other);
      r.setId("x");
      IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> w.write(r));
      assertEquals(
          "record 0 has 4 words in field filter 0, the header needs 1"
              + " (a holder made for another header?)",
          e.getMessage());
    }
  }

  @Test
  void write_afterFinish_isIllegalState() throws IOException {
    try (ExtractWriter w = ExtractWriter.create(new ByteArrayOutputStream(), HEADER)) {
      w.finish();
      assertThrows(IllegalStateException.class, () -> w.write(valid("a")));
      assertThrows(IllegalStateException.class, w::finish);
    }
  }

  @Test
  void setConsent_bitPastPurposes_isRefused() {
    ExtractRecord r = new ExtractRecord(HEADER);
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> r.setConsent(0b10));
    assertEquals("consent bit 1 is set, but there are 1 purposes", e.getMessage());
  }

  @Test
  void record_toString_showsShapeNotValues() {
    ExtractRecord r = valid(SECRET);
    assertEquals(
        "ExtractRecord[clkWords=2, fieldFilters=1, blockingKeys=1, attributes=1, purposes=1]",
        r.toString());
  }

  @Test
  void record_blockingKeys_presenceAndValue() {
    ExtractRecord r = new ExtractRecord(HEADER);
    r.setBlockingKey(0, 42);
    assertEquals(List.of(true, 42L), List.of(r.hasBlockingKey(0), r.blockingKey(0)));
    r.clearBlockingKey(0);
    assertEquals(List.of(false, 0L), List.of(r.hasBlockingKey(0), r.blockingKey(0)));
  }

  @Test
  void record_copy_isIndependent() {
    ExtractRecord r = valid("a");
    ExtractRecord c = r.copy();
    r.clk()[0] = 9;
    r.setAttribute(0, null);
    List<Object> seen = new ArrayList<>(List.of(c.clk()[0], c.attribute(0)));
    assertEquals(List.of(5L, "family"), seen);
  }
}
