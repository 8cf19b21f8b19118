package org.pprl.core.encode;

import java.math.BigInteger;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.BitSet;
import java.util.List;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.bouncycastle.crypto.digests.Blake2bDigest;
import org.pprl.core.schema.ClkhashSchema;
import org.pprl.core.schema.FeatureSpec;
import org.pprl.core.schema.HashFunction;

/**
 * A deliberately naive transcription of clkhash's {@code crypto_bloom_filter}: the test oracle for
 * {@link ClkEncoder}. No caches, {@link BigInteger} arithmetic, the reference tokenizer, HKDF
 * written out from RFC 5869 with the JDK's HMAC, and folding on a {@link BitSet}.
 */
final class NaiveClkhash {
  private NaiveClkhash() {}

  static byte[] hmac(String algorithm, byte[] key, byte[]... parts) {
    try {
      Mac mac = Mac.getInstance(algorithm);
      mac.init(new SecretKeySpec(key.length == 0 ? new byte[1] : key, algorithm));
      if (key.length == 0) {
        throw new IllegalArgumentException("empty HMAC key not supported by this oracle");
      }
      for (byte[] p : parts) {
        mac.update(p);
      }
      return mac.doFinal();
    } catch (java.security.GeneralSecurityException e) {
      throw new IllegalStateException(e);
    }
  }

  /** RFC 5869 extract-then-expand. */
  static byte[] hkdf(String hash, byte[] ikm, byte[] salt, byte[] info, int length) {
    String alg = "SHA512".equals(hash) ? "HmacSHA512" : "HmacSHA256";
    int hashLen = "SHA512".equals(hash) ? 64 : 32;
    byte[] prk = hmac(alg, salt == null || salt.length == 0 ? new byte[hashLen] : salt, ikm);
    byte[] out = new byte[length];
    byte[] t = new byte[0];
    for (int i = 1, done = 0; done < length; i++) {
      t = hmac(alg, prk, t, info == null ? new byte[0] : info, new byte[] {(byte) i});
      int n = Math.min(t.length, length - done);
      System.arraycopy(t, 0, out, done, n);
      done += n;
    }
    return out;
  }

  static long[] encode(ClkhashSchema schema, byte[] secret, String[] row) {
    int features = schema.features().size();
    int size = schema.kdfKeySize();
    byte[] keys =
        hkdf(schema.kdfHash(), secret, schema.kdfSalt(), schema.kdfInfo(), 2 * features * size);
    int hashL = schema.hashBits();
    BigInteger bigL = BigInteger.valueOf(hashL);
    BitSet bf = new BitSet(hashL);
    for (int f = 0; f < features; f++) {
      FeatureSpec spec = schema.features().get(f);
      if (spec.ignored()) {
        continue;
      }
      byte[] key0 = java.util.Arrays.copyOfRange(keys, 2 * f * size, (2 * f + 1) * size);
      byte[] key1 = java.util.Arrays.copyOfRange(keys, (2 * f + 1) * size, (2 * f + 2) * size);
      if (spec.check(row[f]) != null) {
        throw new IllegalArgumentException("oracle given an invalid value");
      }
      List<String> tokens = spec.comparison().tokens(spec.format(row[f]));
      for (int j = 0; j < tokens.size(); j++) {
        int k = spec.strategy().bitsFor(j, tokens.size());
        byte[] m = spec.encoding().encode(tokens.get(j));
        if (spec.hashFunction() == HashFunction.BLAKE_HASH) {
          int numMacs = (k + 31) / 32;
          int[] shorts = new int[32 * numMacs];
          for (int i = 0; i < numMacs; i++) {
            byte[] salt = new byte[16];
            byte[] digits = String.valueOf(i).getBytes(StandardCharsets.US_ASCII);
            System.arraycopy(digits, 0, salt, 0, digits.length);
            Blake2bDigest d = new Blake2bDigest(key0, 64, salt, null);
            d.update(m, 0, m.length);
            byte[] out = new byte[64];
            d.doFinal(out, 0);
            ByteBuffer le = ByteBuffer.wrap(out).order(java.nio.ByteOrder.LITTLE_ENDIAN);
            for (int s = 0; s < 32; s++) {
              shorts[32 * i + s] = le.getShort() & 0xFFFF;
            }
          }
          for (int i = 0; i < k; i++) {
            bf.set(shorts[i] % hashL);
          }
        } else {
          BigInteger a = new BigInteger(1, hmac("HmacSHA1", key0, m)).mod(bigL);
          BigInteger b = new BigInteger(1, hmac("HmacMD5", key1, m)).mod(bigL);
          for (int i = 0;
              spec.hashFunction() == HashFunction.DOUBLE_HASH_NON_SINGULAR && b.signum() == 0;
              i++) {
            byte[] chr = new String(Character.toChars(i)).getBytes(StandardCharsets.UTF_8);
            b = new BigInteger(1, hmac("HmacMD5", key1, m, chr)).mod(bigL);
          }
          for (int i = 0; i < k; i++) {
            bf.set(a.add(b.multiply(BigInteger.valueOf(i))).mod(bigL).intValueExact());
          }
        }
      }
    }
    int len = hashL;
    for (int fold = 0; fold < schema.xorFolds(); fold++) {
      int half = len / 2;
      BitSet folded = new BitSet(half);
      for (int i = 0; i < half; i++) {
        folded.set(i, bf.get(i) ^ bf.get(half + i));
      }
      bf = folded;
      len = half;
    }
    long[] words = new long[(len + 63) / 64];
    for (int i = bf.nextSetBit(0); i >= 0; i = bf.nextSetBit(i + 1)) {
      words[i >>> 6] |= 1L << i;
    }
    return words;
  }
}
