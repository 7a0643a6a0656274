package io.hiro.app;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code kill -9} of a client in the middle of a put: nothing becomes visible, and the replicas it
 * had already stored are collected once the upload expires.
 */
@Timeout(value = 180, unit = TimeUnit.SECONDS)
class ClientCrashIT {
  @TempDir Path dir;

  @Test
  void anInterruptedPutLeavesNothingVisibleAndItsReplicasAreCollected() throws IOException {
    LocalCluster.Options options = new LocalCluster.Options(HiroCli.launcher(), 3, "500ms",
        List.of("--upload-expiry", "5s"), List.of());
    try (LocalCluster cluster = LocalCluster.start(options, dir.resolve("cluster"))) {
      Path big = TestFiles.random(dir, "big.bin", 400L << 20, 5);
      ProcessBuilder builder = new ProcessBuilder(HiroCli.BIN_HIRO.toString(), "client", "put", big.toString(),
          "/interrupted.bin", "--piece-size", "4MiB", "-m", cluster.masterAddress().toString())
          .redirectErrorStream(true).redirectOutput(dir.resolve("put.log").toFile());
      builder.environment().putAll(cluster.clientEnvironment());
      Process put = builder.start();
      Awaitility.await("some replicas stored").atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(20))
          .until(() -> !SoakFaults.replicaFiles(cluster.workerDataDir(0)).isEmpty() || !put.isAlive());
      assertThat(put.isAlive()).as("the put was still running when it was killed").isTrue();
      put.destroyForcibly();
      put.onExit().join();

      HiroCli.Result ls = HiroCli.run(dir, cluster.clientEnvironment(), "client", "ls", "/");
      assertThat(ls.exitCode()).as(ls.toString()).isZero();
      assertThat(ls.stdout()).doesNotContain("interrupted.bin");
      Awaitility.await("replicas of the expired upload collected").atMost(Duration.ofSeconds(60))
          .pollInterval(Duration.ofMillis(200))
          // Files with bytes: replicas, and writes the kill cut short (a worker deletes those when the stream fails).
          .until(() -> SoakFaults.replicaFiles(cluster.workerDataDir(0)).isEmpty()
              && SoakFaults.replicaFiles(cluster.workerDataDir(1)).isEmpty()
              && SoakFaults.replicaFiles(cluster.workerDataDir(2)).isEmpty());
    }
  }
}
