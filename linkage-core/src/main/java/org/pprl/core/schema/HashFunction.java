package org.pprl.core.schema;

/** How a token's bit positions are derived from its bytes ({@code clkhash/bloomfilter.py}). */
public enum HashFunction {
  /**
   * {@code blakeHash}, the v3 default: keyed BLAKE2b-512 with salt {@code str(i)} for {@code i = 0,
   * 1, ...}, each digest read as 32 little-endian 16-bit integers, position {@code j} is {@code
   * short[j] mod L}. Needs {@code L} (before folding) to be a power of two.
   */
  BLAKE_HASH,
  /**
   * {@code doubleHash} (Schnell, Bachteler and Reiher 2011): {@code a = HMAC-SHA1 mod L}, {@code b
   * = HMAC-MD5 mod L} (digests as big-endian integers), position {@code j} is {@code (a + j*b) mod
   * L}.
   */
  DOUBLE_HASH,
  /**
   * {@code doubleHash} with {@code prevent_singularity: true}: while {@code b == 0}, {@code b} is
   * recomputed as HMAC-MD5 of the token bytes followed by the UTF-8 encoding of {@code chr(i)}, for
   * {@code i = 0, 1, ...}.
   */
  DOUBLE_HASH_NON_SINGULAR
}
