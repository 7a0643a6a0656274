package io.hiro.worker.store;

import io.hiro.common.io.DirectIo;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Optional;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Replica bytes written with O_DIRECT, past the page cache, where the data dir's file system takes
 * it. Copying every byte into the page cache cost a worker 1.2-2.6 s of CPU per GiB on the
 * benchmark VM (perf: {@code copy_folio_from_iter_atomic}, 58% of a worker's samples during a put),
 * against 0.1 s for the same bytes written with O_DIRECT from an aligned buffer; and a replica
 * that was never in the page cache is read from the disk by the scrubber, which is what a scrub is
 * for. The cost: a piece read right after it was written comes from the disk, not from memory.
 *
 * <p>O_DIRECT wants the file position, the length and the buffer's address aligned to the file
 * system's block size, so writes go through staging buffers of {@link #STAGING_BYTES} (aligned,
 * pooled: at most {@link #POOLED_MAX} kept idle); a piece's last bytes short of a block are written
 * through the page cache. A piece of one staging buffer or less goes wholly through the page cache
 * ({@link #open}). Where O_DIRECT is refused (tmpfs, other systems), every write goes through the
 * page cache as before, and the worker says so once. The bench's bare workers write as these do.
 */
public final class DirectWrites {
  private static final Logger LOG = LoggerFactory.getLogger(DirectWrites.class);
  /** Bytes gathered before one O_DIRECT write: a message of piece data. */
  public static final int STAGING_BYTES = 1 << 20;
  /** Idle staging buffers kept for the next writes. */
  static final int POOLED_MAX = 8;

  private final String node;
  private final int alignment;
  private final AtomicBoolean refused = new AtomicBoolean();
  private final BlockingQueue<ByteBuffer> pool = new ArrayBlockingQueue<>(POOLED_MAX);
  private final AtomicLong directBytes = new AtomicLong();

  private DirectWrites(String node, int alignment, boolean enabled) {
    this.node = node;
    this.alignment = alignment;
    refused.set(!enabled);
  }

  /** For files in {@code dir}; {@code enabled} false writes everything through the page cache. */
  public static DirectWrites in(Path dir, String node, boolean enabled) {
    int blockSize = DirectIo.alignment(dir);
    boolean usable = enabled && blockSize > 0 && STAGING_BYTES % blockSize == 0;
    return new DirectWrites(node, Math.max(blockSize, 1), usable);
  }

  public int alignment() {
    return alignment;
  }

  /**
   * An O_DIRECT channel writing {@code file} (which exists) for a piece of {@code pieceBytes}, or
   * empty: where O_DIRECT is not to be had, and for a piece of one staging buffer or less. Such a
   * piece would reach the disk with O_DIRECT only at its commit, in one write the device must finish
   * before the fsync starts: two waits on the device where the page cache and the fsync make one
   * (one client put 4 KiB files 3-8% faster so, docs/BENCHMARKS.md, session 13).
   */
  public Optional<FileChannel> open(Path file, long pieceBytes) {
    if (pieceBytes <= STAGING_BYTES || refused.get()) {
      return Optional.empty();
    }
    Optional<FileChannel> direct = DirectIo.open(file, StandardOpenOption.WRITE);
    if (direct.isEmpty() && refused.compareAndSet(false, true)) {
      LOG.info("{}: the file system of {} refuses O_DIRECT; replicas are written through the page cache",
          node, file.getParent());
    }
    return direct;
  }

  /** An empty staging buffer: {@link #STAGING_BYTES}, its address aligned. */
  public ByteBuffer take() {
    ByteBuffer buffer = pool.poll();
    if (buffer == null) {
      buffer = DirectIo.alignedBuffer(STAGING_BYTES, alignment);
    }
    return buffer.clear();
  }

  /** Counts bytes written with O_DIRECT. */
  void wrote(long bytes) {
    directBytes.addAndGet(bytes);
  }

  /** Bytes written with O_DIRECT since the worker started. */
  long directBytes() {
    return directBytes.get();
  }

  /** Gives a staging buffer back once no write uses it any more. */
  public void give(ByteBuffer buffer) {
    pool.offer(buffer);
  }
}
