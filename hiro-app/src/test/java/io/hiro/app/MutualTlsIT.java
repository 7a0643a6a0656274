package io.hiro.app;

import static org.assertj.core.api.Assertions.assertThat;

import io.hiro.client.ClusterReport;
import io.hiro.client.FileInfo;
import io.hiro.client.HiroClient;
import io.hiro.common.cli.TlsOptions;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * A cluster of real processes on mutual TLS, with the CA and the certificates made by
 * {@code hiro cert init} and {@code hiro cert issue} as the README says: put and get work, a
 * re-replication copy from worker to worker works, and a client without a certificate from the
 * cluster's CA cannot connect.
 */
@Timeout(value = 240, unit = TimeUnit.SECONDS)
class MutualTlsIT {
  private static final int PERMISSION_DENIED = 10;

  @TempDir Path dir;

  private HiroCli.Result hiro(Map<String, String> env, String... args) {
    return HiroCli.run(dir, env, args);
  }

  private void madeBy(String... args) {
    HiroCli.Result result = hiro(Map.of(), args);
    assertThat(result.exitCode()).as(result.toString()).isZero();
  }

  @Test
  void putGetAndReReplicationRunOverMutualTlsAndAClientWithoutACertificateCannotConnect() throws IOException {
    Path certs = dir.resolve("cluster").resolve("certs");
    madeBy("cert", "init", "--dir", certs.toString());
    for (String node : List.of("master", "worker-1", "worker-2", "worker-3", "client")) {
      madeBy("cert", "issue", node, "--dir", certs.toString());
    }
    String ca = Files.readString(certs.resolve("ca.pem"));
    LocalCluster.Options options = new LocalCluster.Options(HiroCli.launcher(), 3, "500ms",
        List.of("--dead-after", "3s"), List.of()).withTls();

    try (LocalCluster cluster = LocalCluster.start(options, dir.resolve("cluster"))) {
      assertThat(Files.readString(certs.resolve("ca.pem"))).as("the cluster uses the CA made by hiro cert init")
          .isEqualTo(ca);
      assertThat(Files.readString(cluster.baseDir().resolve("master.log"), StandardCharsets.UTF_8))
          .contains("TLS cert", "peers must present a certificate").doesNotContain("not encrypted");
      Map<String, String> env = cluster.clientEnvironment();
      Path original = TestFiles.random(dir, "secret-plans.bin", 3_000_000, 21);

      HiroCli.Result put = hiro(env, "client", "put", original.toString(), "/plans.bin", "--replication", "2",
          "--piece-size", "1MiB");
      assertThat(put.exitCode()).as(put.toString()).isZero();
      assertGetMatches(env, original, "back1.bin");

      assertNoClientWithoutACertificateFromTheCaGetsIn(cluster, env);
      reReplicatesOverTlsAfterAWorkerDies(cluster);
      assertGetMatches(env, original, "back2.bin");
    }
  }

  private void assertGetMatches(Map<String, String> env, Path original, String name) {
    Path back = dir.resolve(name);
    HiroCli.Result get = hiro(env, "client", "get", "/plans.bin", back.toString());
    assertThat(get.exitCode()).as(get.toString()).isZero();
    assertThat(TestFiles.sameBytes(original, back)).isTrue();
  }

  private void assertNoClientWithoutACertificateFromTheCaGetsIn(LocalCluster cluster, Map<String, String> env) {
    Map<String, String> plaintext = new HashMap<>(env);
    plaintext.keySet().removeIf(name -> name.startsWith("HIRO_TLS_"));
    HiroCli.Result noTls = hiro(plaintext, "client", "mkdir", "/plaintext");
    assertThat(noTls.exitCode()).as(noTls.toString()).isNotZero();
    assertThat(noTls.stderr().strip()).startsWith("hiro: ").contains("--tls-cert").doesNotContain("\n");

    Map<String, String> caOnly = new HashMap<>(env);
    caOnly.remove(TlsOptions.CERTIFICATE_ENVIRONMENT_VARIABLE);
    caOnly.remove(TlsOptions.KEY_ENVIRONMENT_VARIABLE);
    HiroCli.Result noCertificate = hiro(caOnly, "client", "mkdir", "/no-certificate");
    assertThat(noCertificate.exitCode()).as(noCertificate.toString()).isEqualTo(PERMISSION_DENIED);
    assertThat(noCertificate.stderr().strip()).startsWith("hiro: TLS handshake").doesNotContain("\n");

    Path otherCa = dir.resolve("other-ca");
    madeBy("cert", "init", "--dir", otherCa.toString());
    madeBy("cert", "issue", "intruder", "--dir", otherCa.toString());
    Map<String, String> intruder = new HashMap<>(env);
    intruder.put(TlsOptions.CERTIFICATE_ENVIRONMENT_VARIABLE, otherCa.resolve("intruder.pem").toString());
    intruder.put(TlsOptions.KEY_ENVIRONMENT_VARIABLE, otherCa.resolve("intruder.key").toString());
    intruder.put(TlsOptions.CA_ENVIRONMENT_VARIABLE, otherCa.resolve("ca.pem").toString());
    HiroCli.Result otherCertificate = hiro(intruder, "client", "mkdir", "/other-ca");
    assertThat(otherCertificate.exitCode()).as(otherCertificate.toString()).isEqualTo(PERMISSION_DENIED);

    HiroCli.Result ls = hiro(env, "client", "ls", "/");
    assertThat(ls.exitCode()).as(ls.toString()).isZero();
    assertThat(ls.stdout().strip()).isEqualTo("plans.bin");
  }

  /** Kills a worker holding a replica; the master has the survivors copy the pieces, worker to worker, over TLS. */
  private static void reReplicatesOverTlsAfterAWorkerDies(LocalCluster cluster) {
    try (HiroClient client = cluster.client()) {
      FileInfo plans = client.stat("/plans.bin");
      String victim = plans.pieces().get(0).replicas().get(0).address();
      int index = 0;
      while (!cluster.workerAddress(index).toString().equals(victim)) {
        index++;
      }
      cluster.killWorker(index);
      Awaitility.await("every piece back at 2 live replicas").atMost(Duration.ofSeconds(90))
          .pollInterval(Duration.ofMillis(500)).until(() -> {
            ClusterReport report = client.report();
            // The victim itself dead: on a busy machine another worker can look dead for a moment too.
            return report.workers().stream().anyMatch(w -> w.address().equals(victim) && w.state().equals("dead"))
                && report.underReplicatedPieces() == 0 && report.pendingCopies() == 0;
          });
      ClusterReport after = client.report();
      assertThat(client.stat("/plans.bin").pieces()).as("replicas after killing %s (worker %d); cluster: %s", victim,
          index, after.workers()).allSatisfy(piece -> assertThat(piece.replicas())
          .hasSize(2).noneMatch(replica -> replica.address().equals(victim)));
    }
  }
}
