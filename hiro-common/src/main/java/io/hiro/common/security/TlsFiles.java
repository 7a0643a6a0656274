package io.hiro.common.security;

import io.hiro.common.ErrorCode;
import io.hiro.common.HiroException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.Signature;
import java.security.cert.CertificateExpiredException;
import java.security.cert.CertificateNotYetValidException;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.List;

/**
 * A node's TLS files, as given by {@code --tls-cert}, {@code --tls-key} and {@code --tls-ca}, checked
 * once when made so that a mistake is a clear message at start and not a failed handshake later:
 * every file exists and parses, the key is owner-only and belongs to the certificate, the certificate
 * is valid today and was issued by the CA.
 *
 * <p>{@code certificate} and {@code privateKey} come together or not at all; a server needs them, a
 * client needs them only to present itself to a server that asks. {@code certificateAuthority} is
 * the CA that peers' certificates must come from; a server with one requires client certificates
 * (mutual TLS), a client without one trusts the JDK's default CAs. Null means not given.
 */
public record TlsFiles(Path certificate, Path privateKey, Path certificateAuthority) {
  public TlsFiles {
    if ((certificate == null) != (privateKey == null)) {
      throw HiroException.invalid("give --tls-cert and --tls-key together (the node's certificate and its key)");
    }
    if (certificate == null && certificateAuthority == null) {
      throw HiroException.invalid("TLS needs --tls-cert with --tls-key, or --tls-ca, or all three");
    }
    List<X509Certificate> authorities = certificateAuthority == null ? List.of()
        : Pem.readCertificates(certificateAuthority, "TLS CA file (--tls-ca)");
    if (certificate != null) {
      checkKeyPair(certificate, privateKey, authorities);
    }
  }

  /** A server's or a client's files: its certificate and key, and the CA its peers must come from. */
  public static TlsFiles of(Path certificate, Path privateKey, Path certificateAuthority) {
    return new TlsFiles(certificate, privateKey, certificateAuthority);
  }

  public boolean hasKeyPair() {
    return certificate != null;
  }

  public boolean hasCertificateAuthority() {
    return certificateAuthority != null;
  }

  /** One line for the start-up log: which files, and whether peers must show a certificate. */
  public String describe() {
    return "TLS" + (hasKeyPair() ? " cert " + certificate + " key " + privateKey : "")
        + (hasCertificateAuthority() ? " CA " + certificateAuthority + " (peers must present a certificate from it)"
            : " (no CA: peers are not asked for a certificate)");
  }

  private static void checkKeyPair(Path certificate, Path privateKey, List<X509Certificate> authorities) {
    List<X509Certificate> chain = Pem.readCertificates(certificate, "TLS certificate file (--tls-cert)");
    X509Certificate leaf = chain.get(0);
    PrivateKey key = Pem.readPrivateKey(privateKey, "TLS key file (--tls-key)");
    try {
      OwnerOnlyFiles.requireOwnerOnly(privateKey, "TLS key file (--tls-key)");
    } catch (IOException e) {
      throw new HiroException(ErrorCode.UNAVAILABLE, "cannot read TLS key file " + privateKey + ": " + e.getMessage(), e);
    }
    if (!belongTogether(key, leaf.getPublicKey())) {
      throw HiroException.invalid("TLS key %s does not belong to certificate %s: give the key that was made with it",
          privateKey, certificate);
    }
    try {
      leaf.checkValidity();
    } catch (CertificateExpiredException | CertificateNotYetValidException e) {
      throw HiroException.precondition("TLS certificate %s is valid only from %s to %s; issue a new one with "
          + "'hiro cert issue'", certificate, leaf.getNotBefore().toInstant(), leaf.getNotAfter().toInstant());
    }
    if (!authorities.isEmpty() && !issuedByAny(leaf, authorities, chain)) {
      throw HiroException.invalid("TLS certificate %s (%s) was not issued by the CA in %s (%s): peers would refuse it",
          certificate, leaf.getSubjectX500Principal().getName(), "--tls-ca",
          authorities.get(0).getSubjectX500Principal().getName());
    }
  }

  /** Signs a few bytes with the key and checks them with the certificate's public key. */
  private static boolean belongTogether(PrivateKey key, PublicKey publicKey) {
    String algorithm = switch (key.getAlgorithm()) {
      case "EC" -> "SHA256withECDSA";
      case "RSA" -> "SHA256withRSA";
      case "Ed25519", "EdDSA" -> "Ed25519";
      default -> null;
    };
    if (!key.getAlgorithm().equals(publicKey.getAlgorithm())) {
      return false;
    }
    if (algorithm == null) {
      return true; // An algorithm this check does not know: the handshake will tell.
    }
    try {
      byte[] probe = "hiro key check".getBytes(StandardCharsets.US_ASCII);
      Signature signer = Signature.getInstance(algorithm);
      signer.initSign(key);
      signer.update(probe);
      byte[] signature = signer.sign();
      Signature verifier = Signature.getInstance(algorithm);
      verifier.initVerify(publicKey);
      verifier.update(probe);
      return verifier.verify(signature);
    } catch (GeneralSecurityException e) {
      return false;
    }
  }

  private static boolean issuedByAny(X509Certificate leaf, List<X509Certificate> authorities,
      List<X509Certificate> chain) {
    List<X509Certificate> issuers = new ArrayList<>(authorities);
    issuers.addAll(chain.subList(1, chain.size()));
    for (X509Certificate issuer : issuers) {
      try {
        leaf.verify(issuer.getPublicKey());
        return true;
      } catch (GeneralSecurityException e) {
        // Not this one; try the next.
      }
    }
    return false;
  }
}
