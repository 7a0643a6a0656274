package io.hiro.app;

import static org.assertj.core.api.Assertions.assertThat;

import io.hiro.app.bench.BenchSizes;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** {@code hiro bench} as a user runs it. A test of the tool, never of Hiro's speed. */
@Timeout(value = 240, unit = TimeUnit.SECONDS)
class BenchIT {
  /**
   * Every figure of a quick run on a cluster the bench starts, in the order printed, with its unit.
   * The cold reads need root (to empty the page cache); CI runs as root, so there they are always
   * checked.
   */
  private static final List<String> QUICK_FIGURES = quickFigures(coldReads());

  /** Every figure of {@code --memory --quick}, in the order printed, with its unit. */
  private static final List<String> QUICK_MEMORY_FIGURES = List.of("master.heap_per_file: bytes",
      "master.checkpoint_lock: ms",
      "worker.put_1gib_replication2: MB/s", "worker1.heap_used_max: MiB", "worker1.live_heap_before: MiB",
      "worker1.live_heap_after: MiB", "worker2.heap_used_max: MiB", "worker2.live_heap_before: MiB",
      "worker2.live_heap_after: MiB");

  /** Every figure of a quick run, with or without the cold reads (never with {@code -m}). */
  private static List<String> quickFigures(boolean coldReads) {
    return Stream.of(
        List.of("limit.disk_fsync_write: MB/s", "limit.disk_direct_write: MB/s", "limit.fsync_4k: ops/s",
            "limit.piece_files.1client: files/s", "limit.piece_files.8clients: files/s", "limit.loopback_tcp: MB/s",
            "limit.thread_handoff: us", "limit.syscall: ns", "limit.plain_chain: MB/s", "limit.grpc_unary.1client: ops/s", "limit.grpc_unary.8clients: ops/s",
            "limit.put_lean.1client: files/s", "limit.put_lean.1client.cpu: ms/file",
            "limit.put_lean.8clients: files/s", "limit.put_lean.8clients.cpu: ms/file"),
        coldReads ? List.of("limit.disk_direct_read: MB/s") : List.<String>of(),
        List.of("limit.grpc_chain: MB/s", "put.64mib: MB/s", "put.64mib.cpu: s/GiB", "limit.grpc_get: MB/s",
            "get.64mib: MB/s", "get.64mib.cpu: s/GiB",
            "get.64mib.cat: MB/s", "get.64mib.cat.cpu: s/GiB", "get.64mib.cat.cli: MB/s"),
        coldReads ? List.of("get.64mib.cat.cold: MB/s", "get.64mib.cat.cold.cpu: s/GiB") : List.<String>of(),
        List.of("limit.put_floor.1client: files/s", "limit.put_floor.1client.cpu: ms/file",
            "put.4kib.1client: files/s", "put.4kib.1client.cpu: ms/file",
            "limit.put_floor.8clients: files/s", "limit.put_floor.8clients.cpu: ms/file",
            "put.4kib.8clients: files/s", "put.4kib.8clients.cpu: ms/file",
            "get.4kib.1client: files/s", "get.4kib.1client.cpu: ms/file",
            "get.4kib.8clients: files/s", "get.4kib.8clients.cpu: ms/file",
            "mkdir.1client: ops/s", "mkdir.8clients: ops/s", "stat.1client: ops/s",
            "limit.grpc_unary.8clients.turns: ops/s", "stat.8clients: ops/s",
            "cli.stat: s")).flatMap(List::stream).toList();
  }

  private static boolean coldReads() {
    return Files.isWritable(Path.of("/proc/sys/vm/drop_caches"));
  }

  @TempDir Path dir;

