package io.hiro.app;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Flow control end to end: with a 64 MiB heap in the client and in every worker, a file whose
 * pieces are 4x larger than that heap still goes through the chain and comes back. A daemon that
 * buffered a piece, or a client that ran ahead of its workers, would die of OutOfMemoryError.
 */
@Timeout(value = 300, unit = TimeUnit.SECONDS)
class BoundedMemoryIT {
  private static final String SMALL_HEAP = "-Xmx64m -XX:MaxDirectMemorySize=64m -XX:+ExitOnOutOfMemoryError";

  @TempDir Path dir;

  @Test
  void piecesFourTimesLargerThanTheHeapStreamThroughClientAndWorkers() {
    List<String> launcher = new ArrayList<>(List.of("env", "HIRO_JAVA_OPTS=" + SMALL_HEAP));
    launcher.addAll(HiroCli.launcher());
    try (LocalCluster cluster = LocalCluster.start(launcher, dir.resolve("cluster"), 3, "500ms")) {
      Path original = TestFiles.random(dir, "large.bin", (512L << 20) + 4321, 77);
      Map<String, String> env = new HashMap<>(cluster.clientEnvironment());
      env.put("HIRO_JAVA_OPTS", SMALL_HEAP);

      HiroCli.Result put = HiroCli.run(dir, env, "client", "put", original.toString(), "/large.bin",
          "--piece-size", "256MiB");
      assertThat(put.exitCode()).as(put.toString()).isZero();
      Path back = dir.resolve("large.back");
      HiroCli.Result get = HiroCli.run(dir, env, "client", "get", "/large.bin", back.toString());
      assertThat(get.exitCode()).as(get.toString()).isZero();

      assertThat(TestFiles.sameBytes(original, back)).isTrue();
      for (int w = 0; w < 3; w++) {
        assertThat(cluster.workerPid(w)).as("worker %d pid", w).isPositive();
      }
      cluster.awaitLiveWorkers(3, java.time.Duration.ofSeconds(10));
    }
  }
}
