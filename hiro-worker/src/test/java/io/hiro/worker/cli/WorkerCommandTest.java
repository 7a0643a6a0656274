package io.hiro.worker.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.hiro.common.ErrorCode;
import io.hiro.common.HiroException;
import io.hiro.common.HostPort;
import io.hiro.common.cli.CliErrors;
import io.hiro.common.security.CertificateAuthority;
import io.hiro.common.security.ClusterSecret;
import io.hiro.worker.config.WorkerConfig;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import io.hiro.common.http.HttpPorts;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

@Timeout(10)
class WorkerCommandTest {
  private static final String SECRET_HEX = "00112233445566778899aabbccddeeff00112233445566778899aabbccddeeff";

  /** Parses with {@code env}, plus a secret in HIRO_SECRET unless {@code env} gives one. */
  private static WorkerConfig parse(Map<String, String> env, String... args) {
    Map<String, String> all = new HashMap<>(env);
    if (!all.containsKey("HIRO_SECRET_FILE")) {
      all.putIfAbsent("HIRO_SECRET", SECRET_HEX);
    }
    WorkerCommand command = new WorkerCommand(all::get);
    new CommandLine(command).parseArgs(args);
    return command.config();
  }

  @Test
  void optionsBecomeTheConfig() {
    WorkerConfig config = parse(Map.of(), "--port", "5051", "--master", "10.0.0.1:8080", "--data", "/tmp/w",
        "--bind", "127.0.0.1", "--advertise-host", "nas.local", "--heartbeat-interval", "500ms", "--capacity", "100GiB",
        "--copy-bandwidth", "20MiB", "--scrub-rate", "0", "--scrub-interval", "6h");

    assertThat(config.port()).isEqualTo(5051);
    assertThat(config.master()).isEqualTo(new HostPort("10.0.0.1", 8080));
    assertThat(config.dataDir()).isEqualTo(Path.of("/tmp/w"));
    assertThat(config.bindHost()).isEqualTo("127.0.0.1");
    assertThat(config.advertiseHost()).isEqualTo("nas.local");
    assertThat(config.heartbeatInterval()).isEqualTo(Duration.ofMillis(500));
    assertThat(config.capacityBytes()).isEqualTo(100L << 30);
    assertThat(config.copyBandwidthBytesPerSecond()).isEqualTo(20L << 20);
    assertThat(config.scrubBytesPerSecond()).isZero();
    assertThat(config.scrubInterval()).isEqualTo(Duration.ofHours(6));
  }

  @Test
  void selfHealingOptionsHaveTheirDefaults() {
    WorkerConfig config = parse(Map.of(), "--master", "10.0.0.1:8080");

    assertThat(config.copyBandwidthBytesPerSecond()).isEqualTo(100L << 20);
    assertThat(config.scrubBytesPerSecond()).isEqualTo(16L << 20);
    assertThat(config.scrubInterval()).isEqualTo(Duration.ofHours(24));
  }

  @Test
  void metricsListenAThousandAboveTheDataPortUnlessToldOtherwise() {
    assertThat(parse(Map.of(), "--master", "m:8080").httpPort()).isEqualTo(6050);
    assertThat(parse(Map.of(), "--master", "m:8080", "--port", "5051").httpPort()).isEqualTo(6051);
    assertThat(parse(Map.of(), "--master", "m:8080", "--http-port", "9100").httpPort()).isEqualTo(9100);
    assertThat(parse(Map.of(), "--master", "m:8080", "--http-port", "off").httpPort()).isEqualTo(HttpPorts.OFF);
    assertThatThrownBy(() -> parse(Map.of(), "--master", "m:8080", "--http-port", "5050"))
        .isInstanceOf(HiroException.class).hasMessageContaining("data port too");
  }

  @Test
  void masterComesFromTheEnvironmentAndDataDirDefaultsByPort() {
    WorkerConfig config = parse(Map.of("HIRO_MASTER", "master.local:8080"), "--port", "6000");

    assertThat(config.master()).isEqualTo(new HostPort("master.local", 8080));
    assertThat(config.dataDir()).isEqualTo(Path.of("hiro-data", "worker-6000").toAbsolutePath());
  }

  @Test
  void theSecretComesFromTheSecretFileOptionBeforeTheEnvironment(@TempDir Path dir) {
    ClusterSecret inFile = ClusterSecret.createAt(dir.resolve("cluster.secret"));

    WorkerConfig config = parse(Map.of(), "--master", "h:1", "--secret-file", dir.resolve("cluster.secret").toString());

    assertThat(config.secret().fingerprint()).isEqualTo(inFile.fingerprint())
        .isNotEqualTo(ClusterSecret.fromEnvironment(SECRET_HEX).fingerprint());
    assertThat(config.tls()).isNull();
    assertThat(config.toString()).contains(inFile.fingerprint()).doesNotContain(SECRET_HEX);
  }

  @Test
  void aReadOnlyCredentialCannotRunAWorker(@TempDir Path dir) {
    Path credential = dir.resolve("player.credential");
    ClusterSecret.fromEnvironment(SECRET_HEX).readOnlyCredential().writeTo(credential);

    assertThatThrownBy(() -> parse(Map.of("HIRO_SECRET_FILE", credential.toString()), "--master", "h:1"))
        .isInstanceOf(HiroException.class).hasMessageContaining("read-only credential");
  }

  @Test
  void tlsFilesComeFromTheOptions(@TempDir Path dir) {
    CertificateAuthority authority = CertificateAuthority.init(dir);
    CertificateAuthority.IssuedCertificate worker = authority.issue("worker", List.of(), dir);
    Path ca = dir.resolve(CertificateAuthority.CERTIFICATE_FILE);

    WorkerConfig config = parse(Map.of(), "--master", "h:1", "--tls-cert", worker.certificate().toString(),
        "--tls-key", worker.privateKey().toString(), "--tls-ca", ca.toString());

    assertThat(config.tls().certificate()).isEqualTo(worker.certificate());
    assertThat(config.tls().certificateAuthority()).isEqualTo(ca);
  }

  @Test
  void missingMasterIsInvalidInput() {
    assertThatThrownBy(() -> parse(Map.of())).isInstanceOf(HiroException.class)
        .satisfies(e -> assertThat(((HiroException) e).code()).isEqualTo(ErrorCode.INVALID_ARGUMENT))
        .hasMessageContaining("--master");
  }

  @Test
  void badDurationExitsWithTheInvalidInputCodeAndOneLine() {
    StringWriter err = new StringWriter();
    CommandLine line = CliErrors.install(new CommandLine(new WorkerCommand(name -> null)));
    line.setErr(new PrintWriter(err));

    int exit = line.execute("--master", "127.0.0.1:1", "--heartbeat-interval", "soon");

    assertThat(exit).isEqualTo(ErrorCode.INVALID_ARGUMENT.exitCode());
    assertThat(err.toString()).startsWith("hiro: duration 'soon'").hasLineCount(1);
  }
}
