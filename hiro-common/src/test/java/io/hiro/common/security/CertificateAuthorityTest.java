package io.hiro.common.security;

import static io.hiro.common.security.SecurityAssertions.chmod;
import static io.hiro.common.security.SecurityAssertions.permissions;
import static io.hiro.common.security.SecurityAssertions.refusal;
import static org.assertj.core.api.Assertions.assertThat;

import io.hiro.common.ErrorCode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

@Timeout(60)
class CertificateAuthorityTest {
  private static final Instant NOW = Instant.parse("2026-11-22T10:00:00Z");
  private static final Clock CLOCK = Clock.fixed(NOW, ZoneOffset.UTC);
  private static final String SERVER_AUTH = "1.3.6.1.5.5.7.3.1";
  private static final String CLIENT_AUTH = "1.3.6.1.5.5.7.3.2";
  private static final int DNS_NAME = 2;
  private static final int IP_ADDRESS = 7;

  @TempDir Path dir;

  @Test
  void initMakesASelfSignedTenYearCaWithAnOwnerOnlyKey() throws Exception {
    Path caDir = dir.resolve("hiro-certs");
    X509Certificate ca = CertificateAuthority.init(caDir, CLOCK).certificate();

    assertThat(permissions(caDir)).isEqualTo("rwx------");
    assertThat(permissions(caDir.resolve("ca.key"))).isEqualTo("rw-------");
    assertThat(permissions(caDir.resolve("ca.pem"))).isEqualTo("rw-r--r--");
    assertThat(Files.readString(caDir.resolve("ca.key"))).startsWith("-----BEGIN PRIVATE KEY-----");
    assertThat(Files.readString(caDir.resolve("ca.pem"))).startsWith("-----BEGIN CERTIFICATE-----");
    assertThat(ca.getBasicConstraints()).isGreaterThanOrEqualTo(0);
    assertThat(ca.getKeyUsage()[5]).as("keyCertSign").isTrue();
    assertThat(ca.getSigAlgName()).isEqualTo("SHA256withECDSA");
    assertThat(ca.getPublicKey().getAlgorithm()).isEqualTo("EC");
    ca.verify(ca.getPublicKey());
    assertThat(ca.getNotAfter().toInstant()).isEqualTo(NOW.plus(CertificateAuthority.CA_VALIDITY));
    assertThat(ca.getNotBefore().toInstant()).isBefore(NOW);
    assertThat(Pem.readCertificates(caDir.resolve("ca.pem"), "ca").get(0)).isEqualTo(ca);
  }

  @Test
  void initRefusesADirThatHasACaAlready() throws Exception {
    CertificateAuthority.init(dir);
    String before = Files.readString(dir.resolve("ca.key"));
    assertThat(refusal(ErrorCode.ALREADY_EXISTS, () -> CertificateAuthority.init(dir))).contains("ca.pem");
    assertThat(Files.readString(dir.resolve("ca.key"))).isEqualTo(before);
  }

  @Test
  void issueMakesANodeCertificateForBothEndsAndEveryName() throws Exception {
    CertificateAuthority authority = CertificateAuthority.init(dir, CLOCK);
    CertificateAuthority.IssuedCertificate issued = CertificateAuthority.load(dir, CLOCK)
        .issue("nas", List.of("nas.home.arpa", "192.168.1.20", "[fd00::20]"), dir);

    assertThat(issued.certificate()).isEqualTo(dir.resolve("nas.pem"));
    assertThat(issued.privateKey()).isEqualTo(dir.resolve("nas.key"));
    assertThat(permissions(issued.privateKey())).isEqualTo("rw-------");
    assertThat(Files.readString(issued.privateKey())).startsWith("-----BEGIN PRIVATE KEY-----");
    X509Certificate leaf = Pem.readCertificates(issued.certificate(), "leaf").get(0);
    leaf.verify(authority.certificate().getPublicKey());
    assertThat(leaf.getSubjectX500Principal().getName()).isEqualTo("CN=nas");
    assertThat(leaf.getIssuerX500Principal()).isEqualTo(authority.certificate().getSubjectX500Principal());
    assertThat(leaf.getBasicConstraints()).isEqualTo(-1);
    assertThat(leaf.getExtendedKeyUsage()).containsExactlyInAnyOrder(SERVER_AUTH, CLIENT_AUTH);
    assertThat(leaf.getSubjectAlternativeNames()).containsExactly(
        List.of(DNS_NAME, "nas"), List.of(DNS_NAME, "nas.home.arpa"), List.of(IP_ADDRESS, "192.168.1.20"),
        List.of(IP_ADDRESS, "fd00:0:0:0:0:0:0:20"), List.of(DNS_NAME, "localhost"), List.of(IP_ADDRESS, "127.0.0.1"));
    assertThat(issued.names()).containsExactly("nas", "nas.home.arpa", "192.168.1.20", "fd00::20", "localhost",
        "127.0.0.1");
    assertThat(leaf.getNotAfter().toInstant()).isEqualTo(NOW.plus(CertificateAuthority.NODE_VALIDITY))
        .isEqualTo(issued.notAfter());
    assertThat(Pem.readPrivateKey(issued.privateKey(), "key").getAlgorithm()).isEqualTo("EC");
  }

