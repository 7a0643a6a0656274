package io.hiro.app.security;

import static org.assertj.core.api.Assertions.assertThat;

import io.hiro.app.Main;
import io.hiro.common.ErrorCode;
import io.hiro.common.cli.CliErrors;
import io.hiro.common.security.CallSigner;
import io.hiro.common.security.ClusterSecret;
import io.hiro.common.security.ReadOnlyCredential;
import io.hiro.common.security.Role;
import io.hiro.common.security.TlsFiles;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** 'hiro secret' and 'hiro cert' run in-process, as Main runs them, on files in a temp dir. */
@Timeout(60)
class SecurityCommandsTest {
  @TempDir Path dir;

  record Run(int exitCode, String out, String err) {}

  private static Run hiro(String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    int exitCode = CliErrors.install(Main.commandLine())
        .setOut(new PrintWriter(out)).setErr(new PrintWriter(err)).execute(args);
    return new Run(exitCode, out.toString(), err.toString());
  }

  @Test
  void secretInitWritesAnOwnerOnlySecretInTheDataDirAndNeverPrintsIt() throws Exception {
    Path data = dir.resolve("master-data");
    Run run = hiro("secret", "init", "--data", data.toString());

    Path file = data.resolve(ClusterSecret.FILE_NAME);
    assertThat(run.exitCode()).as(run.err()).isZero();
    assertThat(run.out()).contains(file.toAbsolutePath().toString()).contains("--secret-file");
    assertThat(run.out() + run.err()).doesNotContain(Files.readString(file).strip());
    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file))).isEqualTo("rw-------");
    assertThat(run.out()).contains(ClusterSecret.load(file).fingerprint());
  }

  @Test
  void secretInitRefusesToReplaceASecret() throws Exception {
    Path file = dir.resolve("cluster.secret");
    assertThat(hiro("secret", "init", "--out", file.toString()).exitCode()).isZero();
    String before = Files.readString(file);

    Run again = hiro("secret", "init", "--out", file.toString());

    assertThat(again.exitCode()).isEqualTo(ErrorCode.ALREADY_EXISTS.exitCode());
    assertThat(again.err()).startsWith("hiro: cluster secret file " + file.toAbsolutePath() + " already exists")
        .hasLineCount(1);
    assertThat(Files.readString(file)).isEqualTo(before);
  }

  @Test
  void secretInitTakesADataDirOrAFileNotBoth() {
    Run run = hiro("secret", "init", "--data", dir.toString(), "--out", dir.resolve("f").toString());
    assertThat(run.exitCode()).isEqualTo(CliErrors.USAGE_EXIT_CODE);
    assertThat(run.err()).contains("mutually exclusive");
  }

  @Test
  void secretReadOnlyWritesACredentialThatSignsAsReadOnly() throws Exception {
    Path secret = dir.resolve("cluster.secret");
    Path credential = dir.resolve("media-player.credential");
    hiro("secret", "init", "--out", secret.toString());

    Run run = hiro("secret", "read-only", "--secret-file", secret.toString(), "--out", credential.toString());

    assertThat(run.exitCode()).as(run.err()).isZero();
    assertThat(run.out()).contains(credential.toAbsolutePath().toString()).contains("never change");
    assertThat(run.out()).doesNotContain(Files.readString(credential).strip().substring(ReadOnlyCredential.PREFIX.length()));
    assertThat(CallSigner.load(credential).role()).isEqualTo(Role.READ_ONLY);
    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(credential))).isEqualTo("rw-------");
  }

  @Test
  void secretReadOnlyRefusesASecretOthersMayReadAndNeedsOut() throws Exception {
    Path secret = dir.resolve("cluster.secret");
    hiro("secret", "init", "--out", secret.toString());
    Files.setPosixFilePermissions(secret, PosixFilePermissions.fromString("rw-r--r--"));

    Run run = hiro("secret", "read-only", "--secret-file", secret.toString(), "--out", dir.resolve("c").toString());

    assertThat(run.exitCode()).isEqualTo(ErrorCode.FAILED_PRECONDITION.exitCode());
    assertThat(run.err()).contains("chmod 600 " + secret).hasLineCount(1);
    assertThat(dir.resolve("c")).doesNotExist();
    assertThat(hiro("secret", "read-only", "--secret-file", secret.toString()).exitCode())
        .isEqualTo(CliErrors.USAGE_EXIT_CODE);
  }

  @Test
  void certInitThenCertIssueTurnTlsOnInTwoCommands() throws Exception {
    Path certs = dir.resolve("hiro-certs");
    Run init = hiro("cert", "init", "--dir", certs.toString());
    Run issue = hiro("cert", "issue", "nas", "--host", "192.168.1.20,nas.home.arpa", "--host", "fd00::20",
        "--dir", certs.toString());

    assertThat(init.exitCode()).as(init.err()).isZero();
    assertThat(init.out()).contains("--tls-ca").contains("hiro cert issue NAME");
    assertThat(issue.exitCode()).as(issue.err()).isZero();
    assertThat(issue.out()).contains("nas, 192.168.1.20, nas.home.arpa, fd00::20, localhost, 127.0.0.1")
        .contains("--tls-cert " + certs.resolve("nas.pem"));
    TlsFiles files = TlsFiles.of(certs.resolve("nas.pem"), certs.resolve("nas.key"), certs.resolve("ca.pem"));
    assertThat(files.hasKeyPair()).isTrue();
  }

  @Test
  void certCommandsRefuseWithClearExitCodes() {
    Path certs = dir.resolve("hiro-certs");
    Run noCa = hiro("cert", "issue", "w1", "--dir", certs.toString());
    assertThat(noCa.exitCode()).isEqualTo(ErrorCode.NOT_FOUND.exitCode());
    assertThat(noCa.err()).contains("hiro cert init").hasLineCount(1);

    hiro("cert", "init", "--dir", certs.toString());
    assertThat(hiro("cert", "init", "--dir", certs.toString()).exitCode()).isEqualTo(ErrorCode.ALREADY_EXISTS.exitCode());
    Run badName = hiro("cert", "issue", "../escape", "--dir", certs.toString());
    assertThat(badName.exitCode()).isEqualTo(ErrorCode.INVALID_ARGUMENT.exitCode());
    assertThat(badName.err()).contains("node name '../escape' is not allowed");
    assertThat(dir.resolve("escape.pem")).doesNotExist();
    Run badHost = hiro("cert", "issue", "w1", "--host", "not a host", "--dir", certs.toString());
    assertThat(badHost.exitCode()).isEqualTo(ErrorCode.INVALID_ARGUMENT.exitCode());
    assertThat(hiro("cert", "issue", "--dir", certs.toString()).exitCode()).isEqualTo(CliErrors.USAGE_EXIT_CODE);
  }
}
