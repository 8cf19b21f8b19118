package org.pprl.core.harden;

import java.security.GeneralSecurityException;
import javax.crypto.Cipher;
import javax.crypto.ShortBufferException;
import javax.crypto.spec.IvParameterSpec;
import javax.crypto.spec.SecretKeySpec;

/**
 * A deterministic keyed random stream: the AES-256-CTR keystream for a 32-byte key with an all-zero
 * initial counter block (big-endian 128-bit counter), read as little-endian 32-bit words.
 *
 * <p>So that another implementation can reproduce the hardening transforms bit for bit, the draws
 * are specified exactly: {@link #nextInt()} is the next 4 keystream bytes as a little-endian int;
 * {@link #nextInt(int)} masks {@code nextInt()} to the smallest {@code 2^m - 1 >= bound - 1} and
 * rejects values {@code >= bound} (unbiased). AES-CTR is chosen over a pure-Java stream cipher
 * because the JDK runs it on the processor's AES instructions. Balancing draws from it; BLIP no
 * longer does (see {@link Blip}). Not thread-safe.
 */
final class KeyedStream {
  private static final int BLOCK = 1024;
  private static final byte[] ZEROS = new byte[BLOCK];
  private static final IvParameterSpec ZERO_COUNTER = new IvParameterSpec(new byte[16]);

  private final Cipher cipher;
  private final byte[] buf = new byte[BLOCK];
  private int pos;

  KeyedStream(byte[] key) {
    try {
      cipher = Cipher.getInstance("AES/CTR/NoPadding");
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("AES/CTR is not available", e);
    }
    reset(key);
  }

  /** Restarts the stream under a new 32-byte key. */
  void reset(byte[] key) {
    assert key.length == 32 : "AES-256 key must be 32 bytes, was " + key.length;
    try {
      cipher.init(Cipher.ENCRYPT_MODE, new SecretKeySpec(key, "AES"), ZERO_COUNTER);
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("AES-256 key refused", e);
    }
    pos = BLOCK;
  }

  /** The next 32 keystream bits as a little-endian int. */
  int nextInt() {
    if (pos == BLOCK) {
      try {
        cipher.update(ZEROS, 0, BLOCK, buf, 0);
      } catch (ShortBufferException e) {
        throw new AssertionError("keystream buffer", e);
      }
      pos = 0;
    }
    int v =
        (buf[pos] & 0xFF)
            | (buf[pos + 1] & 0xFF) << 8
            | (buf[pos + 2] & 0xFF) << 16
            | (buf[pos + 3] & 0xFF) << 24;
    pos += 4;
    return v;
  }

  /** A uniform int in {@code [0, bound)}, by masking and rejection; {@code bound >= 1}. */
  int nextInt(int bound) {
    assert bound >= 1 : "bound " + bound;
    int mask = bound == 1 ? 0 : -1 >>> Integer.numberOfLeadingZeros(bound - 1);
    int r;
    do {
      r = nextInt() & mask;
    } while (r >= bound);
    return r;
  }
}
