package org.pprl.core.disclose;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.util.Objects;
import javax.crypto.Mac;
import javax.crypto.ShortBufferException;
import javax.crypto.spec.SecretKeySpec;

/**
 * Stable secret per-record keys for the cell-key method: a record's rank and key, both computed
 * from a secret and the record's agency and id, and the key of a person chosen from its records.
 *
 * <p>Instances are immutable and may be shared between threads.
 */
public final class RecordKeys {
  /*
   * What the keys are. For a record (agency a, id i) and a label ("rank" or "key"),
   *
   *   PRF(label, a, i) = first 8 bytes, big-endian, of
   *                      HMAC-SHA256(secret, utf8(label) || 0x00 || utf8(a) || 0x00 || utf8(i))
   *
   * rank = PRF("rank", a, i) and key = PRF("key", a, i). HMAC with a secret of at least 32 bytes is
   * a pseudo-random function: without the secret the keys cannot be computed or predicted, and they
   * are indistinguishable from independent uniform 64-bit numbers, so a record's rank says nothing
   * about its key. An unkeyed hash would let anyone holding the ids recompute every key and strip
   * the perturbation. The input encoding is injective because the agency name may not contain NUL
   * (checked): the label is fixed, the agency ends at the second NUL and the id is the rest.
   *
   * The same record gets the same rank and key in every question, project and run under the same
   * secret; that is what makes the published value of the same set of persons the same every time
   * it is asked (the cell-key method's defence against averaging repeated answers).
   *
   * Why a person's key is chosen by rank. A person (an entity of linked records) needs one key that
   * is (1) uniform on 64 bits, so that cell keys, sums of person keys mod 2^64, are uniform, and
   * (2) stable: unchanged when records are added to or dropped from the entity, unless the record
   * it came from is itself dropped. The minimum of the members' keys is stable but not uniform: the
   * minimum of n uniform keys is concentrated near 0 (its top bit is 1 with probability 2^-n), and
   * larger entities would get smaller keys. Choosing the member with the smallest independent rank
   * and taking that member's key keeps both: the chosen member's key is independent of the choice,
   * so it is uniform, and adding a record changes the choice only if the new record has a smaller
   * rank. This is the bottom-1 sketch of min-wise hashing [1], with the rank as the hash.
   *
   * Ranks are compared as unsigned 64-bit numbers (Long.compareUnsigned), so every rank is in
   * [0, 2^64) and the choice does not depend on how Java reads the sign bit; ties (probability
   * about n^2 / 2^65) go to the smaller key, compared the same way.
   *
   * Threads. A javax.crypto.Mac is not thread-safe and costs a provider look-up and a key schedule
   * to create, so each thread keeps its own initialised Mac (a ThreadLocal per instance). Inputs
   * are checked and encoded before the Mac is touched, so a rejected input never leaves a
   * half-fed Mac behind.
   *
   * [1] A. Z. Broder. On the resemblance and containment of documents. Compression and Complexity
   *     of Sequences, 1997.
   */

  /** The shortest secret accepted, in bytes. */
  public static final int MIN_SECRET_BYTES = 32;

  private static final String ALGORITHM = "HmacSHA256";
  private static final byte[] RANK = "rank".getBytes(StandardCharsets.UTF_8);
  private static final byte[] KEY = "key".getBytes(StandardCharsets.UTF_8);

  private final ThreadLocal<Hmac> hmac;

  private RecordKeys(SecretKeySpec secret) {
    this.hmac = ThreadLocal.withInitial(() -> new Hmac(newMac(secret)));
  }

