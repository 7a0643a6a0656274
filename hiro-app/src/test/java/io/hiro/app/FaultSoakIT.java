package io.hiro.app;

import static org.assertj.core.api.Assertions.assertThat;

import io.hiro.client.ClusterReport;
import io.hiro.client.FileInfo;
import io.hiro.client.HiroClient;
import io.hiro.client.PieceInfo;
import io.hiro.common.HiroException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The proof that an acknowledged file survives: a seeded random workload of put, overwrite, get, rm
 * and mv against a master and four workers running as processes, while faults are injected for
 * real ({@link SoakFaults}). Every read is checked against what acknowledged operations promised;
 * at the end, after healing, every acknowledged file must read back byte-identical with its full
 * replication. Prints one line of figures. {@code -Dhiro.soak.seconds=1200} runs it longer;
 * {@code -Dhiro.soak.seed=N} replays a seed.
 */
@Timeout(value = 90, unit = TimeUnit.MINUTES)
class FaultSoakIT {
  private static final int CLIENTS = 2;
  private static final Duration HEAL_TIMEOUT = Duration.ofMinutes(3);

  @Test
  void everyAcknowledgedFileSurvivesKilledProcessesFlippedBytesAndFullDisks() throws Exception {
    long seed = Long.getLong("hiro.soak.seed", System.nanoTime());
    long seconds = Long.getLong("hiro.soak.seconds", 150);
    // Kept when the test fails: the daemons' logs are in DIR/cluster/*.log.
    Path dir = Files.createDirectories(Path.of("target", "soak-" + seed).toAbsolutePath());
    System.out.printf("soak: seed %d (replay with -Dhiro.soak.seed=%d), %d s, logs in %s%n", seed, seed, seconds,
        dir);
    LocalCluster.Options options = new LocalCluster.Options(LocalCluster.javaLauncher(), 4, "500ms",
        List.of("--dead-after", "3s", "--safe-mode-grace", "10s", "--orphan-grace", "20s",
            "--checkpoint-every", "200", "--checkpoint-interval", "30s", "--upload-expiry", "30s"),
        List.of("--scrub-interval", "5s", "--scrub-rate", "256MiB"));
    SoakTally tally = new SoakTally();
    try (LocalCluster cluster = LocalCluster.start(options, dir.resolve("cluster"));
        HiroClient client = cluster.client()) {
      List<SoakWorkload> workloads = new ArrayList<>();
      for (int i = 0; i < CLIENTS; i++) {
        Path scratch = Files.createDirectories(dir.resolve("client-" + i));
        workloads.add(new SoakWorkload(client, "/soak/c" + i, scratch, seed + i, tally));
      }
      long started = System.nanoTime();
      runWithFaults(cluster, workloads, seed, tally, Duration.ofSeconds(seconds));
      long healStarted = System.nanoTime();
      ClusterReport healed = awaitHealed(client);
      double healSeconds = (System.nanoTime() - healStarted) / 1e9;

      long verified = 0;
      long bytesLost = 0;
      List<String> violations = new ArrayList<>();
      for (SoakWorkload workload : workloads) {
        for (String path : List.copyOf(workload.oracle().paths())) {
          int before = workload.violations().size();
          workload.get(path, true);
          if (workload.violations().size() > before) {
            bytesLost += workload.certainBytes(path);
          } else if (!workload.oracle().certainlyAbsent(path)) {
            verified++;
            assertFullyReplicated(client, path, workload);
          }
        }
        violations.addAll(workload.violations());
      }
      System.out.printf(Locale.ROOT, "soak: seed %d, %.0f s, operations: %s; files verified %d, bytes lost %d, "
              + "corrupt reads returned %d, time to heal %.1f s, pieces %d, under-replicated %d%n",
          seed, (healStarted - started) / 1e9, tally, verified, bytesLost, tally.get("corrupt reads"),
          healSeconds, healed.pieceCount(), healed.underReplicatedPieces());
      assertThat(violations).as("violations (seed %d)", seed).isEmpty();
      assertThat(bytesLost).isZero();
      assertThat(verified).isPositive();
      assertThat(tally.get("worker kills") + tally.get("master kills") + tally.get("bytes flipped"))
          .as("faults injected").isPositive();
    }
    deleteTree(dir);
  }

  private static void deleteTree(Path dir) throws java.io.IOException {
    try (var paths = Files.walk(dir)) {
      for (Path path : paths.sorted(java.util.Comparator.reverseOrder()).toList()) {
        Files.delete(path);
      }
    }
  }

  private static void runWithFaults(LocalCluster cluster, List<SoakWorkload> workloads, long seed,
      SoakTally tally, Duration length) throws Exception {
    AtomicBoolean running = new AtomicBoolean(true);
    long deadline = System.nanoTime() + length.toNanos();
    List<Thread> threads = new ArrayList<>();
    List<Throwable> crashes = new java.util.concurrent.CopyOnWriteArrayList<>();
    for (SoakWorkload workload : workloads) {
      threads.add(Thread.ofPlatform().name("soak-client").start(() -> {
        try {
          while (running.get()) {
            workload.step();
          }
        } catch (Throwable e) {
          crashes.add(e);
        }
      }));
    }
    SoakFaults faults = new SoakFaults(cluster, seed ^ 0x5eed, tally);
    Thread faultThread = Thread.ofPlatform().name("soak-faults").start(() -> {
      try {
        faults.run(() -> System.nanoTime() < deadline);
      } catch (Throwable e) {
        crashes.add(e);
      }
    });
    faultThread.join();
    running.set(false);
    for (Thread thread : threads) {
      thread.join(TimeUnit.MINUTES.toMillis(2));
    }
    assertThat(crashes).as("workload or fault threads crashed (seed %d)", seed).isEmpty();
    // Every process runs again, with its normal options.
    if (!cluster.masterRunning()) {
      cluster.startMaster();
    }
    for (int i = 0; i < cluster.workerCount(); i++) {
      if (!cluster.workerRunning(i)) {
        cluster.startWorker(i);
      }
    }
    cluster.awaitLiveWorkers(cluster.workerCount(), Duration.ofSeconds(60));
  }

  /** Waits until the master reports no under-replicated or missing piece and no pending copy. */
  private static ClusterReport awaitHealed(HiroClient client) throws InterruptedException {
    long deadline = System.nanoTime() + HEAL_TIMEOUT.toNanos();
    ClusterReport report = null;
    int healthyInARow = 0;
    while (System.nanoTime() < deadline) {
      try {
        report = client.report();
        boolean healthy = report.underReplicatedPieces() == 0 && report.missingPieces() == 0
            && !report.safeMode() && report.pendingCopies() == 0;
        // Twice in a row, a scrub interval apart, so replicas flipped just before the end are found too.
        healthyInARow = healthy ? healthyInARow + 1 : 0;
        if (healthyInARow >= 2) {
          return report;
        }
      } catch (HiroException e) {
        healthyInARow = 0;
      }
      Thread.sleep(healthyInARow > 0 ? 6_000 : 500);
    }
    throw new AssertionError("the cluster did not heal within " + HEAL_TIMEOUT + "; last report: " + report);
  }

  private static void assertFullyReplicated(HiroClient client, String path, SoakWorkload workload) {
    FileInfo info = client.stat(path);
    for (PieceInfo piece : info.pieces()) {
      if (piece.replicas().size() < info.replication()) {
        workload.violations().add(path + " piece " + piece.index() + " has " + piece.replicas().size()
            + " replicas after healing; it wants " + info.replication());
      }
    }
  }
}
