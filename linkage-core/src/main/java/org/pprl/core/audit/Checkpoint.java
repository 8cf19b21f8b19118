package org.pprl.core.audit;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import org.bouncycastle.crypto.params.Ed25519PublicKeyParameters;
import org.bouncycastle.crypto.signers.Ed25519Signer;

/**
 * A signed statement that the audit log's chain hash after event {@code seq} is {@code hash}: an
 * Ed25519 signature (by the service's key) over {@link #signedBytes}. {@code seq} 0 with the
 * genesis hash signs the empty log.
 *
 * @param seq the sequence number of the latest event covered
 * @param hash the chain hash after that event, 64 lower-case hex digits
 * @param signature the Ed25519 signature, base64
 */
public record Checkpoint(long seq, String hash, String signature) {
  private static final byte[] DOMAIN =
      "pprl audit checkpoint v1\n".getBytes(StandardCharsets.US_ASCII);

  /** Checks the shape of each field (not the signature: see {@link #verify}). */
  public Checkpoint {
    if (seq < 0) {
      throw new IllegalArgumentException("checkpoint seq is " + seq + ", expected >= 0");
    }
    AuditChain.parseHex(hash);
    if (signature == null) {
      throw new IllegalArgumentException("checkpoint has no signature");
    }
  }

  /**
   * What is signed: a fixed domain string, then {@code seq} (8 bytes big-endian), then the hash.
   */
  static byte[] signedBytes(long seq, byte[] hash) {
    return ByteBuffer.allocate(DOMAIN.length + 8 + hash.length)
        .put(DOMAIN)
        .putLong(seq)
        .put(hash)
        .array();
  }

  /**
   * Whether the signature is the public key's over this checkpoint's sequence number and hash.
   *
   * @param publicKey a 32-byte Ed25519 public key
   * @throws IllegalArgumentException if the key is not 32 bytes
   */
  public boolean verify(byte[] publicKey) {
    if (publicKey.length != Ed25519PublicKeyParameters.KEY_SIZE) {
      throw new IllegalArgumentException(
          "public key is "
              + publicKey.length
              + " bytes, expected "
              + Ed25519PublicKeyParameters.KEY_SIZE);
    }
    byte[] sig;
    try {
      sig = Base64.getDecoder().decode(signature);
    } catch (IllegalArgumentException e) {
      return false;
    }
    Ed25519Signer verifier = new Ed25519Signer();
    verifier.init(false, new Ed25519PublicKeyParameters(publicKey, 0));
    byte[] message = signedBytes(seq, AuditChain.parseHex(hash));
    verifier.update(message, 0, message.length);
    return verifier.verifySignature(sig);
  }
}
