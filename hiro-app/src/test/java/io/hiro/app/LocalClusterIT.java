package io.hiro.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.hiro.common.HiroException;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** How a local cluster of processes reports a daemon that could not start. */
class LocalClusterIT {
  @TempDir Path dir;

  /** Without this, the start waited its full minute and then said only that a worker was missing. */
  @Test
  @Timeout(value = 40, unit = TimeUnit.SECONDS)
  void aWorkerThatExitsWhileTheClusterStartsIsNamedWithTheEndOfItsLog() {
    LocalCluster.Options options = new LocalCluster.Options(HiroCli.launcher(), 2, "500ms", List.of(),
        List.of("--no-such-option"));

    // Both workers fail; whichever is seen first is named.
    assertThatThrownBy(() -> LocalCluster.start(options, dir.resolve("cluster")).close())
        .isInstanceOf(HiroException.class)
        .satisfies(e -> assertThat(e.getMessage()).containsPattern(
            "worker ([12]) exited with code 2 while the cluster started; see \\S+/worker-\\1\\.log, which ends: .*--version"));
    assertThat(dir.resolve("cluster/worker-1.log")).exists();
  }
}
