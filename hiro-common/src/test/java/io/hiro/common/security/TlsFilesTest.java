package io.hiro.common.security;

import static io.hiro.common.security.SecurityAssertions.chmod;
import static io.hiro.common.security.SecurityAssertions.refusal;
import static org.assertj.core.api.Assertions.assertThat;

import io.hiro.common.ErrorCode;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.PrivateKey;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import org.bouncycastle.openssl.jcajce.JcaPEMWriter;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

@Timeout(60)
class TlsFilesTest {
  @TempDir Path dir;
  private CertificateAuthority authority;
  private Path ca;
  private CertificateAuthority.IssuedCertificate node;

  @BeforeEach
  void makeACaAndANode() {
    authority = CertificateAuthority.init(dir);
    ca = dir.resolve(CertificateAuthority.CERTIFICATE_FILE);
    node = authority.issue("node", List.of(), dir);
  }

  @Test
  void aNodesFilesFromHiroCertPass() {
    TlsFiles files = TlsFiles.of(node.certificate(), node.privateKey(), ca);
    assertThat(files.hasKeyPair()).isTrue();
    assertThat(files.hasCertificateAuthority()).isTrue();
    assertThat(files.describe()).contains("node.pem").contains("peers must present a certificate");
    assertThat(TlsFiles.of(null, null, ca).hasKeyPair()).isFalse();
    assertThat(TlsFiles.of(node.certificate(), node.privateKey(), null).hasCertificateAuthority()).isFalse();
  }

  @Test
  void certificateAndKeyComeTogetherAndSomethingMustBeGiven() {
    assertThat(refusal(ErrorCode.INVALID_ARGUMENT, () -> TlsFiles.of(node.certificate(), null, ca)))
        .contains("--tls-cert and --tls-key together");
    assertThat(refusal(ErrorCode.INVALID_ARGUMENT, () -> TlsFiles.of(null, node.privateKey(), ca)))
        .contains("--tls-cert and --tls-key together");
    assertThat(refusal(ErrorCode.INVALID_ARGUMENT, () -> TlsFiles.of(null, null, null))).contains("--tls-ca");
  }

  @Test
  void missingAndGarbageFilesAreNamed() throws Exception {
    Path missing = dir.resolve("missing.pem");
    assertThat(refusal(ErrorCode.NOT_FOUND, () -> TlsFiles.of(missing, node.privateKey(), ca)))
        .contains(missing.toString());
    Path garbage = Files.writeString(dir.resolve("garbage.pem"), "not a certificate\n");
    assertThat(refusal(ErrorCode.INVALID_ARGUMENT, () -> TlsFiles.of(node.certificate(), node.privateKey(), garbage)))
        .contains("--tls-ca").contains("no PEM certificate");
    Path garbageKey = dir.resolve("garbage.key");
    OwnerOnlyFiles.writeNew(garbageKey, "-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----\n".getBytes(),
        "key");
    assertThat(refusal(ErrorCode.INVALID_ARGUMENT, () -> TlsFiles.of(node.certificate(), garbageKey, ca)))
        .contains("--tls-key");
  }

  @Test
  void aKeyOfAnotherCertificateIsRefused() {
    CertificateAuthority.IssuedCertificate other = authority.issue("other", List.of(), dir);
    assertThat(refusal(ErrorCode.INVALID_ARGUMENT, () -> TlsFiles.of(node.certificate(), other.privateKey(), ca)))
        .contains("does not belong to certificate");
  }

  @Test
  void aCertificateFromAnotherCaIsRefused() {
    Path otherDir = dir.resolve("other-ca");
    CertificateAuthority.IssuedCertificate stranger = CertificateAuthority.init(otherDir)
        .issue("stranger", List.of(), otherDir);
    assertThat(refusal(ErrorCode.INVALID_ARGUMENT, () -> TlsFiles.of(stranger.certificate(), stranger.privateKey(), ca)))
        .contains("was not issued by the CA");
  }

  @Test
  void anExpiredCertificateIsRefusedWithTheWayToRenewIt() {
    Path oldDir = dir.resolve("old");
    Clock threeYearsAgo = Clock.fixed(Instant.now().minus(CertificateAuthority.NODE_VALIDITY).minusSeconds(86_400),
        ZoneOffset.UTC);
    CertificateAuthority old = CertificateAuthority.init(oldDir, threeYearsAgo);
    CertificateAuthority.IssuedCertificate expired = old.issue("old", List.of(), oldDir);
    assertThat(refusal(ErrorCode.FAILED_PRECONDITION, () -> TlsFiles.of(expired.certificate(), expired.privateKey(),
        oldDir.resolve(CertificateAuthority.CERTIFICATE_FILE)))).contains("hiro cert issue");
  }

  @Test
  void aKeyThatOthersMayReadIsRefused() {
    chmod(node.privateKey(), "rw-r--r--");
    assertThat(refusal(ErrorCode.FAILED_PRECONDITION, () -> TlsFiles.of(node.certificate(), node.privateKey(), ca)))
        .contains("chmod 600");
  }

  @Test
  void aTraditionalEcKeyIsRefusedWithTheConversionToRun() throws Exception {
    PrivateKey key = Pem.readPrivateKey(node.privateKey(), "key");
    StringWriter text = new StringWriter();
    try (JcaPEMWriter writer = new JcaPEMWriter(text)) {
      writer.writeObject(key);
    }
    assertThat(text.toString()).startsWith("-----BEGIN EC PRIVATE KEY-----");
    Path traditional = dir.resolve("traditional.key");
    OwnerOnlyFiles.writeNew(traditional, text.toString().getBytes(), "key");
    assertThat(refusal(ErrorCode.INVALID_ARGUMENT, () -> TlsFiles.of(node.certificate(), traditional, ca)))
        .contains("openssl pkcs8 -topk8");
  }
}
