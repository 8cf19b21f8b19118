package org.pprl.core.harden;

import java.nio.charset.StandardCharsets;
import java.util.Objects;
import javax.crypto.Mac;

/**
 * Salting with a stable attribute: a feature's token-hashing key made specific to a per-record salt
 * such as the year of birth, so that the same q-gram hashes to different positions in records with
 * different salts.
 *
 * <p>Why (Niedermeyer, Steinmetzer, Kroll and Schnell 2014, "Cryptanalysis of basic Bloom filters
 * used for privacy preserving record linkage", Journal of Privacy and Confidentiality 6(2), which
 * recommends it; Christen, Ranbaduge and Schnell 2020, "Linking Sensitive Data", Springer, section
 * 9.4): frequency and pattern-mining attacks align frequent bit patterns across the whole file with
 * frequent q-grams; salting splits the file into per-salt sub-populations whose filters share no
 * positions, so an attacker must attack each small sub-population alone, with much weaker frequency
 * statistics. Cost: records whose salt differs can never match, so a recording error in the salt
 * attribute loses that pair (the salt must be stable and well-recorded, like year of birth, and is
 * better not also a compared field); a record with the salt missing needs a policy (no filter for
 * the feature, or a shared "missing" salt, which forms one larger group).
 *
 * <p>Definition: {@code derive(featureKey, salt) = HMAC-SHA256(featureKey, "pprl-salt" || 0x00 ||
 * UTF-8(salt))}, 32 bytes; the encoder uses it in place of the feature key for that record.
 */
public final class SaltedKey {
  private static final byte[] LABEL = "pprl-salt\0".getBytes(StandardCharsets.UTF_8);

  private SaltedKey() {}

  /**
   * The salted key for one record.
   *
   * @param featureKey the feature's token-hashing key (non-empty)
   * @param salt the record's normalised salt attribute (non-empty; never appears in an error)
   * @return a new 32-byte key
   * @throws IllegalArgumentException if the key or the salt is empty
   */
  public static byte[] derive(byte[] featureKey, String salt) {
    Objects.requireNonNull(featureKey, "featureKey");
    if (featureKey.length == 0) {
      throw new IllegalArgumentException("feature key is empty");
    }
    if (salt == null || salt.isEmpty()) {
      throw new IllegalArgumentException(
          "salt is missing: a salted feature needs a value in its salt attribute");
    }
    Mac mac = Kdf.hmac(featureKey);
    mac.update(LABEL);
    return mac.doFinal(salt.getBytes(StandardCharsets.UTF_8));
  }
}