  @Test
  void quickBenchPrintsEveryFigureInOrderWithAPositiveNumberThenStopsAndCleansUp() throws Exception {
    Path benchDir = dir.resolve("bench");

    HiroCli.Result bench = HiroCli.run(dir, Map.of(), "bench", "--quick", "--dir", benchDir.toString());

    assertFigures(bench, QUICK_FIGURES);
    assertThat(bench.stdout()).contains("put.64mib: ", "ratio", "limit.disk_fsync_write / 3", "target",
        "of limit.plain_chain", "of limit.grpc_chain", "(CPU of the sender and the 3 workers: ",
        "(one more untimed run, then taking turns with put.64mib)", " of limit.grpc_chain; median ",
        "(CPU of the reader and the 3 workers: ", "of limit.grpc_get",
        "(one more untimed run, then taking turns with get.64mib.cat)", " of limit.grpc_get; median ",
        "(limit.grpc_unary.8clients.turns)   target >= 20000 ops/s", "(taking turns with stat.8clients)",
        " of limit.grpc_unary.8clients.turns; median ",
        " of limit.grpc_unary.8clients ", "(limit.grpc_unary.1client / 2)",
        "(limit.grpc_unary.8clients / 2)   target >= ",
        "of limit.piece_files.1client", "of limit.piece_files.8clients",
        "of limit.put_floor.1client", "of limit.put_floor.8clients", "of limit.put_lean.1client",
        "of limit.put_lean.8clients", "of limit.put_floor.1client.cpu", "of limit.put_floor.8clients.cpu",
        "(one more untimed run, then taking turns with put.4kib.1client)", " of limit.put_floor.1client; median ",
        "(one more untimed run, then taking turns with put.4kib.8clients)", " of limit.put_floor.8clients; median ",
        "of limit.disk_direct_write", "CPU of the client, master and workers: at most",
        "(s/GiB: client ", "(ms/file: client ", "# machine: ", "(one thread waking another",
        "(fstat of an open file",
        "untimed rounds of " + BenchSizes.quick().smallFileCount() + " puts with 8 clients in ",
        "untimed rounds of " + BenchSizes.quick().smallFileCount() + " gets with 8 clients in ",
        "untimed rounds of " + BenchSizes.quick().mkdirCount() + " mkdirs and " + BenchSizes.quick().statCount()
            + " stats with 8 clients in ", "client cat /bench-",
        " > /dev/null', ", " of get.64mib.cat ");
    // what the cluster's own processes used while the CLI's commands were timed
    assertThat(bench.stdout()).containsPattern("\\(meanwhile the bench's client, master and workers used \\d+\\.\\d\\d cores\\)");
    // each .cpu line's machine note: busy cores, then those idle waiting for the disk or stolen, if any
    assertThat(bench.stdout())
        .containsPattern("\\(machine: \\d+\\.\\d\\d of \\d+ cores busy(, \\d+\\.\\d\\d [a-z ]+)*\\)");
    // a quick run makes the fewest untimed puts and cats of its large file, and untimed runs of the bare transfers
    assertThat(bench.stdout()).contains("(after 2 untimed puts)", "(after 2 untimed cats in ",
        "(after 2 untimed runs in ");
    if (coldReads()) {
      assertThat(bench.stdout()).contains("(limit.disk_direct_read)");
    }
    if (Files.isDirectory(Path.of("/proc/self/task"))) {
      assertThat(bench.stdout()).contains("; of it JIT compilers ");
    }
    assertThat(processesUsing(benchDir)).as("processes left running").isEmpty();
    try (Stream<Path> left = Files.list(benchDir)) {
      assertThat(left.map(p -> p.getFileName().toString())).as("bench files left in " + benchDir)
          .noneMatch(name -> name.startsWith("bench-"));
    }
  }

