package org.pprl.core.encode;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import org.bouncycastle.crypto.digests.Blake2bDigest;
import org.bouncycastle.crypto.digests.MD5Digest;
import org.bouncycastle.crypto.digests.SHA1Digest;
import org.bouncycastle.crypto.macs.HMac;
import org.bouncycastle.crypto.params.KeyParameter;
import org.pprl.core.schema.TextEncoding;

/**
 * Turns one token into bit positions in a filter of {@code L} bits, for one feature and one thread
 * (the MAC instances are reused, so an instance is not thread-safe).
 *
 * <p>{@link #compute} does the expensive part once per token and returns data that {@link #apply}
 * turns into {@code k} set bits cheaply; the data are cached by token, and {@link #covers} tells
 * whether cached data suffice for a larger {@code k}.
 */
abstract class TokenHasher {
  final int bits;
  final TextEncoding encoding;

  TokenHasher(int bits, TextEncoding encoding) {
    this.bits = bits;
    this.encoding = encoding;
  }

  /** Hash data for {@code token}, enough for at least {@code k} positions. */
  abstract int[] compute(String token, int k);

  /** Whether {@code data} from {@link #compute} give {@code k} positions. */
  abstract boolean covers(int[] data, int k);

  /** Sets the token's first {@code k} positions in {@code words}. */
  abstract void apply(int[] data, int k, long[] words);

  /**
   * Packs {@code data} into a {@code long} for {@link PackedTokenTable}, or returns {@link #FULL}
   * when this hasher's storage is exhausted (the caller then clears the table and {@link
   * #clearStored} before retrying).
   */
  abstract long store(int[] data);

  /** Forgets everything {@link #store} kept. */
  abstract void clearStored();

  /** As {@link #covers} for a stored value. */
  abstract boolean coversStored(long stored, int k);

  /** As {@link #apply} for a stored value. */
  abstract void applyStored(long stored, int k, long[] words);

  /** {@link #store}'s answer when its storage is full. */
  static final long FULL = -1L;

  /**
   * {@code doubleHash}: data are {@code {a, b}} with {@code a = HMAC-SHA1 mod L} and {@code b =
   * HMAC-MD5 mod L}; position {@code j} is {@code (a + j*b) mod L}, which {@link #apply} walks by
   * repeated addition.
   */
  static final class DoubleHash extends TokenHasher {
    private final HMac sha1 = new HMac(new SHA1Digest());
    private final HMac md5 = new HMac(new MD5Digest());
    private final byte[] sha1Out = new byte[20];
    private final byte[] md5Out = new byte[16];
    private final boolean nonSingular;

    DoubleHash(
        int bits, TextEncoding encoding, byte[] sha1Key, byte[] md5Key, boolean nonSingular) {
      super(bits, encoding);
      sha1.init(new KeyParameter(sha1Key));
      md5.init(new KeyParameter(md5Key));
      this.nonSingular = nonSingular;
    }

    @Override
    int[] compute(String token, int k) {
      byte[] m = encoding.encode(token);
      sha1.update(m, 0, m.length);
      sha1.doFinal(sha1Out, 0);
      md5.update(m, 0, m.length);
      md5.doFinal(md5Out, 0);
      int a = mod(sha1Out, bits);
      int b = mod(md5Out, bits);
      // clkhash issue #33: b == 0 would put every one of the k bits on a.
      for (int i = 0; nonSingular && b == 0; i++) {
        byte[] suffix = new String(Character.toChars(i)).getBytes(StandardCharsets.UTF_8);
        md5.update(m, 0, m.length);
        md5.update(suffix, 0, suffix.length);
        md5.doFinal(md5Out, 0);
        b = mod(md5Out, bits);
      }
      return new int[] {a, b};
    }

    @Override
    boolean covers(int[] data, int k) {
      return true;
    }

    @Override
    void apply(int[] data, int k, long[] words) {
      long p = data[0];
      long step = data[1];
      for (int j = 0; j < k; j++) {
        words[(int) (p >>> 6)] |= 1L << p;
        p += step;
        if (p >= bits) {
          p -= bits;
        }
      }
    }

    @Override
    long store(int[] data) {
      return (long) data[0] << 32 | data[1];
    }

