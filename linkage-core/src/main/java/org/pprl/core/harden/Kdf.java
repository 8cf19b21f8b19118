package org.pprl.core.harden;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.bouncycastle.crypto.digests.SHA256Digest;
import org.bouncycastle.crypto.generators.HKDFBytesGenerator;
import org.bouncycastle.crypto.params.HKDFParameters;
import org.pprl.core.bits.BitFilters;

/** Key derivation and checks shared by the hardening transforms. */
final class Kdf {
  private Kdf() {}

  /** HKDF-SHA256 (RFC 5869), empty salt, 32-byte output, {@code info} as UTF-8. */
  static byte[] hkdf(byte[] secret, String info) {
    if (secret == null || secret.length == 0) {
      throw new IllegalArgumentException("hardening secret is empty");
    }
    HKDFBytesGenerator hkdf = new HKDFBytesGenerator(new SHA256Digest());
    hkdf.init(new HKDFParameters(secret, null, info.getBytes(StandardCharsets.UTF_8)));
    byte[] key = new byte[32];
    hkdf.generateBytes(key, 0, key.length);
    return key;
  }

  /** An initialised HMAC-SHA256. */
  static Mac hmac(byte[] key) {
    try {
      Mac mac = Mac.getInstance("HmacSHA256");
      mac.init(new SecretKeySpec(key, "HmacSHA256"));
      return mac;
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("HmacSHA256 is not available", e);
    }
  }

  /** For {@code assert}: the output keeps the tail invariant of {@link BitFilters}. */
  static boolean tailIsZero(long[] words, int bits) {
    BitFilters.checkTail(words, bits);
    return true;
  }
}
