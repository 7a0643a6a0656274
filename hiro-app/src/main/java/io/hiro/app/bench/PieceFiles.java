package io.hiro.app.bench;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.concurrent.BrokenBarrierException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * {@code limit.piece_files.1client} and {@code .8clients}: the file operations that storing one
 * small file makes on the workers' disk, done by plain Java with nothing else (no network, no
 * master, no checksums). For each put, in each of 3 worker dirs at once (as the 3 workers of a chain
 * do): an empty spare file opened, written (4 KiB of piece and ~100 bytes of meta) and fsynced, as
 * {@code DiskPieceStore} does; and the spares made as a worker makes them, {@value #SPARE_BATCH} at
 * a time in one fan-out dir and that dir fsynced (here inline, in the time measured; a worker makes
 * them on a thread of its own). A limit of Hiro's layout (one file per replica) on this disk, not
 * of the disk itself; the ratio of {@code put.4kib.*} to it says how much of a small put is file
 * system and how much is everything else.
 *
 * <p>The files are left in {@link #dirIn} until the end of the run: on ext4 without a journal (the
 * bench VM's), creating a file skips every inode deleted in the last minute or more, so deleting
 * thousands of files here would slow the small puts measured after it (creation rate after a mass
 * delete: 326, then 509, then 986 puts/s in three runs a few seconds apart).
 */
final class PieceFiles {
  /** A 4 KiB piece, then its meta and footer. */
  private static final int FILE_BYTES = 4096 + 100;
  private static final int FAN_OUT = 256;
  /** As {@code SpareFiles.BATCH}. */
  private static final int SPARE_BATCH = 64;

  private PieceFiles() {}

  /** Where the files of the limit go in {@code workDir}; delete it at the end of the run. */
  static Path dirIn(Path workDir) {
    return workDir.resolve("bench-piece-files");
  }

  /** {@code clients} threads put {@code count} files in all; returns puts per second. */
  static Figure measure(Path workDir, int clients, int count, long deadlineNanos) throws IOException {
    String name = "limit.piece_files." + (clients == 1 ? "1client" : clients + "clients");
    Path root = dirIn(workDir).resolve(clients + "clients");
    List<Path> workers = new ArrayList<>();
    for (int w = 0; w < HiroBench.REPLICATION; w++) {
      Path worker = root.resolve("w" + w);
      for (int d = 0; d < FAN_OUT; d++) {
        Files.createDirectories(worker.resolve("pieces").resolve(String.format("%02x", d)));
      }
      workers.add(worker);
    }
    ExecutorService threads = Executors.newFixedThreadPool(clients * workers.size());
    try {
      List<CompletableFuture<Void>> running = new ArrayList<>();
      long started = System.nanoTime();
      for (int c = 0; c < clients; c++) {
        int perClient = count / clients + (c < count % clients ? 1 : 0);
        CyclicBarrier together = new CyclicBarrier(workers.size());
        for (Path worker : workers) {
          int client = c;
          running.add(CompletableFuture.runAsync(() -> puts(worker, client, perClient, together, deadlineNanos, name),
              threads));
        }
      }
      MachineLimits.await(CompletableFuture.allOf(running.toArray(CompletableFuture[]::new))
          .thenApply(done -> 0L), deadlineNanos, name);
      return Figure.of(name, count / ((System.nanoTime() - started) / 1e9), "files/s");
    } finally {
      threads.shutdownNow();
    }
  }

  /**
   * One worker's share of one client's puts; each put starts when all 3 workers are done with the
   * last. A failure breaks the barrier, so the other two stop waiting for this one.
   */
  private static void puts(Path worker, int client, int count, CyclicBarrier together, long deadlineNanos,
      String name) {
    ByteBuffer bytes = ByteBuffer.allocateDirect(FILE_BYTES);
    Deque<Path> spares = new ArrayDeque<>();
    try {
      for (int i = 0; i < count; i++) {
        RandomFile.checkDeadline(deadlineNanos, name);
        together.await();
        if (spares.isEmpty()) {
          makeSpares(worker.resolve("pieces").resolve(String.format("%02x", (client * 7919 + i) % FAN_OUT)),
              client + "-" + i, spares);
        }
        writeAndSync(spares.poll(), bytes.clear());
      }
    } catch (IOException e) {
      together.reset();
      throw new UncheckedIOException(e);
    } catch (InterruptedException | BrokenBarrierException e) {
      together.reset();
      if (e instanceof InterruptedException) {
        Thread.currentThread().interrupt();
      }
      throw new IllegalStateException(name + " stopped: " + e, e);
    } catch (RuntimeException e) {
      together.reset();
      throw e;
    }
  }

  private static void makeSpares(Path dir, String prefix, Deque<Path> spares) throws IOException {
    for (int s = 0; s < SPARE_BATCH; s++) {
      spares.add(Files.createFile(dir.resolve(prefix + "-" + s + ".piece")));
    }
    try (FileChannel directory = FileChannel.open(dir, StandardOpenOption.READ)) {
      directory.force(true);
    }
  }

  private static void writeAndSync(Path file, ByteBuffer bytes) throws IOException {
    try (FileChannel out = FileChannel.open(file, StandardOpenOption.WRITE)) {
      while (bytes.hasRemaining()) {
        out.write(bytes);
      }
      out.force(true);
    }
  }

  /** Deletes what {@link #measure} left in {@code workDir}, if anything. */
  static void deleteIn(Path workDir) throws IOException {
    BenchCommand.deleteTree(dirIn(workDir));
  }
}
