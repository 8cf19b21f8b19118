package org.pprl.core.encode;

import org.bouncycastle.crypto.Digest;
import org.bouncycastle.crypto.digests.SHA256Digest;
import org.bouncycastle.crypto.digests.SHA512Digest;
import org.bouncycastle.crypto.generators.HKDFBytesGenerator;
import org.bouncycastle.crypto.params.HKDFParameters;
import org.pprl.core.schema.ClkhashSchema;

/**
 * Per-feature keys from the shared secret, as clkhash's {@code generate_key_lists}: one HKDF (RFC
 * 5869) output of {@code 2 * features * keySize} bytes cut into consecutive keys; feature {@code i}
 * (ignored ones included) gets keys {@code 2i} and {@code 2i + 1}. {@code doubleHash} uses them for
 * HMAC-SHA1 and HMAC-MD5, {@code blakeHash} uses the first.
 */
final class KeyDerivation {
  private KeyDerivation() {}

  /** {@code keys[i][0..1]} for feature {@code i}. */
  static byte[][][] derive(byte[] secret, ClkhashSchema schema) {
    int features = schema.features().size();
    int size = schema.kdfKeySize();
    Digest digest = "SHA512".equals(schema.kdfHash()) ? new SHA512Digest() : new SHA256Digest();
    HKDFBytesGenerator hkdf = new HKDFBytesGenerator(digest);
    hkdf.init(new HKDFParameters(secret, schema.kdfSalt(), schema.kdfInfo()));
    byte[] all = new byte[2 * features * size];
    if (all.length > 0) {
      hkdf.generateBytes(all, 0, all.length);
    }
    byte[][][] keys = new byte[features][2][size];
    for (int i = 0; i < features; i++) {
      System.arraycopy(all, (2 * i) * size, keys[i][0], 0, size);
      System.arraycopy(all, (2 * i + 1) * size, keys[i][1], 0, size);
    }
    return keys;
  }
}
