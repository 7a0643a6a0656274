package io.hiro.app;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.function.BooleanSupplier;
import java.util.stream.Stream;

/**
 * Injects real faults into a {@link LocalCluster} from a seed: {@code kill -9} of a worker or the
 * master (restarted a few seconds later), a byte flipped in a replica file on disk, and a worker
 * restarted with a disk that is full (a capacity just above what it holds). One process is down at
 * a time, and a piece is flipped at most once, so every piece always keeps a good replica: the
 * single-fault promise Hiro makes.
 */
final class SoakFaults {
  private final LocalCluster cluster;
  private final SplittableRandom random;
  private final SoakTally tally;
  private final Set<String> flipped = new HashSet<>();

  SoakFaults(LocalCluster cluster, long seed, SoakTally tally) {
    this.cluster = cluster;
    this.random = new SplittableRandom(seed);
    this.tally = tally;
  }

  /** Injects faults until {@code running} says stop; then brings every process back as it was. */
  void run(BooleanSupplier running) throws InterruptedException {
    while (running.getAsBoolean()) {
      pace(2_000, 5_000);
      int dice = random.nextInt(100);
      if (dice < 35) {
        killAndRestartWorker();
      } else if (dice < 55) {
        killAndRestartMaster();
      } else if (dice < 85) {
        flipAByte();
      } else {
        fillADisk();
      }
    }
  }

  private void killAndRestartWorker() throws InterruptedException {
    int worker = random.nextInt(cluster.workerCount());
    cluster.killWorker(worker);
    tally.add("worker kills");
    pace(1_000, 6_000);
    cluster.startWorker(worker);
  }

  private void killAndRestartMaster() throws InterruptedException {
    cluster.killMaster();
    tally.add("master kills");
    pace(500, 3_000);
    cluster.startMaster();
  }

  private void fillADisk() throws InterruptedException {
    int worker = random.nextInt(cluster.workerCount());
    cluster.killWorker(worker);
    long used = replicaBytes(cluster.workerDataDir(worker));
    cluster.startWorker(worker, List.of("--capacity", (used + 512 * 1024) + ""));
    tally.add("full disks");
    pace(3_000, 8_000);
    cluster.killWorker(worker);
    cluster.startWorker(worker);
  }

  private void flipAByte() {
    int worker = random.nextInt(cluster.workerCount());
    List<Path> replicas = replicaFiles(cluster.workerDataDir(worker));
    List<Path> fresh = replicas.stream().filter(p -> !flipped.contains(p.getFileName().toString())).toList();
    if (fresh.isEmpty()) {
      return;
    }
    Path victim = fresh.get(random.nextInt(fresh.size()));
    try (RandomAccessFile file = new RandomAccessFile(victim.toFile(), "rw")) {
      long length = file.length();
      if (length == 0) {
        return;
      }
      long offset = random.nextLong(length);
      file.seek(offset);
      int b = file.read();
      file.seek(offset);
      file.write(b ^ (1 << random.nextInt(8)));
      flipped.add(victim.getFileName().toString());
      tally.add("bytes flipped");
    } catch (IOException e) {
      // The replica was deleted between the listing and the flip: nothing was flipped.
      tally.add("flips missed");
    }
  }

  private void pace(long minMillis, long maxMillis) throws InterruptedException {
    // The schedule of faults, not a wait for a condition: how long a fault lasts is the point.
    Thread.sleep(random.nextLong(minMillis, maxMillis));
  }

  /** The files on a worker's disk that hold a replica or a write in flight; not its empty spares. */
  static List<Path> replicaFiles(Path workerDir) {
    Path pieces = workerDir.resolve("pieces");
    if (!Files.isDirectory(pieces)) {
      return List.of();
    }
    try (Stream<Path> files = Files.walk(pieces)) {
      return files.filter(p -> p.getFileName().toString().endsWith(".piece") && p.toFile().length() > 0)
          .sorted().toList();
    } catch (IOException | UncheckedIOException e) {
      return List.of(); // files vanish while a worker deletes them; the next round lists again
    }
  }

  private static long replicaBytes(Path workerDir) {
    return replicaFiles(workerDir).stream().mapToLong(p -> p.toFile().length()).sum();
  }
}
