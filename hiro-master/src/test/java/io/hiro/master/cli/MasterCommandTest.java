package io.hiro.master.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.hiro.common.HostPort;
import io.hiro.common.cli.CliErrors;
import io.hiro.common.security.CertificateAuthority;
import io.hiro.common.http.HttpPorts;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

@Timeout(value = 10, unit = TimeUnit.SECONDS)
class MasterCommandTest {
  @Test
  void optionsBecomeTheConfig() {
    MasterCommand command = new MasterCommand();
    new CommandLine(command).parseArgs("--port", "9000", "--bind", "127.0.0.1", "--workers", "h1:5050,h2:5051",
        "--data", "/tmp/m", "--heartbeat-interval", "1s", "--dead-after", "5s", "--replication", "2",
        "--piece-size", "1MiB", "--min-replicas", "1");

    var config = command.config();

    assertThat(config.port()).isEqualTo(9000);
    assertThat(config.bindHost()).isEqualTo("127.0.0.1");
    assertThat(config.expectedWorkers()).containsExactly(HostPort.parse("h1:5050"), HostPort.parse("h2:5051"));
    assertThat(config.dataDir()).isEqualTo(Path.of("/tmp/m"));
    assertThat(config.heartbeatInterval()).isEqualTo(Duration.ofSeconds(1));
    assertThat(config.deadAfter()).isEqualTo(Duration.ofSeconds(5));
    assertThat(config.defaultReplication()).isEqualTo(2);
    assertThat(config.defaultPieceSizeBytes()).isEqualTo(1L << 20);
    assertThat(config.minReplicas()).isEqualTo(1);
  }

  @Test
  void theSecretLivesInTheDataDirUnlessASecretFileIsGiven() {
    MasterCommand defaults = new MasterCommand(name -> null);
    new CommandLine(defaults).parseArgs("--data", "/tmp/m");
    MasterCommand given = new MasterCommand(name -> null);
    new CommandLine(given).parseArgs("--data", "/tmp/m", "--secret-file", "/etc/hiro/cluster.secret");

    assertThat(defaults.config().secretFile()).isEqualTo(Path.of("/tmp/m/cluster.secret"));
    assertThat(defaults.config().tls()).isNull();
    assertThat(given.config().secretFile()).isEqualTo(Path.of("/etc/hiro/cluster.secret"));
  }

  @Test
  void tlsFilesComeFromTheOptionsOrElseTheEnvironment(@TempDir Path dir) {
    CertificateAuthority authority = CertificateAuthority.init(dir);
    CertificateAuthority.IssuedCertificate master = authority.issue("master", List.of(), dir);
    Path ca = dir.resolve(CertificateAuthority.CERTIFICATE_FILE);
    Map<String, String> env = Map.of("HIRO_TLS_CERT", master.certificate().toString(),
        "HIRO_TLS_KEY", master.privateKey().toString(), "HIRO_TLS_CA", "/no/such/ca.pem");
    MasterCommand command = new MasterCommand(env::get);
    new CommandLine(command).parseArgs("--tls-ca", ca.toString());

    var tls = command.config().tls();

    assertThat(tls.certificate()).isEqualTo(master.certificate());
    assertThat(tls.privateKey()).isEqualTo(master.privateKey());
    assertThat(tls.certificateAuthority()).isEqualTo(ca);
  }

  @Test
  void aMasterWithACaButNoCertificateOfItsOwnIsInvalidInput(@TempDir Path dir) {
    CertificateAuthority.init(dir);
    StringWriter err = new StringWriter();
    CommandLine commandLine = CliErrors.install(new CommandLine(new MasterCommand(name -> null)))
        .setErr(new PrintWriter(err));

    int exit = commandLine.execute("--tls-ca", dir.resolve(CertificateAuthority.CERTIFICATE_FILE).toString());

    assertThat(exit).isEqualTo(3);
    assertThat(err.toString()).startsWith("hiro: ").contains("--tls-cert").hasLineCount(1);
  }

  @Test
  void theStatusPageListensBesideTheGrpcPortUnlessToldOtherwise() {
    assertThat(config().httpPort()).isEqualTo(8081);
    assertThat(config("--port", "9000").httpPort()).isEqualTo(9001);
    assertThat(config("--http-port", "0").httpPort()).isZero();
    assertThat(config("--http-port", "off").httpPort()).isEqualTo(HttpPorts.OFF);
  }

  private static io.hiro.master.config.MasterConfig config(String... args) {
    MasterCommand command = new MasterCommand();
    new CommandLine(command).parseArgs(args);
    return command.config();
  }

  @Test
  void badInputExitsWithTheInvalidArgumentCodeAndOneLine() {
    for (List<String> args : List.of(List.of("--dead-after", "soon"), List.of("--piece-size", "big"),
        List.of("--workers", "nohostport"), List.of("--replication", "40"), List.of("--http-port", "web"),
        List.of("--http-port", "8080"))) {
      StringWriter err = new StringWriter();
      CommandLine commandLine = CliErrors.install(new CommandLine(new MasterCommand())).setErr(new PrintWriter(err));

      int exit = commandLine.execute(args.toArray(String[]::new));

      assertThat(exit).as("exit code for %s", args).isEqualTo(3);
      assertThat(err.toString()).startsWith("hiro: ").hasLineCount(1);
    }
  }
}
