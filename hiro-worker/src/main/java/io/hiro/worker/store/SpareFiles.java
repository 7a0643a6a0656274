package io.hiro.worker.store;

import io.hiro.common.security.OwnerOnly;
import java.io.IOException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileAttribute;
import java.security.SecureRandom;
import java.util.HexFormat;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Empty {@code .piece} files in the fan-out dirs of {@code pieces/}, each with its name already
 * durable, for new replicas to be written into. A replica written into a spare is durable once
 * its own file is fsynced: no file is created, renamed or dir fsynced while a client waits (on
 * this VM that halved the file system's time per small replica). Spares are made in batches
 * ({@link #BATCH}) on a background thread, all in one fan-out dir and that dir fsynced once,
 * before they are handed out; the fan-out dir turns with each batch. When none is idle, {@link #take}
 * makes one on the spot. Spares found when the store opens are handed out after their dirs are
 * fsynced again (an earlier process may have died before it did).
 */
final class SpareFiles {
  private static final Logger LOG = LoggerFactory.getLogger(SpareFiles.class);
  /** Spares made at once, in one fan-out dir with one dir fsync. */
  static final int BATCH = 64;
  /** A batch is started when fewer than this many are idle. */
  static final int IDLE_MIN = 32;
  static final String NAME_PREFIX = "slot-";

  private final DataDirLayout layout;
  private final String node;
  private final DiskPieceStore.DirectorySync directorySync;
  /** Fan-out dirs whose entry in {@code pieces/} this process made durable. */
  private final Set<Path> durableDirs = ConcurrentHashMap.newKeySet();
  private final ConcurrentLinkedQueue<Path> idle = new ConcurrentLinkedQueue<>();
  private final AtomicInteger idleCount = new AtomicInteger();
  private volatile boolean refilling;
  private boolean closed;
  private Thread refiller;
  private final AtomicInteger nextFanOut = new AtomicInteger(ThreadLocalRandom.current().nextInt(256));
  private final SecureRandom slots = new SecureRandom();

  SpareFiles(DataDirLayout layout, String node, DiskPieceStore.DirectorySync directorySync) {
    this.layout = layout;
    this.node = node;
    this.directorySync = directorySync;
  }

  /** Hands out spares found empty when the store opened, once their dirs are fsynced. */
  void adopt(Set<Path> dirs, Iterable<Path> files) throws IOException {
    for (Path dir : dirs) {
      directorySync.sync(dir);
    }
    for (Path file : files) {
      offer(file);
    }
  }

  /** An empty file whose name is durable, for one new replica; it is the caller's from now on. */
  Path take() throws IOException {
    Path spare = idle.poll();
    if (spare != null) {
      idleCount.decrementAndGet();
    }
    if (idleCount.get() < IDLE_MIN) {
      refillSoon();
    }
    if (spare != null) {
      return spare;
    }
    Path dir = fanOutDir();
    Path made = make(dir);
    directorySync.sync(dir);
    return made;
  }

  /** Spares ready to be taken. */
  int idle() {
    return idleCount.get();
  }

  /** Starts making batches on a virtual thread, unless one does or this is closed. */
  synchronized void refillSoon() {
    if (!closed && !refilling) {
      refilling = true;
      refiller = Thread.ofVirtual().name("spare-files-" + node).start(this::refill);
    }
  }

  /** Stops making spares and waits for the batch being made; those made stay for the next start. */
  void close() {
    Thread running;
    synchronized (this) {
      closed = true;
      running = refiller;
    }
    if (running != null) {
      try {
        running.join();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
  }

  private synchronized boolean closed() {
    return closed;
  }

  private void refill() {
    boolean failed = false;
    try {
      while (idleCount.get() < IDLE_MIN + BATCH && !closed()) {
        Path dir = fanOutDir();
        Path[] batch = new Path[BATCH];
        for (int i = 0; i < BATCH; i++) {
          batch[i] = make(dir);
        }
        directorySync.sync(dir);
        for (Path spare : batch) {
          offer(spare);
        }
      }
    } catch (IOException | RuntimeException e) {
      // Writes make their own spares meanwhile; the next take starts another batch.
      failed = true;
      LOG.warn("{}: cannot make spare piece files in {}: {}", node, layout.piecesDir(), e.toString());
    } finally {
      refilling = false;
    }
    if (!failed && idleCount.get() < IDLE_MIN) {
      refillSoon(); // a take that came as this batch ended saw it still running
    }
  }

  private void offer(Path spare) {
    idle.offer(spare);
    idleCount.incrementAndGet();
  }

  /**
   * The next fan-out dir, created if missing; the first time this process uses it, {@code pieces/}
   * is fsynced: without that, a power loss could drop the new dir with the replicas in it.
   */
  private Path fanOutDir() throws IOException {
    Path dir = layout.fanOutDir(Math.floorMod(nextFanOut.getAndIncrement(), 256));
    if (!durableDirs.contains(dir)) {
      OwnerOnly.createDirectories(dir);
      directorySync.sync(layout.piecesDir());
      durableDirs.add(dir);
    }
    return dir;
  }

  private Path make(Path dir) throws IOException {
    FileAttribute<?>[] ownerOnly = OwnerOnly.fileAttributes(dir);
    while (true) {
      // Unguessable: a spare's footer covers its slot (PieceFile), so none other than this worker can write one.
      String name = NAME_PREFIX + HexFormat.of().toHexDigits(slots.nextLong()) + PieceFile.SUFFIX;
      try {
        return Files.createFile(dir.resolve(name), ownerOnly);
      } catch (FileAlreadyExistsException e) {
        // 64 random bits clashed; draw again.
      }
    }
  }
}
