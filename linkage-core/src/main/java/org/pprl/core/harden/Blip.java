package org.pprl.core.harden;

import java.nio.charset.StandardCharsets;
import org.pprl.core.bits.BitFilters;

/**
 * BLIP (BLoom-and-flIP) randomised response: flips each bit of a filter independently with
 * probability {@code f / 2}, with the randomness derived from the secret and a per-record salt so
 * that encoding the same record again gives the same filter.
 *
 * <p>Why. Alaggan, Gambs and Kermarrec (2012, "BLIP: non-interactive differentially-private
 * similarity computation on Bloom filters", SSS 2012, LNCS 7596) showed that flipping bits gives
 * differential privacy for the set a filter encodes; Schnell and Borgs (2016, "Randomized response
 * and balanced Bloom filters for privacy preserving record linkage", IEEE ICDM Workshops) applied
 * it to PPRL, where it defeats attacks that rely on exact bit patterns (pattern mining, frequency
 * alignment, re-identifying a filter by exact match). Cost: every flipped bit lowers the Dice score
 * of true matches; with {@code f = 0.1} on a 1000-bit CLK with 300 bits set, about 5% of bits flip
 * and the Dice of two copies of one record under different salts falls from 1 to about 0.85; recall
 * at a fixed threshold drops accordingly.
 *
 * <p>Privacy parameter. With flip probability {@code p = f/2} each bit is kept with probability
 * {@code 1 - p}. A token sets at most {@code k} bits (the number of hash functions), so two records
 * that differ in one token differ in at most {@code 2k} bits and, following RAPPOR's permanent
 * randomised response (Erlingsson, Pihur and Korolova 2014, ACM CCS, {@code epsilon = 2h ln((1 -
 * f/2) / (f/2))}), the encoding is {@code epsilon}-differentially private for a one-token change
 * with {@code epsilon = 2k ln((1 - f/2) / (f/2))}; {@link #epsilon} computes it. A change of {@code
 * t} tokens costs {@code t} times that. Because the flips are deterministic per (secret, salt),
 * re-encoding does not average the noise away, but two records with the same salt share their flip
 * pattern: choose a salt unique to the record (its agency record id), not an identifier.
 *
 * <p>Definition (v2). {@code k = HKDF-SHA256(secret, info = "pprl-blip v2")[0..16)}; the record's
 * seed is {@code x = SipHash-2-4(k, UTF-8(salt))}; the draws are the SplitMix64 outputs {@code z_j
 * = mix(x + (j + 1) * gamma)}, each read as {@code u_j = ((z_j >>> 11) + 1) / 2^53} in {@code (0,
 * 1]}. The flipped bits are found by geometric skipping: starting at position 0, skip {@code
 * floor(ln(u_j) / ln(1 - f/2))} bits, flip the bit reached, step past it, and repeat while inside
 * the filter. This flips each bit independently with probability {@code f/2}, as one draw per bit
 * would, but costs one draw per flipped bit: about 10 for a 1024-bit CLK at {@code f = 0.02}, where
 * v1 (an HMAC, an AES-CTR key schedule and 1024 draws) cost 9 to 22 microseconds, more than
 * encoding the record.
 *
 * <p>Thread-safe: an instance holds only its key.
 */
public final class Blip {
  private final double f;
  private final double logKeep;
  private final long k0;
  private final long k1;

  private Blip(byte[] blipKey, double f) {
    this.f = f;
    this.logKeep = Math.log1p(-f / 2);
    long[] key = SipHash.key(blipKey);
    this.k0 = key[0];
    this.k1 = key[1];
  }

  /**
   * A BLIP transform with flip parameter {@code f}: each bit flips with probability {@code f / 2}.
   *
   * @throws IllegalArgumentException if {@code f} is not in {@code (0, 1]} or the secret is empty
   */
  public static Blip create(byte[] secret, double f) {
    if (!(f > 0 && f <= 1)) {
      throw new IllegalArgumentException("BLIP f must be in (0, 1], was " + f);
    }
    return new Blip(Kdf.hkdf(secret, "pprl-blip v2"), f);
  }

  /** The flip parameter {@code f}. */
  public double f() {
    return f;
  }

  /**
   * The epsilon of differential privacy for a one-token change when each token sets {@code k} bits:
   * {@code 2k ln((1 - f/2) / (f/2))}; 0 for {@code f = 1}.
   */
  public static double epsilon(double f, int k) {
    if (!(f > 0 && f <= 1) || k < 1) {
      throw new IllegalArgumentException("need f in (0, 1] and k >= 1, got f=" + f + ", k=" + k);
    }
    double p = f / 2;
    return 2.0 * k * Math.log((1 - p) / p);
  }

  /**
   * The randomised filter: a new array, {@code words} unchanged, tail bits zero.
   *
   * @param salt a per-record string (its record id); never appears in an error
   * @throws IllegalArgumentException if {@code words} is not a filter of {@code bits} bits with a
   *     zero tail, or the salt is empty
   */
  public long[] apply(long[] words, int bits, String salt) {
    BitFilters.checkTail(words, bits);
    if (salt == null || salt.isEmpty()) {
      throw new IllegalArgumentException("BLIP record salt is missing");
    }
    long[] out = BitFilters.copy(words);
    long state = SipHash.hash(k0, k1, salt.getBytes(StandardCharsets.UTF_8));
    long position = 0;
    while (true) {
      state = SipHash.nextState(state);
      double u = ((SipHash.mix(state) >>> 11) + 1) * 0x1.0p-53;
      double skip = Math.log(u) / logKeep;
      if (position + skip >= bits) {
        break;
      }
      position += (long) skip;
      out[(int) (position >>> 6)] ^= 1L << position;
      position++;
    }
    assert Kdf.tailIsZero(out, bits);
    return out;
  }
}
