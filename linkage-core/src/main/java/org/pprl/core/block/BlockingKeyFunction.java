package org.pprl.core.block;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.util.Arrays;
import java.util.OptionalLong;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * A keyed blocking key function: turns the normalised values of a record's key columns into a
 * 64-bit blocking key that only holders of the shared secret can compute.
 *
 * <p>Definition. For a spec named {@code name} with parts {@code (column_i, code_i)}:
 *
 * <pre>
 *   k_block = HKDF-SHA256(ikm = secret, salt = none, info = "pprl-blocking:" + name, L = 32)
 *   code    = code_1(v_1) || 0x00 || code_2(v_2) || ... (UTF-8)
 *   key     = first 8 bytes, big-endian, of HMAC-SHA256(k_block, name || 0x00 || code)
 * </pre>
 *
 * Values are refused if they contain U+0000, so the 0x00 separators make the input unambiguous. A
 * record with a missing value (empty string or {@code null}) in any part, or whose value gives no
 * code (a phonetic code of a value without letters), has <em>no key</em>: {@link #key} returns an
 * empty {@link OptionalLong} and {@link #keys} an empty array. There is no sentinel key value. The
 * key is never an unkeyed hash of an identifier.
 *
 * <p>Beider–Morse gives a set of codes per value. {@link #keys} returns the key of every
 * combination (sorted codes, combinations in lexicographic order, at most {@value #MAX_KEYS}),
 * which is what a blocker should index for recall; {@link #key} returns the key of the first
 * combination, built from each part's first code in sorted order, and always one of {@link #keys}.
 * For all other codes both give the same single key.
 *
 * <p>Thread confinement: an instance holds a {@link Mac} and scratch buffers, so one thread uses it
 * at a time; derive one per thread with {@link BlockingKeys#derive} (cheap: one HKDF).
 */
public final class BlockingKeyFunction {
  /** Most keys {@link #keys} returns for one record. */
  public static final int MAX_KEYS = 128;

  private static final long[] NO_KEYS = new long[0];

  private final BlockingKeySpec spec;
  private final Codes.Code[] codes;
  private final Mac mac;
  private final byte[] prefix;
  private final byte[] digest = new byte[32];

  BlockingKeyFunction(BlockingKeySpec spec, byte[] blockKey) {
    this.spec = spec;
    this.codes = new Codes.Code[spec.parts().size()];
    for (int i = 0; i < codes.length; i++) {
      codes[i] = Codes.parse(spec.parts().get(i).code());
    }
    try {
      mac = Mac.getInstance("HmacSHA256");
      mac.init(new SecretKeySpec(blockKey, "HmacSHA256"));
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("HmacSHA256 is not available", e);
    }
    byte[] name = spec.name().getBytes(StandardCharsets.UTF_8);
    prefix = Arrays.copyOf(name, name.length + 1); // name || 0x00
  }

  /** The spec this function computes. */
  public BlockingKeySpec spec() {
    return spec;
  }

  /**
   * The record's blocking key, or empty when a value is missing or gives no code.
   *
   * @param values the normalised values of the spec's parts, in the order of {@link
   *     BlockingKeySpec#parts()}
   * @throws IllegalArgumentException (naming the key and column, never the value) if the number of
   *     values is wrong or a value has the wrong shape for its code
   */
  public OptionalLong key(String... values) {
    checkArity(values);
    String[] parts = new String[codes.length];
    for (int i = 0; i < codes.length; i++) {
      String v = values[i];
      if (v == null || v.isEmpty()) {
        return OptionalLong.empty();
      }
      String c = code(i, v);
      if (c.isEmpty()) {
        return OptionalLong.empty();
      }
      parts[i] = c;
    }
    return OptionalLong.of(hash(parts));
  }

  /**
   * Every blocking key of the record (several only with {@code beider_morse}), sorted by code
   * combination; empty when a value is missing or gives no code.
   *
   * @throws IllegalArgumentException as for {@link #key}
   */
  public long[] keys(String... values) {
    checkArity(values);
    String[][] all = new String[codes.length][];
    int combinations = 1;
    for (int i = 0; i < codes.length; i++) {
      String v = values[i];
      if (v == null || v.isEmpty()) {
        return NO_KEYS;
      }
      all[i] = codes(i, v);
      if (all[i].length == 0) {
        return NO_KEYS;
      }
      combinations = (int) Math.min(MAX_KEYS, (long) combinations * all[i].length);
    }
    long[] out = new long[combinations];
    int[] index = new int[codes.length];
    String[] parts = new String[codes.length];
    for (int k = 0; k < combinations; k++) {
      for (int i = 0; i < codes.length; i++) {
        parts[i] = all[i][index[i]];
      }
      out[k] = hash(parts);
      // Advance the odometer, last part fastest: lexicographic order of combinations.
      for (int i = codes.length - 1; i >= 0 && ++index[i] == all[i].length; i--) {
        index[i] = 0;
      }
    }
    return out;
  }

  private void checkArity(String[] values) {
    if (values.length != codes.length) {
      throw new IllegalArgumentException(
          "blocking key '"
              + spec.name()
              + "' has "
              + codes.length
              + " parts, got "
              + values.length
              + " values");
    }
  }

  private String code(int i, String value) {
    checkNoNul(i, value);
    try {
      return codes[i].code(value);
    } catch (IllegalArgumentException e) {
      throw located(i, e);
    }
  }

  private String[] codes(int i, String value) {
    checkNoNul(i, value);
    try {
      return codes[i].codes(value);
    } catch (IllegalArgumentException e) {
      throw located(i, e);
    }
  }

  private void checkNoNul(int i, String value) {
    if (value.indexOf('\0') >= 0) {
      throw located(i, new IllegalArgumentException("value contains a NUL character"));
    }
  }

  private IllegalArgumentException located(int i, IllegalArgumentException e) {
    return new IllegalArgumentException(
        "blocking key '"
            + spec.name()
            + "', column '"
            + spec.parts().get(i).column()
            + "': "
            + e.getMessage());
  }

  private long hash(String[] parts) {
    mac.update(prefix);
    for (int i = 0; i < parts.length; i++) {
      if (i > 0) {
        mac.update((byte) 0);
      }
      mac.update(parts[i].getBytes(StandardCharsets.UTF_8));
    }
    try {
      mac.doFinal(digest, 0);
    } catch (javax.crypto.ShortBufferException e) {
      throw new AssertionError("32-byte buffer for HMAC-SHA256", e);
    }
    long key = 0;
    for (int b = 0; b < 8; b++) {
      key = (key << 8) | (digest[b] & 0xFF);
    }
    return key;
  }
}
