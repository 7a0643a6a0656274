package io.hiro.client.core;

import io.hiro.common.HiroException;
import io.hiro.proto.PieceRef;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.security.MessageDigest;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The SHA-256 of a file whose pieces land in any order, computed while they land: a thread of its
 * own reads back the longest run of landed pieces from the start, and asks the kernel to write them
 * to disk ({@code force(false)}), so neither the hash nor the flush waits for the last piece. A
 * second thread hashes what the first has read ({@link #BUFFERS} buffers between them), so the
 * reads and the hash overlap. Reading back from the file means the hash covers what is in the file (on disk, where
 * {@link DownloadFile} writes past the page cache), not what was meant to be.
 */
final class PrefixDigest implements AutoCloseable {
  private static final int BUFFER_BYTES = 1 << 20;
  /** Read buffers: one being read, one being hashed, one waiting. */
  static final int BUFFERS = 3;
  /** Put in {@link #filled} after the last bytes. */
  private static final ByteBuffer END = ByteBuffer.allocate(0);

  private final DownloadFile file;
  private final List<PieceRef> pieces;
  private final MessageDigest sha256 = FileDigest.sha256();
  private final boolean[] landed;
  private final ReentrantLock lock = new ReentrantLock();
  private final Condition changed = lock.newCondition();
  private final Thread thread;
  private final BlockingQueue<ByteBuffer> filled = new ArrayBlockingQueue<>(BUFFERS + 1);
  private final BlockingQueue<ByteBuffer> empty = new ArrayBlockingQueue<>(BUFFERS);
  private final CompletableFuture<byte[]> digest = new CompletableFuture<>();
  private boolean closed;

  PrefixDigest(DownloadFile file, List<PieceRef> pieces) {
    this.file = file;
    this.pieces = pieces;
    this.landed = new boolean[pieces.size()];
    this.thread = Thread.ofVirtual().name("prefix-digest").start(this::run);
  }

  /** Piece {@code index} is wholly written to the file. */
  void landed(int index) {
    lock.lock();
    try {
      landed[index] = true;
      changed.signalAll();
    } finally {
      lock.unlock();
    }
  }

  /** Waits until every piece landed and is hashed; returns the digest of the whole file. */
  byte[] finish() {
    try {
      return digest.get();
    } catch (ExecutionException e) {
      throw e.getCause() instanceof IOException io ? new UncheckedIOException(io)
          : BoundedParallel.unchecked(e.getCause());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw HiroException.unavailable("interrupted while checking the file's SHA-256");
    }
  }

  private void run() {
    Thread reader = Thread.currentThread();
    Thread hasher = Thread.ofVirtual().name("prefix-digest-hash").start(() -> hashAll(reader));
    try {
      for (int i = 0; i < BUFFERS; i++) {
        empty.add(file.readBuffer(BUFFER_BYTES));
      }
      for (int index = 0; index < pieces.size(); index++) {
        if (!awaitLanded(index)) {
          return;
        }
        read(pieces.get(index));
        file.force();
      }
      filled.put(END);
      hasher.join();
    } catch (IOException | RuntimeException | InterruptedException e) {
      digest.completeExceptionally(e);
    } finally {
      if (!digest.isDone()) {
        digest.completeExceptionally(new IllegalStateException("stopped before every piece landed"));
      }
      hasher.interrupt();
    }
  }

  /**
   * Hashes the buffers {@link #run} reads, in order, until {@link #END}. If it fails, it stops the
   * reader too, which would otherwise wait for a buffer forever.
   */
  private void hashAll(Thread reader) {
    try {
      for (ByteBuffer buffer = filled.take(); buffer != END; buffer = filled.take()) {
        sha256.update(buffer);
        empty.put(buffer);
      }
      digest.complete(sha256.digest());
    } catch (InterruptedException e) {
      // stopped: run() completes the digest with the reason
    } catch (RuntimeException | Error e) {
      digest.completeExceptionally(e);
      reader.interrupt();
    }
  }

  private boolean awaitLanded(int index) {
    lock.lock();
    try {
      while (!landed[index] && !closed) {
        changed.awaitUninterruptibly();
      }
      return !closed;
    } finally {
      lock.unlock();
    }
  }

  private void read(PieceRef piece) throws IOException, InterruptedException {
    long position = piece.getOffset();
    long end = piece.getOffset() + piece.getLength();
    while (position < end) {
      ByteBuffer buffer = empty.take();
      int read = file.read(buffer, position, (int) Math.min(BUFFER_BYTES, end - position));
      if (read < 0) {
        throw new IOException("the file ended at " + position + " bytes while piece " + piece.getIndex()
            + " should end at " + end);
      }
      filled.put(buffer);
      position += read;
    }
  }

  /** Stops hashing (after a failed download); returns once the thread no longer touches the file. */
  @Override
  public void close() {
    lock.lock();
    try {
      closed = true;
      changed.signalAll();
    } finally {
      lock.unlock();
    }
    try {
      thread.join();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
