package org.pprl.core.harden;

import org.bouncycastle.crypto.engines.ChaCha7539Engine;
import org.bouncycastle.crypto.params.KeyParameter;
import org.bouncycastle.crypto.params.ParametersWithIV;

/**
 * A deterministic keyed random stream: the ChaCha20 (RFC 7539) keystream for a 32-byte key and an
 * all-zero nonce, read as little-endian 32-bit words.
 *
 * <p>So that another implementation can reproduce the hardening transforms bit for bit, the draws
 * are specified exactly: {@link #nextInt()} is the next 4 keystream bytes as a little-endian int;
 * {@link #nextInt(int)} masks {@code nextInt()} to the smallest {@code 2^m - 1 >= bound - 1} and
 * rejects values {@code >= bound} (unbiased). Not thread-safe.
 */
final class KeyedStream {
  private static final int BLOCK = 256;
  private static final byte[] ZEROS = new byte[BLOCK];
  private static final byte[] NONCE = new byte[12];

  private final ChaCha7539Engine engine = new ChaCha7539Engine();
  private final byte[] buf = new byte[BLOCK];
  private int pos;

  KeyedStream(byte[] key) {
    reset(key);
  }

  /** Restarts the stream under a new 32-byte key. */
  void reset(byte[] key) {
    assert key.length == 32 : "ChaCha20 key must be 32 bytes, was " + key.length;
    engine.init(true, new ParametersWithIV(new KeyParameter(key), NONCE));
    pos = BLOCK;
  }

  /** The next 32 keystream bits as a little-endian int. */
  int nextInt() {
    if (pos == BLOCK) {
      engine.processBytes(ZEROS, 0, BLOCK, buf, 0);
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
