package io.hiro.app;

import static org.assertj.core.api.Assertions.assertThat;

import io.hiro.worker.store.PieceFile;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The real {@code bin/hiro} processes, as a user runs them: a master and three workers, a
 * 100 MiB file in 4 MiB pieces, {@code kill -9} of a worker, overwrite and rm. The steps build
 * on each other, so they run in order on one cluster.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
@Timeout(value = 180, unit = TimeUnit.SECONDS)
class HiroProcessIT {
  private static final long FILE_BYTES = 100L << 20;
  private static final long SEED = 20261124L;

  @TempDir static Path dir;
  private static LocalCluster cluster;
  private static Map<String, String> env;
  private static Path original;

  @BeforeAll
  static void startCluster() {
    System.out.println("HiroProcessIT seed " + SEED);
    // Dead 10 s after its last heartbeat, not the default 30 s, so that test 7 finds the worker killed in
    // test 3 dead without waiting. Tests 3 and 4 (about 8 s here) mostly run while the master still takes
    // it for live, and the client has to route around it.
    cluster = LocalCluster.start(new LocalCluster.Options(HiroCli.launcher(), 3, "500ms",
        List.of("--dead-after", "10s"), List.of()), dir.resolve("cluster"));
    env = new HashMap<>(cluster.clientEnvironment());
    original = TestFiles.random(dir, "big.bin", FILE_BYTES, SEED);
  }

  @AfterAll
  static void stopCluster() {
    if (cluster != null) {
      cluster.close();
    }
  }

  @Test
  @Order(1)
  void putStoresEveryPieceOnThreeWorkersDisks() {
    HiroCli.Result put = hiro("client", "put", original.toString(), "/data/big.bin", "--piece-size", "4MiB");
    assertThat(put.exitCode()).as(put.toString()).isZero();

    Map<Long, Set<Integer>> holders = new java.util.TreeMap<>();
    for (int w = 0; w < 3; w++) {
      for (Path data : replicaFiles(w)) {
        holders.computeIfAbsent(pieceIn(data), k -> new HashSet<>()).add(w);
      }
    }
    assertThat(holders).hasSize(25);
    assertThat(holders.values()).allSatisfy(workers -> assertThat(workers).hasSize(3));
    HiroCli.Result stat = hiro("client", "stat", "/data/big.bin");
    assertThat(stat.exitCode()).as(stat.toString()).isZero();
    assertThat(stat.stdout()).contains("104857600");
  }

  @Test
  @Order(2)
  void getReturnsTheSameBytes() {
    assertGetMatches(original, "back1.bin");
  }

  @Test
  @Order(3)
  void getStillWorksAfterKillDashNineOfAWorker() {
    cluster.killWorker(1);
    assertGetMatches(original, "back2.bin");
  }

  @Test
  @Order(4)
  void overwriteReplacesTheFile() {
    Path second = TestFiles.random(dir, "big2.bin", 9L << 20, SEED + 1);
    HiroCli.Result refused = hiro("client", "put", second.toString(), "/data/big.bin", "--piece-size", "4MiB");
    assertThat(refused.exitCode()).as(refused.toString()).isEqualTo(5);
    assertThat(refused.stderr().strip()).startsWith("hiro: ").doesNotContain("\n").contains("--overwrite");

    HiroCli.Result put = hiro("client", "put", second.toString(), "/data/big.bin", "--piece-size", "4MiB",
        "--overwrite");
    assertThat(put.exitCode()).as(put.toString()).isZero();
    assertGetMatches(second, "back3.bin");
  }

  @Test
  @Order(5)
  void rmFreesTheLiveWorkersDisks() {
    long before = diskUsage(0) + diskUsage(2);
    assertThat(before).isGreaterThan(0);
    HiroCli.Result rm = hiro("client", "rm", "/data/big.bin");
    assertThat(rm.exitCode()).as(rm.toString()).isZero();

    Awaitility.await("worker disks emptied").atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(200))
        .until(() -> diskUsage(0) == 0 && diskUsage(2) == 0);
    HiroCli.Result ls = hiro("client", "ls", "/data");
    assertThat(ls.exitCode()).as(ls.toString()).isZero();
    assertThat(ls.stdout()).doesNotContain("big.bin");
  }

  @Test
  @Order(6)
  void errorsAreOneLineWithDistinctExitCodes() {
    HiroCli.Result missing = hiro("client", "get", "/no/such/file", dir.resolve("x").toString());
    assertThat(missing.exitCode()).as(missing.toString()).isEqualTo(4);
    assertThat(missing.stderr().strip()).startsWith("hiro: ").doesNotContain("\n");

    HiroCli.Result invalid = hiro("client", "mkdir", "/a/../b");
    assertThat(invalid.exitCode()).as(invalid.toString()).isEqualTo(3);

    HiroCli.Result usage = hiro("client", "put");
    assertThat(usage.exitCode()).as(usage.toString()).isEqualTo(2);

    HiroCli.Result unreachable = hiro("client", "ls", "/", "-m", "127.0.0.1:1");
    assertThat(unreachable.exitCode()).as(unreachable.toString()).isEqualTo(7);
    assertThat(unreachable.stderr().strip()).startsWith("hiro: ").doesNotContain("\n");
  }

  @Test
  @Order(7)
  void adminReportShowsTheKilledWorkerDead() {
    Awaitility.await("killed worker dead").atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofSeconds(1))
        .until(() -> hiro("admin", "report", "--json").stdout().contains("dead"));
    HiroCli.Result report = hiro("admin", "report");
    assertThat(report.exitCode()).as(report.toString()).isZero();
    assertThat(report.stdout()).contains(cluster.workerAddress(0).toString(), cluster.workerAddress(1).toString());
  }

  private static void assertGetMatches(Path expected, String name) {
    Path back = dir.resolve(name);
    HiroCli.Result get = hiro("client", "get", "/data/big.bin", back.toString());
    assertThat(get.exitCode()).as(get.toString()).isZero();
    assertThat(TestFiles.sameBytes(expected, back)).as("bytes of " + back).isTrue();
  }

  private static HiroCli.Result hiro(String... args) {
    return HiroCli.run(dir, env, args);
  }

  private static List<Path> replicaFiles(int worker) {
    return SoakFaults.replicaFiles(cluster.workerDataDir(worker));
  }

  /** The id of the piece a replica file holds, from its footer (the file's name does not say). */
  private static long pieceIn(Path replicaFile) {
    try {
      return PieceFile.readMeta(replicaFile).getPieceId();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static long diskUsage(int worker) {
    return replicaFiles(worker).stream().mapToLong(p -> {
      try {
        return Files.size(p);
      } catch (IOException e) {
        return 0; // deleted between the listing and the size
      }
    }).sum();
  }
}
