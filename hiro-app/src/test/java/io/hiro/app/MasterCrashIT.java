package io.hiro.app;

import static org.assertj.core.api.Assertions.assertThat;

import io.hiro.client.HiroClient;
import io.hiro.client.PutOptions;
import io.hiro.common.HiroException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code kill -9} of the real master while clients put files: after a restart on the same data
 * dir, every file whose put was acknowledged reads back byte-identical, and nothing half-written
 * is visible.
 */
@Timeout(value = 240, unit = TimeUnit.SECONDS)
class MasterCrashIT {
  @TempDir Path dir;

  @Test
  void everyAcknowledgedPutSurvivesKillDashNineOfTheMaster() throws Exception {
    LocalCluster.Options options = new LocalCluster.Options(HiroCli.launcher(), 3, "500ms",
        List.of("--dead-after", "3s", "--safe-mode-grace", "5s", "--checkpoint-every", "25"), List.of());
    try (LocalCluster cluster = LocalCluster.start(options, dir.resolve("cluster"));
        HiroClient client = cluster.client()) {
      Map<String, Path> acknowledged = new ConcurrentHashMap<>();
      AtomicBoolean running = new AtomicBoolean(true);
      AtomicInteger attempts = new AtomicInteger();
      Thread writer = Thread.ofPlatform().start(() -> {
        for (int i = 0; running.get(); i++) {
          Path local = TestFiles.random(dir, "f" + i, 100_000 + i * 997L, i);
          attempts.incrementAndGet();
          try {
            client.put(local, "/crash/f" + i, new PutOptions(3, 64 * 1024, false));
            acknowledged.put("/crash/f" + i, local);
          } catch (HiroException e) {
            // The master is down: this put was not acknowledged, and need not survive.
          }
        }
      });
      Awaitility.await().atMost(Duration.ofSeconds(60)).until(() -> acknowledged.size() >= 20);
      cluster.killMaster();
      int acknowledgedAtKill = acknowledged.size();
      cluster.startMaster();
      Awaitility.await().atMost(Duration.ofSeconds(60)).until(() -> acknowledged.size() >= acknowledgedAtKill + 20);
      cluster.killMaster();
      cluster.startMaster();
      running.set(false);
      writer.join(60_000);

      cluster.awaitLiveWorkers(3, Duration.ofSeconds(60));
      System.out.printf("MasterCrashIT: %d puts tried, %d acknowledged, 2 master kills%n", attempts.get(),
          acknowledged.size());
      for (Map.Entry<String, Path> file : acknowledged.entrySet()) {
        Path back = dir.resolve("back");
        client.get(file.getKey(), back);
        assertThat(TestFiles.sameBytes(file.getValue(), back)).as(file.getKey()).isTrue();
        Files.delete(back);
      }
      // A put whose answer was lost in the crash may be there too, but only whole.
      for (var entry : client.list("/crash")) {
        if (!acknowledged.containsKey(entry.path())) {
          Path back = dir.resolve("maybe");
          client.get(entry.path(), back);
          assertThat(TestFiles.sameBytes(dir.resolve(entry.name()), back)).as(entry.path()).isTrue();
          Files.delete(back);
        }
      }
    }
  }
}
