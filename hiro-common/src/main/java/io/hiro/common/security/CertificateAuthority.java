package io.hiro.common.security;

import io.hiro.common.HiroException;
import java.math.BigInteger;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.HexFormat;
import java.util.List;
import java.util.regex.Pattern;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x500.X500NameBuilder;
import org.bouncycastle.asn1.x500.style.BCStyle;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.ExtendedKeyUsage;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.cert.CertIOException;
import org.bouncycastle.cert.X509v3CertificateBuilder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509ExtensionUtils;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

/**
 * A small certificate authority for one cluster, so that a person can turn on mutual TLS in two
 * commands: {@code hiro cert init} makes {@value #CERTIFICATE_FILE} and {@value #KEY_FILE} (0600),
 * {@code hiro cert issue NAME --host ...} makes {@code NAME.pem} and {@code NAME.key} (0600) for a node.
 *
 * <p>Keys are EC P-256 and signatures SHA256withECDSA, both from the JDK's own providers; Bouncy
 * Castle only builds the X.509 structures. The CA is self-signed, a CA (basicConstraints) that may
 * only sign certificates, valid {@link #CA_VALIDITY}. A node certificate is valid
 * {@link #NODE_VALIDITY} for both ends of a connection (serverAuth and clientAuth), for the names of
 * {@link SubjectAlternativeNames}. Both start an hour back, so a node whose clock is a little behind
 * accepts them. No file is ever overwritten.
 */
