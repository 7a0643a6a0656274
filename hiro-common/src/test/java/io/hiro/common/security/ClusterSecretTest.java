package io.hiro.common.security;

import static io.hiro.common.security.SecurityAssertions.chmod;
import static io.hiro.common.security.SecurityAssertions.permissions;
import static io.hiro.common.security.SecurityAssertions.refusal;
import static org.assertj.core.api.Assertions.assertThat;

import io.hiro.common.ErrorCode;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HexFormat;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

@Timeout(30)
class ClusterSecretTest {
  private static final String HEX = "00112233445566778899aabbccddeeff00112233445566778899aabbccddeeff";

  @TempDir Path dir;

  @Test
  void createInWritesAnOwnerOnlyFileInAnOwnerOnlyDataDir() throws Exception {
    Path dataDir = dir.resolve("hiro-data").resolve("master");
    ClusterSecret created = ClusterSecret.createIn(dataDir);

    Path file = dataDir.resolve(ClusterSecret.FILE_NAME);
    assertThat(permissions(file)).isEqualTo("rw-------");
    assertThat(permissions(dataDir)).isEqualTo("rwx------");
    assertThat(permissions(dataDir.getParent())).isEqualTo("rwx------");
    assertThat(Files.readString(file)).matches("[0-9a-f]{64}\n");
    assertThat(ClusterSecret.load(file).key(ClusterSecret.Purpose.PIECE_TOKENS))
        .isEqualTo(created.key(ClusterSecret.Purpose.PIECE_TOKENS));
    try (var entries = Files.list(dataDir)) {
      assertThat(entries).as("no temp file left behind").containsExactly(file);
    }
  }

  @Test
  void createInLeavesAnExistingDirectoryAsItWas() {
    chmod(dir, "rwxr-xr-x");
    ClusterSecret.createIn(dir);
    assertThat(permissions(dir)).isEqualTo("rwxr-xr-x");
  }

  @Test
  void createInRefusesToOverwriteAnExistingSecret() throws Exception {
    ClusterSecret.createIn(dir);
    String before = Files.readString(dir.resolve(ClusterSecret.FILE_NAME));

    String message = refusal(ErrorCode.ALREADY_EXISTS, () -> ClusterSecret.createIn(dir));

    assertThat(message).contains(ClusterSecret.FILE_NAME).contains("never overwrites");
    assertThat(Files.readString(dir.resolve(ClusterSecret.FILE_NAME))).isEqualTo(before);
  }

  @Test
  void loadOrCreateInCreatesTheFirstTimeAndLoadsAfter() {
    ClusterSecret first = ClusterSecret.loadOrCreateIn(dir);
    ClusterSecret second = ClusterSecret.loadOrCreateIn(dir);
    assertThat(second.fingerprint()).isEqualTo(first.fingerprint());
  }

  @Test
  void loadRefusesAFileThatGroupOrOthersMayReadAndSaysHowToFixIt() {
    ClusterSecret.createIn(dir);
    Path file = dir.resolve(ClusterSecret.FILE_NAME);
    for (String open : new String[] {"rw-r-----", "rw----r--", "rw-----w-", "rw-rw-rw-"}) {
      chmod(file, open);
      String message = refusal(ErrorCode.FAILED_PRECONDITION, () -> ClusterSecret.load(file));
      assertThat(message).contains("chmod 600 " + file).contains(open);
    }
    chmod(file, "r--------");
    ClusterSecret.load(file);
  }

  @Test
  void loadRefusesMalformedContentWithoutEchoingIt() throws Exception {
    Path file = dir.resolve("bad.secret");
    for (String content : new String[] {"", "\n", HEX.substring(1), HEX + "0", HEX.replace('a', 'g'),
        HEX + " " + HEX, "password123"}) {
      Files.deleteIfExists(file);
      OwnerOnlyFiles.writeNew(file, content.getBytes(StandardCharsets.US_ASCII), "test file");
      String message = refusal(ErrorCode.INVALID_ARGUMENT, () -> ClusterSecret.load(file));
      assertThat(message).contains("malformed").contains(file.toString());
      if (!content.isBlank()) {
        assertThat(message).doesNotContain(content.strip());
      }
    }
  }

  @Test
  void loadRefusesAFileTooLargeToBeASecret() {
    Path file = dir.resolve("huge");
    OwnerOnlyFiles.writeNew(file, new byte[OwnerOnlyFiles.SECRET_FILE_MAX_BYTES + 1], "test file");
    assertThat(refusal(ErrorCode.INVALID_ARGUMENT, () -> ClusterSecret.load(file))).contains("larger than");
  }

