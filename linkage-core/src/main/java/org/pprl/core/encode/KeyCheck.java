package org.pprl.core.encode;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.util.Arrays;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.pprl.core.extract.ExtractHeader;

/**
 * The key check of a shared secret: a value every extract carries so that extracts encoded under
 * different secrets are told apart and refused, never linked (their filters would agree only by
 * chance, and the model would link strangers confidently).
 *
 * <p>It is {@code HMAC-SHA256(K, "pprl key check v1")} cut to {@value
 * ExtractHeader#KEY_CHECK_BYTES} bytes, under a key {@code K = HMAC-SHA256(secret, "pprl key-check
 * key")} used for nothing else. HMAC is a pseudo-random function, so the value says nothing about
 * the secret beyond whether two secrets are equal; it is derived apart from every encoding key, so
 * it gives no handle on the filters or blocking keys either. Two different secrets collide with
 * probability 2^-128.
 */
public final class KeyCheck {
  private KeyCheck() {}

  /** The key check of a secret. */
  public static byte[] of(byte[] secret) {
    byte[] key = hmac(secret, "pprl key-check key");
    return Arrays.copyOf(hmac(key, "pprl key check v1"), ExtractHeader.KEY_CHECK_BYTES);
  }

  /** HMAC-SHA256 of a label's UTF-8 under {@code key} (also {@link SaltedTokens}' key). */
  static byte[] hmac(byte[] key, String label) {
    try {
      Mac mac = Mac.getInstance("HmacSHA256");
      mac.init(new SecretKeySpec(key, "HmacSHA256"));
      return mac.doFinal(label.getBytes(StandardCharsets.UTF_8));
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("HmacSHA256 is not available", e);
    }
  }
}