  /**
   * Record keys under {@code secret}.
   *
   * @param secret at least {@value #MIN_SECRET_BYTES} bytes; copied, so later changes to the array
   *     do not change the keys
   * @throws IllegalArgumentException (naming the length, never the bytes) if the secret is too
   *     short
   */
  public static RecordKeys of(byte[] secret) {
    Objects.requireNonNull(secret, "secret");
    if (secret.length < MIN_SECRET_BYTES) {
      throw new IllegalArgumentException(
          "secret is " + secret.length + " bytes, expected at least " + MIN_SECRET_BYTES);
    }
    SecretKeySpec spec = new SecretKeySpec(secret, ALGORITHM); // copies the array
    newMac(spec); // fail here, not on first use, if HmacSHA256 is missing
    return new RecordKeys(spec);
  }

  /**
   * The record's rank: the number that chooses which record gives a person its key.
   *
   * @throws IllegalArgumentException if the agency name contains a NUL character
   */
  public long rank(String agency, String recordId) {
    return prf(RANK, agency, recordId);
  }

  /**
   * The record's key: a uniform 64-bit number, independent of its rank.
   *
   * @throws IllegalArgumentException if the agency name contains a NUL character
   */
  public long key(String agency, String recordId) {
    return prf(KEY, agency, recordId);
  }

  /**
   * The key of a person whose records are positions {@code from} (inclusive) to {@code to}
   * (exclusive) of the two arrays: the key of the record with the smallest rank, ranks compared as
   * unsigned numbers, ties to the smaller key (also unsigned). See the class's design notes for why
   * the record is chosen by rank and not by key.
   *
   * @param ranks each record's {@link #rank}
   * @param keys each record's {@link #key}, at the same positions
   * @throws IndexOutOfBoundsException if the range is outside either array
   * @throws IllegalArgumentException if the range is empty
   */
  public static long personKey(long[] ranks, long[] keys, int from, int to) {
    Objects.checkFromToIndex(from, to, ranks.length);
    Objects.checkFromToIndex(from, to, keys.length);
    if (from == to) {
      throw new IllegalArgumentException("a person has no records: range " + from + " to " + to);
    }
    long bestRank = ranks[from];
    long best = keys[from];
    for (int m = from + 1; m < to; m++) {
      int order = Long.compareUnsigned(ranks[m], bestRank);
      if (order < 0 || (order == 0 && Long.compareUnsigned(keys[m], best) < 0)) {
        bestRank = ranks[m];
        best = keys[m];
      }
    }
    return best;
  }

  private long prf(byte[] label, String agency, String recordId) {
    Objects.requireNonNull(agency, "agency");
    Objects.requireNonNull(recordId, "recordId");
    int nul = agency.indexOf('\0');
    if (nul >= 0) {
      throw new IllegalArgumentException(
          "agency name contains a NUL character at index " + nul + ", which keys cannot encode");
    }
    byte[] a = agency.getBytes(StandardCharsets.UTF_8);
    byte[] id = recordId.getBytes(StandardCharsets.UTF_8);
    return hmac.get().first8(label, a, id);
  }

  private static Mac newMac(SecretKeySpec secret) {
    try {
      Mac mac = Mac.getInstance(ALGORITHM);
      mac.init(secret);
      return mac;
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("HmacSHA256 is not available", e);
    }
  }

  /** One thread's initialised Mac and output buffer. */
  private static final class Hmac {
    private final Mac mac;
    private final byte[] out;

    Hmac(Mac mac) {
      this.mac = mac;
      this.out = new byte[mac.getMacLength()];
    }

    /** The first 8 bytes, big-endian, of the MAC of {@code label || 0 || a || 0 || id}. */
    long first8(byte[] label, byte[] a, byte[] id) {
      mac.update(label);
      mac.update((byte) 0);
      mac.update(a);
      mac.update((byte) 0);
      mac.update(id);
      try {
        mac.doFinal(out, 0); // also resets the Mac for the next call
      } catch (ShortBufferException e) {
        throw new AssertionError("the buffer holds the whole MAC", e);
      }
      long v = 0;
      for (int b = 0; b < Long.BYTES; b++) {
        v = (v << 8) | (out[b] & 0xFF);
      }
      return v;
    }
  }
}