  @Test
  void anAddressAsTheNodeNameBecomesAnIpEntryAndDuplicatesAppearOnce() throws Exception {
    CertificateAuthority authority = CertificateAuthority.init(dir);
    CertificateAuthority.IssuedCertificate issued = authority.issue("10.0.0.7", List.of("10.0.0.7", "localhost"), dir);
    assertThat(issued.names()).containsExactly("10.0.0.7", "localhost", "127.0.0.1");
    X509Certificate leaf = Pem.readCertificates(issued.certificate(), "leaf").get(0);
    assertThat(leaf.getSubjectAlternativeNames()).contains(List.of(IP_ADDRESS, "10.0.0.7"));
  }

  @Test
  void issueRefusesUnsafeNamesAndBadHosts() throws Exception {
    CertificateAuthority authority = CertificateAuthority.init(dir);
    for (String name : new String[] {"", "../evil", "a/b", ".hidden", "-dash", "ca", "x".repeat(65), "sp ace"}) {
      assertThat(refusal(ErrorCode.INVALID_ARGUMENT, () -> authority.issue(name, List.of(), dir)))
          .as(name).contains("not allowed");
    }
    for (String host : new String[] {"bad host", "999.1.1.1", "a..b", "-a.example", "x".repeat(254), "::zz", "a_b"}) {
      assertThat(refusal(ErrorCode.INVALID_ARGUMENT, () -> authority.issue("node", List.of(host), dir)))
          .as(host).contains("neither an IP address nor a host name");
    }
    try (var files = Files.list(dir)) {
      assertThat(files.map(p -> p.getFileName().toString())).containsExactlyInAnyOrder("ca.pem", "ca.key");
    }
  }

  @Test
  void issueRefusesToOverwriteANodesFiles() throws Exception {
    CertificateAuthority authority = CertificateAuthority.init(dir);
    authority.issue("w1", List.of(), dir);
    String key = Files.readString(dir.resolve("w1.key"));
    assertThat(refusal(ErrorCode.ALREADY_EXISTS, () -> authority.issue("w1", List.of(), dir))).contains("w1.pem");
    assertThat(Files.readString(dir.resolve("w1.key"))).isEqualTo(key);
  }

  @Test
  void loadRefusesACaKeyThatOthersMayReadAndADirWithoutACa() {
    CertificateAuthority.init(dir);
    chmod(dir.resolve("ca.key"), "rw-r--r--");
    assertThat(refusal(ErrorCode.FAILED_PRECONDITION, () -> CertificateAuthority.load(dir))).contains("chmod 600");
    Path empty = dir.resolve("empty");
    assertThat(refusal(ErrorCode.NOT_FOUND, () -> CertificateAuthority.load(empty))).contains("hiro cert init");
  }

  @Test
  void certificatesFromTwoCasHaveDifferentIssuers() {
    X509Certificate first = CertificateAuthority.init(dir.resolve("a")).certificate();
    X509Certificate second = CertificateAuthority.init(dir.resolve("b")).certificate();
    assertThat(first.getSubjectX500Principal()).isNotEqualTo(second.getSubjectX500Principal());
    assertThat(Duration.between(first.getNotBefore().toInstant(), Instant.now())).isPositive();
  }
}
