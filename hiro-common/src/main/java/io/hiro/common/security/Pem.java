package io.hiro.common.security;

import io.hiro.common.ErrorCode;
import io.hiro.common.HiroException;
import java.io.IOException;
import java.io.Reader;
import java.io.StringReader;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.security.PrivateKey;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.List;
import org.bouncycastle.asn1.pkcs.PrivateKeyInfo;
import org.bouncycastle.cert.X509CertificateHolder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.openssl.PEMKeyPair;
import org.bouncycastle.openssl.PEMParser;
import org.bouncycastle.openssl.jcajce.JcaPEMKeyConverter;
import org.bouncycastle.openssl.jcajce.JcaPEMWriter;
import org.bouncycastle.openssl.jcajce.JcaPKCS8Generator;

/**
 * PEM in and out, through Bouncy Castle's parsers and writers but the JDK's own providers (Bouncy
 * Castle is never registered as a provider: the runnable jar strips the signatures it would need).
 * Keys are written as unencrypted PKCS#8 ("PRIVATE KEY"), the one form every TLS stack reads.
 */
final class Pem {
  /** Certificate and key files Hiro reads are small; this bounds what a wrong path can make it read. */
  static final long PEM_FILE_MAX_BYTES = 1024 * 1024;

  private Pem() {}

  static byte[] encode(X509Certificate certificate) {
    StringWriter text = new StringWriter();
    try (JcaPEMWriter writer = new JcaPEMWriter(text)) {
      writer.writeObject(certificate);
    } catch (IOException e) {
      throw new IllegalStateException("cannot write a certificate as PEM", e);
    }
    return text.toString().getBytes(StandardCharsets.US_ASCII);
  }

  static byte[] encode(PrivateKey key) {
    StringWriter text = new StringWriter();
    try (JcaPEMWriter writer = new JcaPEMWriter(text)) {
      writer.writeObject(new JcaPKCS8Generator(key, null));
    } catch (IOException e) {
      throw new IllegalStateException("cannot write a " + key.getAlgorithm() + " key as PKCS#8 PEM", e);
    }
    return text.toString().getBytes(StandardCharsets.US_ASCII);
  }

  /** Every certificate in a PEM file, in order; at least one. */
  static List<X509Certificate> readCertificates(Path file, String what) {
    List<X509Certificate> certificates = new ArrayList<>();
    try (PEMParser parser = new PEMParser(reader(file, what))) {
      for (Object object = parser.readObject(); object != null; object = parser.readObject()) {
        if (object instanceof X509CertificateHolder holder) {
          certificates.add(new JcaX509CertificateConverter().getCertificate(holder));
        }
      }
    } catch (IOException | CertificateException | RuntimeException e) {
      throw malformed(file, what, "PEM certificates", e);
    }
    if (certificates.isEmpty()) {
      throw HiroException.invalid("%s %s holds no PEM certificate ('-----BEGIN CERTIFICATE-----')", what, file);
    }
    return certificates;
  }

  /** The private key in a PEM file: PKCS#8 ("PRIVATE KEY"), or refused with a way to convert it. */
  static PrivateKey readPrivateKey(Path file, String what) {
    Object object;
    try (PEMParser parser = new PEMParser(reader(file, what))) {
      object = parser.readObject();
      if (object instanceof PrivateKeyInfo info) {
        return new JcaPEMKeyConverter().getPrivateKey(info);
      }
    } catch (IOException | RuntimeException e) {
      throw malformed(file, what, "a PEM private key", e);
    }
    if (object instanceof PEMKeyPair) {
      throw HiroException.invalid("%s %s is a traditional ('EC/RSA PRIVATE KEY') key; TLS here needs PKCS#8: "
          + "convert it with 'openssl pkcs8 -topk8 -nocrypt -in %s -out NEW.key'", what, file, file);
    }
    throw HiroException.invalid("%s %s holds no unencrypted PKCS#8 private key ('-----BEGIN PRIVATE KEY-----')",
        what, file);
  }

  private static Reader reader(Path file, String what) {
    try {
      if (!Files.isRegularFile(file)) {
        throw HiroException.notFound("%s %s does not exist or is not a file", what, file);
      }
      if (Files.size(file) > PEM_FILE_MAX_BYTES) {
        throw HiroException.invalid("%s %s is larger than %d bytes: not a PEM file", what, file, PEM_FILE_MAX_BYTES);
      }
      return new StringReader(Files.readString(file, StandardCharsets.US_ASCII));
    } catch (NoSuchFileException e) {
      throw HiroException.notFound("%s %s does not exist", what, file);
    } catch (IOException e) {
      throw new HiroException(ErrorCode.UNAVAILABLE, "cannot read " + what + " " + file + ": " + e.getMessage(), e);
    }
  }

  private static HiroException malformed(Path file, String what, String expected, Exception e) {
    if (e instanceof HiroException hiro) {
      return hiro;
    }
    return new HiroException(ErrorCode.INVALID_ARGUMENT,
        what + " " + file + " is not readable as " + expected + ": " + e.getMessage(), e);
  }
}
