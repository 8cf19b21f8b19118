package org.pprl.core.extract;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.SplittableRandom;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.Size;
import org.junit.jupiter.api.Test;

/** {@link Utf8} against the JDK's strict (REPORT) UTF-8 encoder and decoder as oracles. */
class Utf8Test {

  private static byte[] jdkEncode(String s) {
    try {
      ByteBuffer b =
          StandardCharsets.UTF_8
              .newEncoder()
              .onMalformedInput(CodingErrorAction.REPORT)
              .onUnmappableCharacter(CodingErrorAction.REPORT)
              .encode(CharBuffer.wrap(s));
      return Arrays.copyOf(b.array(), b.limit());
    } catch (CharacterCodingException e) {
      return null;
    }
  }

  private static boolean jdkDecodes(byte[] b) {
    try {
      StandardCharsets.UTF_8
          .newDecoder()
          .onMalformedInput(CodingErrorAction.REPORT)
          .onUnmappableCharacter(CodingErrorAction.REPORT)
          .decode(ByteBuffer.wrap(b));
      return true;
    } catch (CharacterCodingException e) {
      return false;
    }
  }

  @Property(tries = 500)
  void encode_anyString_matchesJdkEncoder(@ForAll String s) {
    byte[] expected = jdkEncode(s);
    int n = Utf8.encodedLength(s);
    if (expected == null) {
      assertEquals(-1, n);
      return;
    }
    assertEquals(expected.length, n);
    byte[] out = new byte[n + 3];
    assertEquals(n, Utf8.encode(s, out, 3));
    assertArrayEquals(expected, Arrays.copyOfRange(out, 3, 3 + n));
  }

  @Property(tries = 500)
  void isWellFormed_randomBytes_matchesJdkDecoder(@ForAll @Size(max = 12) byte[] b) {
    assertEquals(jdkDecodes(b), Utf8.isWellFormed(b, 0, b.length));
  }

  @Property(tries = 500)
  void isWellFormed_mutatedValidUtf8_matchesJdkDecoder(@ForAll long seed) {
    SplittableRandom random = new SplittableRandom(seed);
    byte[] b = ExtractSamples.randomString(random, 1, 6).getBytes(StandardCharsets.UTF_8);
    b[random.nextInt(b.length)] = (byte) random.nextInt(256);
    assertEquals(jdkDecodes(b), Utf8.isWellFormed(b, 0, b.length));
  }

  @Test
  void isWellFormed_boundaryForms() {
    // overlong '/', encoded surrogate U+D800, U+110000, then the largest valid code points.
    assertEquals(false, Utf8.isWellFormed(new byte[] {(byte) 0xC0, (byte) 0xAF}, 0, 2));
    assertEquals(
        false, Utf8.isWellFormed(new byte[] {(byte) 0xED, (byte) 0xA0, (byte) 0x80}, 0, 3));
    assertEquals(
        false,
        Utf8.isWellFormed(new byte[] {(byte) 0xF4, (byte) 0x90, (byte) 0x80, (byte) 0x80}, 0, 4));
    assertEquals(true, Utf8.isWellFormed(new byte[] {(byte) 0xEF, (byte) 0xBF, (byte) 0xBF}, 0, 3));
    assertEquals(
        true,
        Utf8.isWellFormed(new byte[] {(byte) 0xF4, (byte) 0x8F, (byte) 0xBF, (byte) 0xBF}, 0, 4));
  }
}
