package io.hiro.app;

import static org.assertj.core.api.Assertions.assertThat;

import io.hiro.client.ClientSecurity;
import io.hiro.client.HiroClient;
import io.hiro.common.HostPort;
import io.hiro.common.security.ClusterSecret;
import io.hiro.common.security.SecretLookup;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The cluster secret on real {@code bin/hiro} processes: who is let in, who is refused with exit
 * code 10, and that a refusal changes nothing. Also the README's quick start, which needs no secret
 * option when the three commands run in one directory.
 */
@Timeout(value = 240, unit = TimeUnit.SECONDS)
class SecurityIT {
  private static final int PERMISSION_DENIED = 10;

  @TempDir static Path dir;
  private static LocalCluster cluster;
  private static Path original;
  private static Path otherSecret;
  private static Path emptyHome;

  @BeforeAll
  static void startCluster() throws IOException {
    cluster = LocalCluster.start(HiroCli.launcher(), dir.resolve("cluster"), 2, "500ms");
    original = TestFiles.random(dir, "photo.jpg", 300_000, 11);
    HiroCli.Result put = HiroCli.run(dir, cluster.clientEnvironment(), "client", "put", original.toString(),
        "/photos/photo.jpg");
    assertThat(put.exitCode()).as(put.toString()).isZero();
    otherSecret = dir.resolve("other-cluster.secret");
    ClusterSecret.createAt(otherSecret);
    emptyHome = Files.createDirectories(dir.resolve("empty-home"));
  }

  @AfterAll
  static void stopCluster() {
    if (cluster != null) {
      cluster.close();
    }
  }

  /** The cluster's environment with HIRO_SECRET_FILE replaced by {@code secretFile} (null: no secret at all). */
  private static Map<String, String> envWith(Path secretFile) {
    Map<String, String> env = new HashMap<>(cluster.clientEnvironment());
    env.remove(SecretLookup.FILE_ENVIRONMENT_VARIABLE);
    if (secretFile != null) {
      env.put(SecretLookup.FILE_ENVIRONMENT_VARIABLE, secretFile.toString());
    }
    // Java takes the home directory from the password database, not from $HOME.
    env.put("HIRO_JAVA_OPTS", "-Duser.home=" + emptyHome);
    return env;
  }

