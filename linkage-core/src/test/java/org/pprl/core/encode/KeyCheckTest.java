package org.pprl.core.encode;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.HexFormat;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.junit.jupiter.api.Test;

class KeyCheckTest {
  private static byte[] bytes(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  @Test
  void of_sameSecret_isDeterministic_otherSecret_differs() {
    assertArrayEquals(KeyCheck.of(bytes("shared secret")), KeyCheck.of(bytes("shared secret")));
    assertFalse(
        Arrays.equals(KeyCheck.of(bytes("shared secret")), KeyCheck.of(bytes("shared secreT"))));
    assertEquals(16, KeyCheck.of(bytes("s")).length);
  }

  @Test
  void of_isTheDocumentedHmacOfAFixedLabelUnderADerivedKey() throws Exception {
    byte[] secret = bytes("shared secret");
    Mac mac = Mac.getInstance("HmacSHA256");
    mac.init(new SecretKeySpec(secret, "HmacSHA256"));
    byte[] key = mac.doFinal(bytes("pprl key-check key"));
    mac.init(new SecretKeySpec(key, "HmacSHA256"));
    byte[] expected = Arrays.copyOf(mac.doFinal(bytes("pprl key check v1")), 16);
    assertEquals(HexFormat.of().formatHex(expected), HexFormat.of().formatHex(KeyCheck.of(secret)));
  }
}
