package io.hiro.common.security;

import static io.hiro.common.security.SecurityAssertions.refusal;
import static org.assertj.core.api.Assertions.assertThat;

import io.hiro.common.ErrorCode;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

@Timeout(30)
class CallVerifierTest {
  private static final Instant NOW = Instant.parse("2026-11-22T10:00:00Z");
  private static final String STAT = "hiro.v1.NamespaceService/Stat";

  @TempDir Path dir;

  private final ClusterSecret secret = ClusterSecret.generate(new SecureRandom());
  private final CallVerifier verifier = new CallVerifier(secret, CallVerifier.WINDOW_DEFAULT);

  @Test
  void aCallSignedWithTheClusterKeyIsCluster() {
    String credential = CallSigner.forCluster(secret).sign(STAT, NOW);
    assertThat(credential).matches("v1\\.cluster\\.\\d+\\.[A-Za-z0-9_-]{22}\\.[A-Za-z0-9_-]{43}")
        .hasSizeLessThanOrEqualTo(CallCredentialFormat.VALUE_LENGTH_MAX);
    assertThat(verifier.verify(credential, STAT, NOW)).isEqualTo(Role.CLUSTER);
  }

  @Test
  void aCallSignedWithTheReadOnlyCredentialIsReadOnly() {
    String credential = CallSigner.forReadOnly(secret.readOnlyCredential()).sign(STAT, NOW);
    assertThat(verifier.verify(credential, STAT, NOW)).isEqualTo(Role.READ_ONLY);
  }

  @Test
  void eachCallGetsAFreshValue() {
    CallSigner signer = CallSigner.forCluster(secret);
    assertThat(signer.sign(STAT, NOW)).isNotEqualTo(signer.sign(STAT, NOW));
  }

  @Test
  void noncesNeverRepeatWithinOneSignerNorAcrossSignersOfOneSecret() {
    java.util.Set<String> nonces = new java.util.HashSet<>();
    for (int s = 0; s < 20; s++) {
      CallSigner signer = CallSigner.forCluster(secret);
      for (int i = 0; i < 1_000; i++) {
        String credential = signer.sign(STAT, NOW);
        assertThat(nonces.add(credential.split("\\.")[3])).as("nonce of call %d of signer %d is new", i, s).isTrue();
        if (i % 250 == 0) {
          assertThat(verifier.verify(credential, STAT, NOW)).isEqualTo(Role.CLUSTER);
        }
      }
    }
  }

  @Test
  void aReadOnlyHolderCannotClaimTheClusterRole() {
    String readOnly = CallSigner.forReadOnly(secret.readOnlyCredential()).sign(STAT, NOW);
    String claimed = readOnly.replace("v1.read-only.", "v1.cluster.");
    assertThat(refusal(ErrorCode.PERMISSION_DENIED, () -> verifier.verify(claimed, STAT, NOW))).contains("bad signature");
  }

  @Test
  void aCallerWithAnotherSecretIsRefused() {
    String credential = CallSigner.forCluster(ClusterSecret.generate(new SecureRandom())).sign(STAT, NOW);
    assertThat(refusal(ErrorCode.PERMISSION_DENIED, () -> verifier.verify(credential, STAT, NOW)))
        .contains("bad signature").contains("another cluster");
  }

  @Test
  void aValueSignedForOneMethodDoesNotOpenAnother() {
    String credential = CallSigner.forCluster(secret).sign(STAT, NOW);
    assertThat(refusal(ErrorCode.PERMISSION_DENIED,
        () -> verifier.verify(credential, "hiro.v1.NamespaceService/Delete", NOW))).contains("bad signature");
  }

  @Test
  void aCallerWhoseClockIsOffByMoreThanTheWindowIsRefused() {
    CallSigner signer = CallSigner.forCluster(secret);
    Duration window = CallVerifier.WINDOW_DEFAULT;
    assertThat(verifier.verify(signer.sign(STAT, NOW.minus(window)), STAT, NOW)).isEqualTo(Role.CLUSTER);
    assertThat(verifier.verify(signer.sign(STAT, NOW.plus(window)), STAT, NOW)).isEqualTo(Role.CLUSTER);
    assertThat(refusal(ErrorCode.PERMISSION_DENIED,
        () -> verifier.verify(signer.sign(STAT, NOW.minus(window).minusSeconds(1)), STAT, NOW)))
        .contains("301 s behind").contains("NTP");
    assertThat(refusal(ErrorCode.PERMISSION_DENIED,
        () -> verifier.verify(signer.sign(STAT, NOW.plus(window).plusSeconds(1)), STAT, NOW)))
        .contains("301 s ahead of");
  }

  @Test
  void missingAndMalformedValuesAreRefused() {
    assertThat(refusal(ErrorCode.PERMISSION_DENIED, () -> verifier.verify(null, STAT, NOW))).contains("no credential");
    assertThat(refusal(ErrorCode.PERMISSION_DENIED, () -> verifier.verify("", STAT, NOW))).contains("no credential");
    String good = CallSigner.forCluster(secret).sign(STAT, NOW);
    String[] fields = good.split("\\.");
    for (String bad : new String[] {"garbage", "v1....", good + ".", "v2" + good.substring(2),
        String.join(".", fields[0], "admin", fields[2], fields[3], fields[4]),
        String.join(".", fields[0], fields[1], "-5", fields[3], fields[4]),
        String.join(".", fields[0], fields[1], "+" + fields[2], fields[3], fields[4]),
        String.join(".", fields[0], fields[1], fields[2], fields[4]),
        String.join(".", fields[0], fields[1], "9".repeat(30), fields[3], fields[4]),
        String.join(".", fields[0], fields[1], fields[2], fields[3], fields[4].substring(1)),
        String.join(".", fields[0], fields[1], fields[2], fields[3], "!!" + fields[4].substring(2)),
        good + "x".repeat(200)}) {
      assertThat(refusal(ErrorCode.PERMISSION_DENIED, () -> verifier.verify(bad, STAT, NOW)))
          .as(bad).containsAnyOf("malformed", "bad signature").doesNotContain(fields[4]);
    }
  }

  @Test
  void loadSignsWithTheRoleOfTheFileItIsGiven() {
    ClusterSecret onDisk = ClusterSecret.createIn(dir);
    Path readOnlyFile = dir.resolve("read-only.credential");
    onDisk.readOnlyCredential().writeTo(readOnlyFile);
    CallVerifier master = new CallVerifier(onDisk, CallVerifier.WINDOW_DEFAULT);

    CallSigner cluster = CallSigner.load(dir.resolve(ClusterSecret.FILE_NAME));
    CallSigner readOnly = CallSigner.load(readOnlyFile);

    assertThat(cluster.role()).isEqualTo(Role.CLUSTER);
    assertThat(readOnly.role()).isEqualTo(Role.READ_ONLY);
    assertThat(master.verify(cluster.sign(STAT, NOW), STAT, NOW)).isEqualTo(Role.CLUSTER);
    assertThat(master.verify(readOnly.sign(STAT, NOW), STAT, NOW)).isEqualTo(Role.READ_ONLY);
    assertThat(cluster.toString()).isEqualTo("CallSigner[cluster]");
  }
}