public final class CertificateAuthority {
  public static final String CERTIFICATE_FILE = "ca.pem";
  public static final String KEY_FILE = "ca.key";
  public static final Duration CA_VALIDITY = Duration.ofDays(3653);
  public static final Duration NODE_VALIDITY = Duration.ofDays(731);
  static final Duration BACKDATE = Duration.ofHours(1);
  static final String SIGNATURE_ALGORITHM = "SHA256withECDSA";
  /** A node name becomes a file name: letters, digits, '.', '_' and '-', starting with a letter or digit. */
  private static final Pattern NODE_NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,63}");

  private final X509Certificate certificate;
  private final PrivateKey key;
  private final Clock clock;
  private final SecureRandom random = new SecureRandom();

  private CertificateAuthority(X509Certificate certificate, PrivateKey key, Clock clock) {
    this.certificate = certificate;
    this.key = key;
    this.clock = clock;
  }

  /** Creates a new CA in {@code dir} (0700 if created here); refuses if either file is there already. */
  public static CertificateAuthority init(Path dir) {
    return init(dir, Clock.systemUTC());
  }

  static CertificateAuthority init(Path dir, Clock clock) {
    Path certificateFile = dir.resolve(CERTIFICATE_FILE);
    Path keyFile = dir.resolve(KEY_FILE);
    OwnerOnlyFiles.requireAbsent(certificateFile, "CA certificate");
    OwnerOnlyFiles.requireAbsent(keyFile, "CA key");
    KeyPair pair = newKeyPair();
    Instant now = clock.instant();
    SecureRandom random = new SecureRandom();
    X500Name subject = commonName("hiro-ca-" + HexFormat.of().formatHex(randomBytes(random, 4)));
    X509v3CertificateBuilder builder = new JcaX509v3CertificateBuilder(subject, serialNumber(random),
        Date.from(now.minus(BACKDATE)), Date.from(now.plus(CA_VALIDITY)), subject, pair.getPublic());
    try {
      JcaX509ExtensionUtils extensions = new JcaX509ExtensionUtils();
      builder.addExtension(Extension.basicConstraints, true, new BasicConstraints(true))
          .addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.keyCertSign | KeyUsage.cRLSign))
          .addExtension(Extension.subjectKeyIdentifier, false, extensions.createSubjectKeyIdentifier(pair.getPublic()));
    } catch (CertIOException | GeneralSecurityException e) {
      throw new IllegalStateException("cannot build the CA certificate", e);
    }
    X509Certificate certificate = sign(builder, pair.getPrivate());
    OwnerOnlyFiles.writeNew(keyFile, Pem.encode(pair.getPrivate()), "CA key");
    OwnerOnlyFiles.writeNewPublic(certificateFile, Pem.encode(certificate), "CA certificate");
    return new CertificateAuthority(certificate, pair.getPrivate(), clock);
  }

  /** The CA in {@code dir}, made by {@link #init}; its key must be owner-only. */
  public static CertificateAuthority load(Path dir) {
    return load(dir, Clock.systemUTC());
  }

  static CertificateAuthority load(Path dir, Clock clock) {
    Path certificateFile = dir.resolve(CERTIFICATE_FILE);
    Path keyFile = dir.resolve(KEY_FILE);
    if (!Files.exists(certificateFile) && !Files.exists(keyFile)) {
      throw HiroException.notFound("no CA in %s; create one with 'hiro cert init --dir %s'", dir, dir);
    }
    X509Certificate certificate = Pem.readCertificates(certificateFile, "CA certificate").get(0);
    OwnerOnlyFiles.readOwnerOnly(keyFile, "CA key"); // Refuses a key that others may read.
    PrivateKey key = Pem.readPrivateKey(keyFile, "CA key");
    return new CertificateAuthority(certificate, key, clock);
  }

  /**
   * Issues a node certificate for {@code name} into {@code outDir}: {@code name.pem} (the
   * certificate, 0644) and {@code name.key} (its PKCS#8 key, 0600). Refuses a name that is not a
   * safe file name, a host that is neither an address nor a host name, and existing files.
   */
  public IssuedCertificate issue(String name, List<String> hosts, Path outDir) {
    if (name == null || !NODE_NAME.matcher(name).matches() || name.equals("ca")) {
      throw HiroException.invalid("node name '%s' is not allowed: use 1 to 64 letters, digits, '.', '_' or '-', "
          + "starting with a letter or digit, and not 'ca'", name);
    }
    SubjectAlternativeNames names = SubjectAlternativeNames.of(name, hosts);
    Path certificateFile = outDir.resolve(name + ".pem");
    Path keyFile = outDir.resolve(name + ".key");
    OwnerOnlyFiles.requireAbsent(certificateFile, "certificate");
    OwnerOnlyFiles.requireAbsent(keyFile, "key");
    KeyPair pair = newKeyPair();
    X509Certificate issued = sign(nodeCertificate(name, names, pair), key);
    OwnerOnlyFiles.writeNew(keyFile, Pem.encode(pair.getPrivate()), "key");
    OwnerOnlyFiles.writeNewPublic(certificateFile, Pem.encode(issued), "certificate");
    return new IssuedCertificate(certificateFile, keyFile, names.names(), issued.getNotAfter().toInstant());
  }

  /** What {@link #issue} wrote, and for which names, until when. */
  public record IssuedCertificate(Path certificate, Path privateKey, List<String> names, Instant notAfter) {}

  public X509Certificate certificate() {
    return certificate;
  }

  private X509v3CertificateBuilder nodeCertificate(String name, SubjectAlternativeNames names, KeyPair pair) {
    Instant now = clock.instant();
    X509v3CertificateBuilder builder = new JcaX509v3CertificateBuilder(certificate, serialNumber(random),
        Date.from(now.minus(BACKDATE)), Date.from(now.plus(NODE_VALIDITY)), commonName(name), pair.getPublic());
    try {
      JcaX509ExtensionUtils extensions = new JcaX509ExtensionUtils();
      builder.addExtension(Extension.basicConstraints, true, new BasicConstraints(false))
          .addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.digitalSignature))
          .addExtension(Extension.extendedKeyUsage, false,
              new ExtendedKeyUsage(new KeyPurposeId[] {KeyPurposeId.id_kp_serverAuth, KeyPurposeId.id_kp_clientAuth}))
          .addExtension(Extension.subjectAlternativeName, false, names.generalNames())
          .addExtension(Extension.subjectKeyIdentifier, false, extensions.createSubjectKeyIdentifier(pair.getPublic()))
          .addExtension(Extension.authorityKeyIdentifier, false, extensions.createAuthorityKeyIdentifier(certificate));
    } catch (CertIOException | GeneralSecurityException e) {
      throw new IllegalStateException("cannot build the certificate for " + name, e);
    }
    return builder;
  }

  private static X509Certificate sign(X509v3CertificateBuilder builder, PrivateKey signingKey) {
    try {
      return new JcaX509CertificateConverter()
          .getCertificate(builder.build(new JcaContentSignerBuilder(SIGNATURE_ALGORITHM).build(signingKey)));
    } catch (OperatorCreationException | GeneralSecurityException e) {
      throw new IllegalStateException("cannot sign a certificate with " + SIGNATURE_ALGORITHM, e);
    }
  }

  private static KeyPair newKeyPair() {
    try {
      KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
      generator.initialize(new ECGenParameterSpec("secp256r1"));
      return generator.generateKeyPair();
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("this JDK cannot make EC P-256 keys", e);
    }
  }

  private static X500Name commonName(String name) {
    return new X500NameBuilder(BCStyle.INSTANCE).addRDN(BCStyle.CN, name).build();
  }

  /** 127 random bits, positive and non-zero as RFC 5280 wants, unique in practice. */
  private static BigInteger serialNumber(SecureRandom random) {
    return new BigInteger(127, random).setBit(126);
  }

  private static byte[] randomBytes(SecureRandom random, int count) {
    byte[] bytes = new byte[count];
    random.nextBytes(bytes);
    return bytes;
  }
}
