package org.pprl.core.extract;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.util.HexFormat;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Pins format version 2 to the bytes of the example in {@code docs/extract-format.md}: if this test
 * fails, the format changed and needs a new version number (and the document a new example). The
 * version 1 example is still read.
 */
class ExtractFormatTest {

  private static final String EXAMPLE_HEX =
      "895050524c580d0a1a0a" // magic
          + "0200" // format version 2
          + "3e000000" // header length 62
          + "a0a1a2a3a4a5a6a7a8a9aaabacadaeafb0b1b2b3b4b5b6b7b8b9babbbcbdbebf" // fingerprint
          + "00" // no key check
          + "0300646873" // agency "dhs"
          + "010074" // tool version "t"
          + "0c000000" // clk bits 12
          + "0000" // no field filters
          + "010001006b" // blocking keys: "k"
          + "0100010073" // attributes: "s"
          + "0100010070" // purposes: "p"
          + "52" // record marker
          + "02006131" // id "a1"
          + "0508000000000000" // clk: bits 0, 2, 11
          + "01" // blocking key presence
          + "0700000000000000" // k = 7
          + "01" // attribute presence
          + "030066616d" // s = "fam"
          + "01" // consent: p
          + "45" // end marker
          + "0100000000000000" // record count 1
          + "47aabbedab7ad47788d76731e5d0b63b94e2a18647b842dd29365675d45cb24f"; // SHA-256

  /** The same example in format version 1, before the key check: still read. */
  private static final String V1_EXAMPLE_HEX =
      "895050524c580d0a1a0a" // magic
          + "0100" // format version 1
          + "3d000000" // header length 61
          + "a0a1a2a3a4a5a6a7a8a9aaabacadaeafb0b1b2b3b4b5b6b7b8b9babbbcbdbebf" // fingerprint
          + "0300646873" // agency "dhs"
          + "010074" // tool version "t"
          + "0c000000" // clk bits 12
          + "0000" // no field filters
          + "010001006b" // blocking keys: "k"
          + "0100010073" // attributes: "s"
          + "0100010070" // purposes: "p"
          + "52" // record marker
          + "02006131" // id "a1"
          + "0508000000000000" // clk: bits 0, 2, 11
          + "01" // blocking key presence
          + "0700000000000000" // k = 7
          + "01" // attribute presence
          + "030066616d" // s = "fam"
          + "01" // consent: p
          + "45" // end marker
          + "0100000000000000" // record count 1
          + "586cc382986f93ea83270296734fadc26a912e7daae38b729a00a74de6a387ff"; // SHA-256

  private static ExtractHeader exampleHeader() {
    byte[] fingerprint = new byte[32];
    for (int i = 0; i < 32; i++) {
      fingerprint[i] = (byte) (0xA0 + i);
    }
    return ExtractHeader.builder()
        .schemaFingerprint(fingerprint)
        .agency("dhs")
        .toolVersion("t")
        .clkBits(12)
        .blockingKeys("k")
        .attributes("s")
        .purposes("p")
        .build();
  }

  private static ExtractRecord exampleRecord(ExtractHeader header) {
    ExtractRecord r = new ExtractRecord(header);
    r.setId("a1");
    r.clk()[0] = 0x805;
    r.setBlockingKey(0, 7);
    r.setAttribute(0, "fam");
    r.setConsent(1);
    return r;
  }

  @Test
  void writer_documentedExample_producesTheseBytes() {
    ExtractHeader header = exampleHeader();
    byte[] bytes = ExtractSamples.write(header, List.of(exampleRecord(header)));
    assertEquals(EXAMPLE_HEX, HexFormat.of().formatHex(bytes));
  }

  @Test
  void reader_documentedExample_readsTheExampleRecord() throws IOException {
    ExtractSamples.Read read = ExtractSamples.readAll(HexFormat.of().parseHex(EXAMPLE_HEX));
    assertEquals(exampleHeader(), read.header());
    assertEquals(List.of(exampleRecord(exampleHeader())), read.records());
  }

  @Test
  void reader_versionOneExample_readsWithoutAKeyCheck() throws IOException {
    ExtractSamples.Read read = ExtractSamples.readAll(HexFormat.of().parseHex(V1_EXAMPLE_HEX));
    assertEquals(1, read.header().formatVersion());
    assertEquals("", read.header().keyCheckHex());
    assertEquals(exampleHeader().agency(), read.header().agency());
    assertEquals(exampleHeader().purposes(), read.header().purposes());
    assertEquals(List.of(exampleRecord(read.header())), read.records());
  }

  @Test
  void writer_keyCheck_roundTrips() throws IOException {
    byte[] check = new byte[ExtractHeader.KEY_CHECK_BYTES];
    check[0] = 7;
    ExtractHeader header =
        ExtractHeader.builder()
            .schemaFingerprint(new byte[32])
            .agency("dhs")
            .toolVersion("t")
            .clkBits(12)
            .blockingKeys("k")
            .attributes("s")
            .purposes("p")
            .keyCheck(check)
            .build();
    ExtractSamples.Read read =
        ExtractSamples.readAll(ExtractSamples.write(header, List.of(exampleRecord(header))));
    assertEquals(header, read.header());
    assertEquals("07" + "00".repeat(15), read.header().keyCheckHex());
  }
}
