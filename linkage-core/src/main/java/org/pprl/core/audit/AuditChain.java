package org.pprl.core.audit;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * The audit log's hash chain: {@code hash_n = SHA-256(hash_{n-1} || canonical(event_n))}, starting
 * from {@link #genesis()} (32 zero bytes). Changing, removing or reordering any event changes every
 * later hash, so a signed {@link Checkpoint} over the latest hash vouches for all events before it.
 */
public final class AuditChain {
  /** Length of a chain hash in bytes. */
  public static final int HASH_BYTES = 32;

  private AuditChain() {}

  /** The hash before the first event: 32 zero bytes. */
  public static byte[] genesis() {
    return new byte[HASH_BYTES];
  }

  /**
   * The hash after {@code event}, given the hash before it.
   *
   * @throws IllegalArgumentException if {@code previous} is not 32 bytes
   */
  public static byte[] next(byte[] previous, AuditEvent event) {
    if (previous.length != HASH_BYTES) {
      throw new IllegalArgumentException(
          "previous hash is " + previous.length + " bytes, expected " + HASH_BYTES);
    }
    MessageDigest sha;
    try {
      sha = MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every Java platform has SHA-256", e);
    }
    sha.update(previous);
    sha.update(event.canonicalBytes());
    return sha.digest();
  }

  /** A hash as 64 lower-case hex digits, as the log writes it. */
  public static String hex(byte[] hash) {
    return HexFormat.of().formatHex(hash);
  }

  /**
   * A hash from its hex form.
   *
   * @throws IllegalArgumentException if it is not 64 hex digits
   */
  public static byte[] parseHex(String hex) {
    if (hex == null || hex.length() != 2 * HASH_BYTES) {
      throw new IllegalArgumentException("a hash must be " + 2 * HASH_BYTES + " hex digits");
    }
    return HexFormat.of().parseHex(hex);
  }
}
