package org.pprl.server;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.ArrayList;
import java.util.List;
import org.bouncycastle.asn1.ASN1Sequence;
import org.bouncycastle.asn1.DERNull;
import org.bouncycastle.asn1.pkcs.PKCSObjectIdentifiers;
import org.bouncycastle.asn1.pkcs.PrivateKeyInfo;
import org.bouncycastle.asn1.sec.ECPrivateKey;
import org.bouncycastle.asn1.x509.AlgorithmIdentifier;
import org.bouncycastle.asn1.x9.X9ObjectIdentifiers;
import org.bouncycastle.util.io.pem.PemObject;
import org.bouncycastle.util.io.pem.PemReader;
import org.eclipse.jetty.util.ssl.SslContextFactory;

/**
 * HTTPS for the service from the PEM files a certificate authority (or {@code certbot}, or {@code
 * openssl}) hands out: a certificate chain, server certificate first, and an unencrypted private
 * key as PKCS#8 ({@code PRIVATE KEY}), PKCS#1 ({@code RSA PRIVATE KEY}) or SEC 1 ({@code EC PRIVATE
 * KEY}). Parsed with Bouncy Castle's PEM reader and ASN.1 classes into an in-memory key store for
 * Jetty; nothing is written to disk. Errors name the file and the PEM block type, never key bytes.
 */
final class PemTls {
  private static final char[] IN_MEMORY = "in-memory".toCharArray();

  private PemTls() {}

  /** Jetty's TLS context for {@code tls}: TLS 1.2 and 1.3 only, as Jetty's defaults. */
  static SslContextFactory.Server contextFactory(ServerSettings.Tls tls) {
    KeyStore store = keyStore(tls);
    SslContextFactory.Server factory = new SslContextFactory.Server();
    factory.setKeyStore(store);
    factory.setKeyStorePassword(new String(IN_MEMORY));
    factory.setIncludeProtocols("TLSv1.3", "TLSv1.2");
    return factory;
  }

  /**
   * A key store holding the private key and its certificate chain under the alias {@code server}.
   *
   * @throws IllegalArgumentException naming the file that is missing, unreadable or not PEM of the
   *     expected type
   */
  static KeyStore keyStore(ServerSettings.Tls tls) {
    List<Certificate> chain = certificates(tls.certificate());
    PrivateKey key = privateKey(tls.privateKey());
    try {
      KeyStore store = KeyStore.getInstance("PKCS12");
      store.load(null, null);
      store.setKeyEntry("server", key, IN_MEMORY, chain.toArray(new Certificate[0]));
      return store;
    } catch (GeneralSecurityException | IOException e) {
      throw new IllegalArgumentException(
          "the private key in "
              + tls.privateKey()
              + " does not go with the certificate in "
              + tls.certificate()
              + " ("
              + e.getClass().getSimpleName()
              + ")",
          e);
    }
  }

  private static List<Certificate> certificates(Path file) {
    List<Certificate> chain = new ArrayList<>();
    try {
      CertificateFactory x509 = CertificateFactory.getInstance("X.509");
      for (PemObject pem : read(file)) {
        if (pem.getType().equals("CERTIFICATE")) {
          chain.add(x509.generateCertificate(new ByteArrayInputStream(pem.getContent())));
        }
      }
    } catch (GeneralSecurityException e) {
      throw new IllegalArgumentException(
          "the TLS certificate file " + file + " holds an invalid certificate", e);
    }
    if (chain.isEmpty()) {
      throw new IllegalArgumentException(
          "the TLS certificate file " + file + " has no 'BEGIN CERTIFICATE' block");
    }
    return chain;
  }

  private static PrivateKey privateKey(Path file) {
    for (PemObject pem : read(file)) {
      if (pem.getType().equals("ENCRYPTED PRIVATE KEY")) {
        throw new IllegalArgumentException(
            "the TLS key file "
                + file
                + " holds an encrypted key; give it unencrypted, owner-only");
      }
      try {
        switch (pem.getType()) {
          case "PRIVATE KEY":
            return fromPkcs8(PrivateKeyInfo.getInstance(pem.getContent()));
          case "RSA PRIVATE KEY":
            return fromPkcs8(
                new PrivateKeyInfo(
                    new AlgorithmIdentifier(PKCSObjectIdentifiers.rsaEncryption, DERNull.INSTANCE),
                    ASN1Sequence.getInstance(pem.getContent())));
          case "EC PRIVATE KEY":
            ECPrivateKey ec = ECPrivateKey.getInstance(pem.getContent());
            return fromPkcs8(
                new PrivateKeyInfo(
                    new AlgorithmIdentifier(
                        X9ObjectIdentifiers.id_ecPublicKey, ec.getParametersObject()),
                    ec));
          default:
            // another block (parameters, a certificate): look further
        }
      } catch (IOException | GeneralSecurityException | RuntimeException e) {
        throw new IllegalArgumentException(
            "the TLS key file " + file + ": its " + pem.getType() + " block is not a valid key", e);
      }
    }
    throw new IllegalArgumentException(
        "the TLS key file "
            + file
            + ": no PRIVATE KEY, RSA PRIVATE KEY or EC PRIVATE KEY block (PEM, unencrypted)");
  }

  private static PrivateKey fromPkcs8(PrivateKeyInfo info)
      throws IOException, GeneralSecurityException {
    String algorithm =
        info.getPrivateKeyAlgorithm().getAlgorithm().equals(PKCSObjectIdentifiers.rsaEncryption)
            ? "RSA"
            : info.getPrivateKeyAlgorithm()
                    .getAlgorithm()
                    .equals(X9ObjectIdentifiers.id_ecPublicKey)
                ? "EC"
                : info.getPrivateKeyAlgorithm().getAlgorithm().getId();
    return KeyFactory.getInstance(algorithm)
        .generatePrivate(new PKCS8EncodedKeySpec(info.getEncoded()));
  }

  private static List<PemObject> read(Path file) {
    List<PemObject> objects = new ArrayList<>();
    try (Reader text = Files.newBufferedReader(file, StandardCharsets.US_ASCII);
        PemReader pem = new PemReader(text)) {
      for (PemObject o = pem.readPemObject(); o != null; o = pem.readPemObject()) {
        objects.add(o);
      }
    } catch (IOException | RuntimeException e) {
      throw new IllegalArgumentException(
          "cannot read " + file + " as PEM (" + e.getClass().getSimpleName() + ")", e);
    }
    return objects;
  }
}