  @Test
  void quickBenchAgainstARunningClusterMeasuresItAndLeavesItRunningWithItsFiles() {
    try (LocalCluster cluster = LocalCluster.start(HiroCli.launcher(), dir.resolve("cluster"), 3, "1s")) {
      Map<String, String> env = cluster.clientEnvironment();
      Path mine = TestFiles.random(dir, "mine.bin", 3 << 20, 11);
      HiroCli.Result put = HiroCli.run(dir, env, "client", "put", mine.toString(), "/mine.bin");
      assertThat(put.exitCode()).as(put.toString()).isZero();
      // The master comes from -m alone: the environment only says where the secret is.
      Map<String, String> secretOnly = new HashMap<>(env);
      secretOnly.remove("HIRO_MASTER");
      String master = cluster.masterAddress().toString();

      HiroCli.Result bench = HiroCli.run(dir, secretOnly, "bench", "--quick", "-m", master,
          "--dir", dir.resolve("bench").toString());

      assertThat(bench.stdout()).as(bench.toString()).contains("against master " + master);
      assertThat(bench.stderr()).as(bench.toString()).contains("limit.disk_direct_read and get.*.cat.cold not "
          + "measured: the workers' disks are not known to be on this machine (-m)");
      // The bench did not start the daemons, so it neither empties their page cache nor counts their CPU
      // (it does count its bare nodes', which it starts whatever -m says), nor sets Hiro's CPU beside theirs.
      assertFigures(bench, quickFigures(false));
      assertThat(bench.stdout().lines().filter(line -> line.contains(".cpu: ") && !line.startsWith("limit.")))
          .isNotEmpty().allMatch(line -> line.contains("CPU of the client only"))
          .noneMatch(line -> line.contains("of limit.put_floor."));
      assertThat(bench.stdout().lines().filter(line -> line.startsWith("limit.put_") && line.contains(".cpu: ")))
          .hasSize(4).allMatch(line -> line.contains("CPU of the client, master and workers"));
      assertThat(cluster.daemonsNotRunning()).as("daemons stopped by the bench").isZero();
      HiroCli.Result ls = HiroCli.run(dir, env, "client", "ls", "/");
      assertThat(ls.exitCode()).as(ls.toString()).isZero();
      assertThat(ls.stdout().lines().map(String::strip)).as(ls.toString()).containsExactly("mine.bin");
      Path back = dir.resolve("back.bin");
      HiroCli.Result get = HiroCli.run(dir, env, "client", "get", "/mine.bin", back.toString());
      assertThat(get.exitCode()).as(get.toString()).isZero();
      assertThat(TestFiles.sameBytes(mine, back)).as("the file put before the bench reads back unchanged").isTrue();
    }
  }

  @Test
  void quickMemoryBenchPrintsEveryFigureInOrderThenStopsItsWorkers() {
    Path benchDir = dir.resolve("memory");

    HiroCli.Result bench = HiroCli.run(dir, Map.of(), "bench", "--memory", "--quick", "--dir",
        benchDir.toString());

    assertFigures(bench, QUICK_MEMORY_FIGURES);
    assertThat(bench.stdout()).contains("(100,000 one-piece files, 3 replicas each", "(workers started with -Xmx256m)",
        "1gib streamed", "(after a full GC, before the put)", "(after a full GC, after the put)");
    assertThat(processesUsing(benchDir)).as("processes left running").isEmpty();
  }

  @Test
  void benchAgainstAnUnreachableMasterFailsWithOneLineAndNoFigures() {
    // Any secret will do: the master is not there to check it.
    HiroCli.Result bench = HiroCli.run(dir, Map.of("HIRO_SECRET", "00".repeat(32)), "bench", "--quick",
        "-m", "127.0.0.1:1", "--dir", dir.resolve("bench").toString());

    assertThat(bench.exitCode()).as(bench.toString()).isNotZero();
    assertThat(bench.stderr()).as(bench.toString()).contains("127.0.0.1:1");
    assertThat(bench.stdout()).as(bench.toString()).doesNotContain("limit.");
  }

  /**
   * The run succeeded and its figure lines are {@code expected}, in order, each with a positive number
   * and its unit.
   */
  private static void assertFigures(HiroCli.Result bench, List<String> expected) {
    assertThat(bench.exitCode()).as(bench.toString()).isZero();
    List<String> lines = bench.stdout().lines().filter(line -> !line.startsWith("#")).toList();
    assertThat(lines).as(bench.toString()).hasSize(expected.size());
    for (int i = 0; i < expected.size(); i++) {
      String[] nameAndUnit = expected.get(i).split(": ");
      Matcher figure = Pattern.compile(Pattern.quote(nameAndUnit[0]) + ": ([0-9]+(?:\\.[0-9]+)?) "
          + Pattern.quote(nameAndUnit[1]) + "(   .*)?").matcher(lines.get(i));
      assertThat(figure.matches()).as("line %d is '%s'; expected %s N", i + 1, lines.get(i), expected.get(i))
          .isTrue();
      assertThat(Double.parseDouble(figure.group(1))).as(lines.get(i)).isPositive();
    }
  }

  private static List<ProcessHandle> processesUsing(Path benchDir) {
    String path = benchDir.toString();
    return ProcessHandle.allProcesses()
        .filter(p -> p.info().commandLine().map(c -> c.contains(path) && !c.contains(" bench ")).orElse(false))
        .toList();
  }
}