  private static Path emptyDir(String name) {
    try {
      return Files.createDirectories(dir.resolve(name));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static void assertRefused(HiroCli.Result result, String... messageParts) {
    assertThat(result.exitCode()).as(result.toString()).isEqualTo(PERMISSION_DENIED);
    assertThat(result.stderr().strip()).as(result.toString()).startsWith("hiro: ").doesNotContain("\n")
        .contains(messageParts);
  }

  /** A daemon logs to stderr as well: its error is the one line there that starts with "hiro: ". */
  private static void assertDaemonRefused(HiroCli.Result result, String... messageParts) {
    assertThat(result.exitCode()).as(result.toString()).isEqualTo(PERMISSION_DENIED);
    assertThat(result.stderr().lines().filter(line -> line.startsWith("hiro: "))).as(result.toString())
        .singleElement().satisfies(line -> assertThat(line).contains(messageParts));
  }

  private static String listing(String path) {
    HiroCli.Result ls = HiroCli.run(dir, cluster.clientEnvironment(), "client", "ls", "-l", path);
    assertThat(ls.exitCode()).as(ls.toString()).isZero();
    return ls.stdout();
  }

  @Test
  void aWorkerWithAnotherClustersSecretIsRefusedExitsWithTenAndTheMasterLogsWhoTried() {
    HiroCli.Result worker = HiroCli.run(emptyDir("rogue-worker"), envWith(otherSecret), "worker", "--port", "0",
        "--bind", "127.0.0.1", "--master", cluster.masterAddress().toString(), "--secret-file", otherSecret.toString(),
        "--data", dir.resolve("rogue-data").toString(), "--heartbeat-interval", "200ms");

    assertDaemonRefused(worker, "refused", "bad signature", "--secret-file");
    Path masterLog = cluster.baseDir().resolve("master.log");
    Awaitility.await("the refusal in the master's log").atMost(Duration.ofSeconds(10))
        .until(() -> Files.readString(masterLog, StandardCharsets.UTF_8).lines().anyMatch(line ->
            line.contains("WARN") && line.contains("refused hiro.v1.ClusterService/Register from /127.0.0.1:")
                && line.contains("bad signature")));
    try (HiroClient client = cluster.client()) {
      assertThat(client.report().workers()).hasSize(2);
    }
  }

  @Test
  void aWorkerWithNoSecretAtAllSaysWhichFileToCopyAndExitsWithTen() {
    HiroCli.Result worker = HiroCli.run(emptyDir("lost-worker"), envWith(null), "worker", "--port", "0",
        "--bind", "127.0.0.1", "--master", cluster.masterAddress().toString(), "--data",
        dir.resolve("lost-data").toString());

    assertDaemonRefused(worker, "no cluster secret", "cluster.secret", "--secret-file");
  }

  @Test
  void aClientWithoutOrWithAWrongSecretExitsWithTenAndChangesNothing() {
    Path local = TestFiles.random(dir, "intruder.bin", 1000, 12);
    String before = listing("/");

    assertRefused(HiroCli.run(emptyDir("stranger"), envWith(null), "client", "mkdir", "/intruder"),
        "no cluster secret", "--secret-file");
    assertRefused(HiroCli.run(emptyDir("stranger"), envWith(null), "client", "ls", "/"), "no cluster secret");
    assertRefused(HiroCli.run(dir, envWith(otherSecret), "client", "mkdir", "/intruder"), "bad signature");
    assertRefused(HiroCli.run(dir, envWith(otherSecret), "client", "put", local.toString(), "/intruder.bin"),
        "bad signature");
    assertRefused(HiroCli.run(dir, envWith(otherSecret), "client", "rm", "-r", "/photos"), "bad signature");
    assertRefused(HiroCli.run(dir, envWith(otherSecret), "client", "get", "/photos/photo.jpg",
        dir.resolve("stolen.jpg").toString()), "bad signature");

    assertThat(listing("/")).isEqualTo(before);
    assertThat(dir.resolve("stolen.jpg")).doesNotExist();
  }

  @Test
  void aReadOnlyCredentialMayListStatAndGetButNotPutRmMkdirOrMv() {
    Path credential = dir.resolve("player.credential");
    HiroCli.Result made = HiroCli.run(dir, Map.of(), "secret", "read-only", "--secret-file",
        cluster.secretFile().toString(), "--out", credential.toString());
    assertThat(made.exitCode()).as(made.toString()).isZero();
    Map<String, String> player = envWith(credential);
    String rootBefore = listing("/");
    String before = listing("/photos");

    assertThat(HiroCli.run(dir, player, "client", "ls", "/photos").stdout()).contains("photo.jpg");
    assertThat(HiroCli.run(dir, player, "client", "stat", "/photos/photo.jpg").stdout()).contains("300000");
    Path back = dir.resolve("played.jpg");
    HiroCli.Result get = HiroCli.run(dir, player, "client", "get", "/photos/photo.jpg", back.toString());
    assertThat(get.exitCode()).as(get.toString()).isZero();
    assertThat(TestFiles.sameBytes(original, back)).isTrue();
    assertThat(HiroCli.run(dir, player, "admin", "report").exitCode()).isZero();

    List<List<String>> changes = new ArrayList<>(List.of(
        List.of("client", "put", original.toString(), "/photos/copy.jpg"),
        List.of("client", "rm", "/photos/photo.jpg"),
        List.of("client", "mkdir", "/music"),
        List.of("client", "mv", "/photos/photo.jpg", "/photo.jpg")));
    for (List<String> change : changes) {
      assertRefused(HiroCli.run(dir, player, change.toArray(String[]::new)), "read-only");
    }
    assertThat(listing("/photos")).isEqualTo(before);
    assertThat(listing("/")).isEqualTo(rootBefore);
  }

  @Test
  void theQuickStartNeedsNoSecretOptionWhenTheThreeCommandsRunInOneDirectory() throws Exception {
    Path here = emptyDir("quick-start");
    int masterPort = LoopbackPorts.free();
    int workerPort = LoopbackPorts.free();
    List<Process> daemons = new ArrayList<>();
    try {
      // The worker first, as when both start at once and the worker wins the race: it waits for the
      // secret of the master starting in the same directory rather than exit.
      Process worker = daemon(here, "worker", "worker", "--port", Integer.toString(workerPort), "--bind",
          "127.0.0.1", "--master", "127.0.0.1:" + masterPort, "--heartbeat-interval", "500ms");
      daemons.add(worker);
      Path workerLog = here.resolve("worker.log");
      Awaitility.await("the worker waiting for the secret, or gone").atMost(Duration.ofSeconds(60))
          .until(() -> !worker.isAlive()
              || Files.readString(workerLog, StandardCharsets.UTF_8).contains("waiting up to"));
      assertThat(worker.isAlive()).as(Files.readString(workerLog, StandardCharsets.UTF_8)).isTrue();
      daemons.add(daemon(here, "master", "master", "--port", Integer.toString(masterPort), "--bind", "127.0.0.1",
          "--heartbeat-interval", "500ms"));
      Path secret = here.resolve(SecretLookup.MASTER_DEFAULT_FILE);
      Awaitility.await("the master's secret").atMost(Duration.ofSeconds(60)).until(() -> Files.exists(secret));
      try (HiroClient client = HiroClient.connect(new HostPort("127.0.0.1", masterPort),
          ClientSecurity.of(ClusterSecret.load(secret)))) {
        Awaitility.await("the worker live").atMost(Duration.ofSeconds(60)).ignoreExceptions()
            .until(() -> client.report().workers().stream().anyMatch(w -> w.state().equals("live")));
      }

      Path text = Files.writeString(here.resolve("ipsum.text"), "lorem ipsum\n");
      HiroCli.Result put = HiroCli.run(here, Map.of("HIRO_JAVA_OPTS", "-Duser.home=" + emptyHome), "client", "put",
          text.toString(), "-m", "127.0.0.1:" + masterPort);

      assertThat(put.exitCode()).as(put.toString()).isZero();
      assertThat(put.stdout()).contains("/ipsum.text");
    } finally {
      daemons.forEach(Process::destroy);
      for (Process daemon : daemons) {
        daemon.waitFor(10, TimeUnit.SECONDS);
      }
    }
  }

  /** Starts {@code bin/hiro args} in {@code workDir}, logging to {@code name.log} there. */
  private static Process daemon(Path workDir, String name, String... args) throws IOException {
    List<String> command = new ArrayList<>(HiroCli.launcher());
    command.addAll(List.of(args));
    ProcessBuilder builder = new ProcessBuilder(command).directory(workDir.toFile()).redirectErrorStream(true)
        .redirectOutput(workDir.resolve(name + ".log").toFile());
    builder.environment().keySet().removeIf(variable -> variable.startsWith("HIRO_"));
    builder.environment().put("HIRO_JAVA_OPTS", "-Duser.home=" + emptyHome);
    return builder.start();
  }
}
