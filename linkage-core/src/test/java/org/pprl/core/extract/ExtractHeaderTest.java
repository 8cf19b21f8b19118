package org.pprl.core.extract;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.List;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.Test;

class ExtractHeaderTest {

  private static ExtractHeader.Builder base() {
    return ExtractHeader.builder()
        .schemaFingerprint(new byte[32])
        .agency("dhs")
        .toolVersion("pprl 0.1.0")
        .clkBits(1024);
  }

  private static void assertRefused(UnaryOperator<ExtractHeader.Builder> edit, String message) {
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> edit.apply(base()).build());
    assertEquals(message, e.getMessage());
  }

  @Test
  void builder_validHeader_hasCurrentVersionAndComponents() {
    ExtractHeader h =
        base().fieldFilter("dob", 128).blockingKeys("k").attributes("a").purposes("p").build();
    assertEquals(ExtractHeader.FORMAT_VERSION, h.formatVersion());
    assertEquals(List.of(new ExtractHeader.FieldFilter("dob", 128)), h.fieldFilters());
    assertEquals(16, h.clkWords());
    assertEquals("0".repeat(64), h.schemaFingerprintHex());
  }

  @Test
  void header_repeatedName_isRefused() {
    assertRefused(
        b -> b.attributes("shelter_type", "x", "shelter_type"),
        "attribute name 2 repeats name 0 'shelter_type'");
  }

  @Test
  void header_tooManyNames_isRefused() {
    String[] names = new String[65];
    for (int i = 0; i < names.length; i++) {
      names[i] = "p" + i;
    }
    assertRefused(b -> b.purposes(names), "65 purpose names, at most 64");
  }

  @Test
  void header_clkBitsOutOfRange_isRefused() {
    assertRefused(b -> b.clkBits(0), "clk has 0 bits, expected 1 to 1048576");
    assertRefused(b -> b.clkBits((1 << 20) + 1), "clk has 1048577 bits, expected 1 to 1048576");
  }

  @Test
  void header_fingerprintOfWrongLength_isRefused() {
    assertRefused(
        b -> b.schemaFingerprint(new byte[31]), "schema fingerprint has 31 bytes, expected 32");
  }

  @Test
  void header_badStrings_areRefused() {
    assertRefused(b -> b.agency(""), "agency is 0 UTF-8 bytes, expected 1 to 4096");
    assertRefused(
        b -> b.agency("é".repeat(2049)), "agency is 4098 UTF-8 bytes, expected 1 to 4096");
    assertRefused(
        b -> b.toolVersion("\uDC00"),
        "tool version is not well-formed Unicode (unpaired surrogate)");
    assertRefused(
        b -> b.blockingKeys("k", ""), "blocking key name 1 is 0 UTF-8 bytes, expected 1 to 4096");
  }

  @Test
  void header_fingerprint_isCopiedInAndOut() {
    byte[] fp = new byte[32];
    ExtractHeader h = base().schemaFingerprint(fp).build();
    fp[0] = 1;
    h.schemaFingerprint()[1] = 1;
    assertEquals(base().build(), h);
  }

  @Test
  void header_equality_comparesFingerprintContent() {
    byte[] other = new byte[32];
    other[31] = 1;
    assertEquals(base().build(), base().build());
    assertEquals(base().build().hashCode(), base().build().hashCode());
    assertNotEquals(base().build(), base().schemaFingerprint(other).build());
  }
}
