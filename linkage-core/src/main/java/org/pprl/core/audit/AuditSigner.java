package org.pprl.core.audit;

import java.security.SecureRandom;
import java.util.Base64;
import org.bouncycastle.crypto.params.Ed25519PrivateKeyParameters;
import org.bouncycastle.crypto.signers.Ed25519Signer;

/** The service's Ed25519 key for signing audit {@link Checkpoint}s (Bouncy Castle). */
public final class AuditSigner {
  private final Ed25519PrivateKeyParameters key;

  private AuditSigner(Ed25519PrivateKeyParameters key) {
    this.key = key;
  }

  /** A new random key. */
  public static AuditSigner generate(SecureRandom random) {
    return new AuditSigner(new Ed25519PrivateKeyParameters(random));
  }

  /**
   * The key with these private bytes.
   *
   * @throws IllegalArgumentException if there are not 32 bytes
   */
  public static AuditSigner fromPrivateKey(byte[] privateKey) {
    if (privateKey.length != Ed25519PrivateKeyParameters.KEY_SIZE) {
      throw new IllegalArgumentException(
          "private key is "
              + privateKey.length
              + " bytes, expected "
              + Ed25519PrivateKeyParameters.KEY_SIZE);
    }
    return new AuditSigner(new Ed25519PrivateKeyParameters(privateKey, 0));
  }

  /** The 32 private bytes, for storing the key. */
  public byte[] privateKey() {
    return key.getEncoded();
  }

  /** The 32-byte public key that verifies this key's checkpoints. */
  public byte[] publicKey() {
    return key.generatePublicKey().getEncoded();
  }

  /**
   * Signs the chain hash after event {@code seq}.
   *
   * @throws IllegalArgumentException if {@code seq} is negative or the hash is not 32 bytes
   */
  public Checkpoint sign(long seq, byte[] hash) {
    if (hash.length != AuditChain.HASH_BYTES) {
      throw new IllegalArgumentException(
          "hash is " + hash.length + " bytes, expected " + AuditChain.HASH_BYTES);
    }
    Ed25519Signer signer = new Ed25519Signer();
    signer.init(true, key);
    byte[] message = Checkpoint.signedBytes(seq, hash);
    signer.update(message, 0, message.length);
    return new Checkpoint(
        seq, AuditChain.hex(hash), Base64.getEncoder().encodeToString(signer.generateSignature()));
  }
}