  @Test
  void loadOfAMissingFileIsNotFound() {
    assertThat(refusal(ErrorCode.NOT_FOUND, () -> ClusterSecret.load(dir.resolve("nope")))).contains("does not exist");
  }

  @Test
  void loadRefusesAReadOnlyCredentialAndSaysWhatItIs() {
    Path file = dir.resolve("media-player.credential");
    ClusterSecret.createIn(dir).readOnlyCredential().writeTo(file);
    assertThat(refusal(ErrorCode.INVALID_ARGUMENT, () -> ClusterSecret.load(file))).contains("read-only credential");
  }

  @Test
  void theEnvironmentValueGivesTheSameKeysAsTheFile() throws Exception {
    ClusterSecret fromFile = ClusterSecret.createIn(dir);
    String value = Files.readString(dir.resolve(ClusterSecret.FILE_NAME));
    ClusterSecret fromEnvironment = ClusterSecret.fromEnvironment(value);
    for (ClusterSecret.Purpose purpose : ClusterSecret.Purpose.values()) {
      assertThat(fromEnvironment.key(purpose)).isEqualTo(fromFile.key(purpose));
    }
    assertThat(refusal(ErrorCode.INVALID_ARGUMENT, () -> ClusterSecret.fromEnvironment(" ")))
        .contains(ClusterSecret.ENVIRONMENT_VARIABLE);
    assertThat(refusal(ErrorCode.INVALID_ARGUMENT, () -> ClusterSecret.fromEnvironment("abc")))
        .contains(ClusterSecret.ENVIRONMENT_VARIABLE).doesNotContain("abc");
  }

  @Test
  void eachPurposeKeyIsHmacSha256OfItsLabel() throws Exception {
    ClusterSecret secret = ClusterSecret.fromEnvironment(HEX);
    Mac mac = Mac.getInstance("HmacSHA256");
    mac.init(new SecretKeySpec(HexFormat.of().parseHex(HEX), "HmacSHA256"));
    for (ClusterSecret.Purpose purpose : ClusterSecret.Purpose.values()) {
      byte[] expected = mac.doFinal(("hiro v1 " + purpose.label()).getBytes(StandardCharsets.US_ASCII));
      assertThat(secret.key(purpose)).as(purpose.name()).isEqualTo(expected);
    }
    assertThat(secret.key(ClusterSecret.Purpose.PIECE_TOKENS))
        .isNotEqualTo(secret.key(ClusterSecret.Purpose.CLUSTER_CALLS))
        .isNotEqualTo(secret.key(ClusterSecret.Purpose.READ_ONLY_CALLS));
  }

  @Test
  void toStringShowsNeitherTheSecretNorAnyKey() {
    ClusterSecret secret = ClusterSecret.fromEnvironment(HEX);
    String shown = secret.toString() + secret.readOnlyCredential();
    assertThat(shown).doesNotContain(HEX).doesNotContain(HEX.substring(0, 8)).contains(secret.fingerprint());
    for (ClusterSecret.Purpose purpose : ClusterSecret.Purpose.values()) {
      if (purpose != ClusterSecret.Purpose.FINGERPRINT) {
        assertThat(shown).doesNotContain(HexFormat.of().formatHex(secret.key(purpose), 0, 4));
      }
    }
  }

  @Test
  void aReadOnlyCredentialRoundTripsThroughItsOwnerOnlyFile() throws Exception {
    ClusterSecret secret = ClusterSecret.createIn(dir);
    Path file = dir.resolve("backup").resolve("read-only.credential");
    secret.readOnlyCredential().writeTo(file);

    assertThat(permissions(file)).isEqualTo("rw-------");
    assertThat(Files.readString(file)).startsWith(ReadOnlyCredential.PREFIX)
        .doesNotContain(Files.readString(dir.resolve(ClusterSecret.FILE_NAME)).strip());
    assertThat(ReadOnlyCredential.load(file).key()).isEqualTo(secret.key(ClusterSecret.Purpose.READ_ONLY_CALLS));
    assertThat(refusal(ErrorCode.ALREADY_EXISTS, () -> secret.readOnlyCredential().writeTo(file))).contains(file.toString());
    chmod(file, "rw-r--r--");
    assertThat(refusal(ErrorCode.FAILED_PRECONDITION, () -> ReadOnlyCredential.load(file))).contains("chmod 600");
  }

  @Test
  void aClusterSecretFileIsNotAReadOnlyCredential() {
    ClusterSecret.createIn(dir);
    assertThat(refusal(ErrorCode.INVALID_ARGUMENT, () -> ReadOnlyCredential.load(dir.resolve(ClusterSecret.FILE_NAME))))
        .contains("not a read-only credential");
  }
}
