package org.pprl.server;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.StringWriter;
import java.math.BigInteger;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.KeyStore;
import java.security.Signature;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.util.Date;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import org.bouncycastle.asn1.ASN1EncodableVector;
import org.bouncycastle.asn1.ASN1Integer;
import org.bouncycastle.asn1.DERBitString;
import org.bouncycastle.asn1.DERNull;
import org.bouncycastle.asn1.DERSequence;
import org.bouncycastle.asn1.pkcs.PKCSObjectIdentifiers;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.AlgorithmIdentifier;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.ExtensionsGenerator;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.SubjectPublicKeyInfo;
import org.bouncycastle.asn1.x509.TBSCertificate;
import org.bouncycastle.asn1.x509.Time;
import org.bouncycastle.asn1.x509.V3TBSCertificateGenerator;
import org.bouncycastle.util.io.pem.PemObject;
import org.bouncycastle.util.io.pem.PemWriter;

/**
 * A self-signed RSA certificate for {@code localhost} and {@code 127.0.0.1}, made in the test with
 * Bouncy Castle's ASN.1 classes, its PEM files, and a client context that trusts it alone.
 */
final class TestCertificates {
  final X509Certificate certificate;
  final KeyPair keys;

  private TestCertificates(X509Certificate certificate, KeyPair keys) {
    this.certificate = certificate;
    this.keys = keys;
  }

  static TestCertificates selfSigned() throws GeneralSecurityException, IOException {
    KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
    generator.initialize(2048);
    KeyPair keys = generator.generateKeyPair();
    AlgorithmIdentifier sha256WithRsa =
        new AlgorithmIdentifier(PKCSObjectIdentifiers.sha256WithRSAEncryption, DERNull.INSTANCE);
    X500Name name = new X500Name("CN=localhost");
    long now = System.currentTimeMillis();
    V3TBSCertificateGenerator tbs = new V3TBSCertificateGenerator();
    tbs.setSerialNumber(new ASN1Integer(BigInteger.valueOf(now)));
    tbs.setIssuer(name);
    tbs.setSubject(name);
    tbs.setStartDate(new Time(new Date(now - 60_000)));
    tbs.setEndDate(new Time(new Date(now + 86_400_000)));
    tbs.setSignature(sha256WithRsa);
    tbs.setSubjectPublicKeyInfo(SubjectPublicKeyInfo.getInstance(keys.getPublic().getEncoded()));
    ExtensionsGenerator extensions = new ExtensionsGenerator();
    extensions.addExtension(
        Extension.subjectAlternativeName,
        false,
        new GeneralNames(
            new GeneralName[] {
              new GeneralName(GeneralName.dNSName, "localhost"),
              new GeneralName(GeneralName.iPAddress, "127.0.0.1")
            }));
    tbs.setExtensions(extensions.generate());
    TBSCertificate unsigned = tbs.generateTBSCertificate();
    Signature signer = Signature.getInstance("SHA256withRSA");
    signer.initSign(keys.getPrivate());
    signer.update(unsigned.getEncoded());
    ASN1EncodableVector certificate = new ASN1EncodableVector();
    certificate.add(unsigned);
    certificate.add(sha256WithRsa);
    certificate.add(new DERBitString(signer.sign()));
    X509Certificate x509 =
        (X509Certificate)
            CertificateFactory.getInstance("X.509")
                .generateCertificate(
                    new ByteArrayInputStream(new DERSequence(certificate).getEncoded()));
    return new TestCertificates(x509, keys);
  }

  /** Writes the certificate and the PKCS#8 key as PEM files in {@code dir}. */
  ServerSettings.Tls write(Path dir) throws IOException, GeneralSecurityException {
    Path cert = dir.resolve("server.crt");
    Path key = dir.resolve("server.key");
    OwnerOnly.writeString(cert, pem("CERTIFICATE", certificate.getEncoded()));
    OwnerOnly.writeString(key, pem("PRIVATE KEY", keys.getPrivate().getEncoded()));
    return new ServerSettings.Tls(cert, key);
  }

  static String pem(String type, byte[] der) throws IOException {
    StringWriter text = new StringWriter();
    try (PemWriter w = new PemWriter(text)) {
      w.writeObject(new PemObject(type, der));
    }
    return text.toString();
  }

  /** A TLS context that trusts this certificate and nothing else. */
  SSLContext trustingContext() throws GeneralSecurityException, IOException {
    KeyStore trust = KeyStore.getInstance("PKCS12");
    trust.load(null, null);
    trust.setCertificateEntry("server", certificate);
    TrustManagerFactory factory =
        TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
    factory.init(trust);
    SSLContext context = SSLContext.getInstance("TLS");
    context.init(null, factory.getTrustManagers(), null);
    return context;
  }
}
