package org.pprl.server;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.Base64;
import org.pprl.core.audit.AuditSigner;

/**
 * The service's audit signing key in its data directory: {@code audit-key} holds the Ed25519
 * private key (base64, readable by the owner only) and {@code audit-key.pub} the public key
 * (base64) that auditors verify checkpoints with. Made on first open, then only read.
 */
final class AuditKeys {
  /** The private key file in the data directory. */
  static final String PRIVATE_FILE = "audit-key";

  /** The public key file in the data directory. */
  static final String PUBLIC_FILE = "audit-key.pub";

  private AuditKeys() {}

  static AuditSigner loadOrCreate(Path dataDir) throws IOException {
    Path privateFile = dataDir.resolve(PRIVATE_FILE);
    Path publicFile = dataDir.resolve(PUBLIC_FILE);
    if (!Files.exists(privateFile)) {
      AuditSigner created = AuditSigner.generate(new SecureRandom());
      Path temp = ownerOnlyTempFile(dataDir, PRIVATE_FILE);
      try {
        Files.write(temp, base64(created.privateKey()));
        try {
          // Not replacing: if another process made the key meanwhile, its key is kept.
          Files.move(temp, privateFile);
        } catch (FileAlreadyExistsException raced) {
          // fall through to read the existing key
        }
      } finally {
        Files.deleteIfExists(temp);
      }
    }
    AuditSigner signer;
    try {
      String text = new String(Files.readAllBytes(privateFile), StandardCharsets.US_ASCII).trim();
      signer = AuditSigner.fromPrivateKey(Base64.getDecoder().decode(text));
    } catch (IllegalArgumentException e) {
      throw new IOException(
          privateFile + " is not a base64 Ed25519 private key of 32 bytes: " + e.getMessage());
    }
    byte[] publicText = base64(signer.publicKey());
    if (!Files.exists(publicFile)
        || !new String(Files.readAllBytes(publicFile), StandardCharsets.US_ASCII)
            .trim()
            .equals(new String(publicText, StandardCharsets.US_ASCII).trim())) {
      // Owner-only like everything in the data directory; an auditor gets the key from the
      // operator (pprl admin audit-key), not by reading the directory.
      Path temp = ownerOnlyTempFile(dataDir, PUBLIC_FILE);
      try {
        Files.write(temp, publicText);
        OwnerOnly.moveInto(temp, publicFile);
      } finally {
        Files.deleteIfExists(temp);
      }
    }
    return signer;
  }

  /** The base64 text of a key with a line break, as the key files hold it. */
  static byte[] base64(byte[] key) {
    return (Base64.getEncoder().encodeToString(key) + "\n").getBytes(StandardCharsets.US_ASCII);
  }

  /** A new temporary file in {@code dir}, readable and writable by its owner only. */
  static Path ownerOnlyTempFile(Path dir, String prefix) throws IOException {
    return OwnerOnly.tempFile(dir, prefix);
  }
}
