package org.pprl.server;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.Base64;

/**
 * The service's cell-key secret: 32 random bytes in the data directory, owner-only, made at the
 * first start and kept for the life of the data directory. It keys every person's cell key ({@link
 * org.pprl.core.disclose.RecordKeys}), so it is the same for every project and run of the service:
 * the same extracts give the same persons the same keys whichever project asks. It never leaves the
 * service; losing it changes every perturbed answer from then on.
 */
final class CellKeySecret {
  /** The secret's file in the data directory. */
  static final String FILE = "cell-key-secret";

  private CellKeySecret() {}

  static byte[] loadOrCreate(Path dataDir) throws IOException {
    Path file = dataDir.resolve(FILE);
    if (!Files.exists(file)) {
      byte[] secret = new byte[32];
      new SecureRandom().nextBytes(secret);
      Path temp = AuditKeys.ownerOnlyTempFile(dataDir, FILE);
      try {
        Files.write(temp, AuditKeys.base64(secret));
        try {
          Files.move(temp, file); // not replacing: a secret made meanwhile is kept
        } catch (FileAlreadyExistsException raced) {
          // read the existing one
        }
      } finally {
        Files.deleteIfExists(temp);
      }
    }
    byte[] secret;
    try {
      secret =
          Base64.getDecoder()
              .decode(new String(Files.readAllBytes(file), StandardCharsets.US_ASCII).trim());
    } catch (IllegalArgumentException e) {
      throw new IOException(file + " is not base64");
    }
    if (secret.length < 32) {
      throw new IOException(file + " holds " + secret.length + " bytes, expected 32");
    }
    return secret;
  }
}