    @Override
    void clearStored() {}

    @Override
    boolean coversStored(long stored, int k) {
      return true;
    }

    @Override
    void applyStored(long stored, int k, long[] words) {
      long p = stored >>> 32;
      long step = stored & 0xFFFF_FFFFL;
      for (int j = 0; j < k; j++) {
        words[(int) (p >>> 6)] |= 1L << p;
        p += step;
        if (p >= bits) {
          p -= bits;
        }
      }
    }

    /** The big-endian unsigned integer in {@code digest}, modulo {@code m}. */
    static int mod(byte[] digest, int m) {
      long r = 0;
      for (byte x : digest) {
        r = ((r << 8) | (x & 0xFF)) % m;
      }
      return (int) r;
    }
  }

  /**
   * {@code blakeHash}: data are positions {@code short[j] mod L}, where MAC {@code i} is keyed
   * BLAKE2b-512 with salt {@code str(i)} (zero-padded to 16 bytes) and gives 32 little-endian
   * shorts. clkhash computes {@code ceil(k / 32)} MACs; the cache keeps what was computed and
   * extends it when a larger k asks for more.
   */
  static final class Blake extends TokenHasher {
    private final byte[] key;
    private Blake2bDigest[] macs = new Blake2bDigest[0];
    private final byte[] out = new byte[64];

    Blake(int bits, TextEncoding encoding, byte[] key) {
      super(bits, encoding);
      assert Integer.bitCount(bits) == 1 : "blakeHash needs a power-of-two length";
      this.key = key.clone();
    }

    private Blake2bDigest mac(int i) {
      if (i >= macs.length) {
        macs = Arrays.copyOf(macs, i + 1);
      }
      if (macs[i] == null) {
        byte[] salt = new byte[16];
        byte[] digits = Integer.toString(i).getBytes(StandardCharsets.US_ASCII);
        System.arraycopy(digits, 0, salt, 0, digits.length);
        macs[i] = new Blake2bDigest(key, 64, salt, null);
      }
      return macs[i];
    }

    @Override
    int[] compute(String token, int k) {
      byte[] m = encoding.encode(token);
      int count = Math.max(1, (k + 31) >>> 5);
      int[] positions = new int[count * 32];
      int lowMask = bits - 1;
      for (int i = 0; i < count; i++) {
        Blake2bDigest d = mac(i);
        d.update(m, 0, m.length);
        d.doFinal(out, 0);
        for (int j = 0; j < 32; j++) {
          int s = (out[2 * j] & 0xFF) | (out[2 * j + 1] & 0xFF) << 8;
          positions[i * 32 + j] = s & lowMask;
        }
      }
      return positions;
    }

    @Override
    boolean covers(int[] data, int k) {
      return data.length >= k;
    }

    @Override
    void apply(int[] data, int k, long[] words) {
      for (int j = 0; j < k; j++) {
        int p = data[j];
        words[p >>> 6] |= 1L << p;
      }
    }

    /** Positions of stored tokens, back to back; a stored value is offset << 32 | count. */
    private int[] pool = new int[4096];

    private int poolUsed;

    /** Most positions kept before the caller must clear (1 MiB per feature and thread). */
    static final int POOL_LIMIT = 1 << 18;

    @Override
    long store(int[] data) {
      if (poolUsed + data.length > pool.length) {
        if (poolUsed + data.length > POOL_LIMIT) {
          return FULL;
        }
        pool = Arrays.copyOf(pool, Math.min(POOL_LIMIT, 2 * (poolUsed + data.length)));
      }
      System.arraycopy(data, 0, pool, poolUsed, data.length);
      long stored = (long) poolUsed << 32 | data.length;
      poolUsed += data.length;
      return stored;
    }

    @Override
    void clearStored() {
      poolUsed = 0;
    }

    @Override
    boolean coversStored(long stored, int k) {
      return (int) stored >= k;
    }

    @Override
    void applyStored(long stored, int k, long[] words) {
      int[] positions = pool;
      int off = (int) (stored >>> 32);
      for (int j = off; j < off + k; j++) {
        int p = positions[j];
        words[p >>> 6] |= 1L << p;
      }
    }
  }
}
