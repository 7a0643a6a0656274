package io.hiro.master.core;

import io.hiro.common.HiroPath;
import io.hiro.common.HostPort;
import io.hiro.common.WorkerId;
import io.hiro.master.config.MasterConfig;
import java.lang.management.ManagementFactory;
import java.nio.file.Path;
import java.time.Instant;
import java.time.InstantSource;
import java.util.*;

/**
 * The master's checkpoint at N one-piece files (sessions 46-47), in the bench's own JVM as `--memory`
 * builds its million files: five times the part made under the state's read lock
 * (MasterState.writeCheckpoint, its records written to a file in -Ddir by a thread of their own, as a
 * master writes its temp file: ms, MiB allocated, MiB written), then a start on that file (MasterStore.open and
 * MasterState.fromCheckpoint). With -Xmx it shows the least heap either needs.
 * In package io.hiro.master.core (the state is package-private): compile with -d . against the jar,
 *   javac -d . -cp X.jar CkProbe.java
 *   java -Xmx300m -XX:+UseParallelGC -Ddir=/tmp/ck -cp X.jar:. io.hiro.master.core.CkProbe 1000000
 * Before session 46 the snapshot was MasterState.toCheckpoint (a Checkpoint message of every
 * entry); in session 46 one byte array of the whole message. The numbers of all three are in
 * docs/BENCHMARKS.md ("Results", sessions 46 and 47).
 */
public class CkProbe {
  public static void main(String[] args) throws Exception {
    int files = Integer.parseInt(args[0]);
    MasterConfig config = MasterConfig.builder().dataDir(Path.of("unused")).build();
    Master master = new Master(config, InstantSource.fixed(Instant.now()), new SplittableRandom(1));
    List<WorkerId> workers = new ArrayList<>();
    for (int i = 0; i < 3; i++) {
      WorkerId id = new WorkerId("w-bench" + i);
      workers.add(id);
      master.membership().register(new io.hiro.master.core.WorkerRegistration(id, new HostPort("127.0.0.1", 5050 + i),
          1L << 50, 1L << 50, 0, new long[0]));
    }
    SplittableRandom random = new SplittableRandom(2);
    long t0 = System.nanoTime();
    for (int i = 0; i < files; i++) {
      String dir = "/photos/" + (i / 1000);
      if (i % 1000 == 0) master.mkdir(HiroPath.parse(dir), true);
      UploadView upload = master.uploads().createFile(HiroPath.parse(dir + "/photo-" + i + ".jpg"), 4096, 3, 0, false);
      PieceView piece = upload.pieces().getFirst();
      List<WorkerId> holders = piece.replicas().stream().map(WorkerAddress::id).toList();
      byte[] sha = new byte[32];
      random.nextBytes(sha);
      master.uploads().commitFile(upload.uploadId(), List.of(new PieceCommit(0, piece.id(), 4096, random.nextInt(), holders)), sha);
    }
    System.out.printf("built %d files in %.1f s%n", files, (System.nanoTime() - t0) / 1e9);
    java.lang.reflect.Field f = Master.class.getDeclaredField("core");
    f.setAccessible(true);
    Core core = (Core) f.get(master);
    com.sun.management.ThreadMXBean mx = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
    Path dir = java.nio.file.Files.createDirectories(Path.of(System.getProperty("dir", "/tmp/ckprobe")));
    Path file = dir.resolve(String.format("checkpoint-%020d.ckpt", 1));
    for (int r = 0; r < 5; r++) {
      // As a master writes one: the records handed to a writer thread under the lock, the fsync after it.
      try (var pending = new io.hiro.master.store.PendingCheckpoint(new io.hiro.master.store.DiskFiles(dir), "ck.tmp")) {
        long a0 = mx.getCurrentThreadAllocatedBytes();
        long s = System.nanoTime();
        var written = core.state.writeCheckpoint(new io.hiro.master.store.CheckpointWriter(1, pending));
        long ms = (System.nanoTime() - s) / 1_000_000;
        long alloc = mx.getCurrentThreadAllocatedBytes() - a0;
        long s2 = System.nanoTime();
        pending.finish();
        System.out.printf("writeCheckpoint: %d ms under the read lock, %d MiB allocated, %d entries, %d MiB in %d records;"
            + " %d ms more to write and fsync%n", ms, alloc >> 20, written.entries(), written.bytes() >> 20, written.records(),
            (System.nanoTime() - s2) / 1_000_000);
        java.nio.file.Files.move(dir.resolve("ck.tmp"), file, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
      }
    }
    master = null; core = null; f = null; // only the file stays, as at a start
    System.gc();
    long s3 = System.nanoTime();
    long a3 = mx.getCurrentThreadAllocatedBytes();
    try (var store = io.hiro.master.store.MasterStore.open(new io.hiro.master.store.DiskFiles(dir), 1L << 40, 1L << 40, 0)) {
      MasterState restored = MasterState.fromCheckpoint(store.recoveredCheckpoint());
      System.out.printf("restored in %d ms, %d MiB allocated%n", (System.nanoTime() - s3) / 1_000_000,
          (mx.getCurrentThreadAllocatedBytes() - a3) >> 20);
      java.lang.ref.Reference.reachabilityFence(restored);
    }
  }
}
