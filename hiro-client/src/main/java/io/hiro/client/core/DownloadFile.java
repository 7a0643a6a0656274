package io.hiro.client.core;

import io.hiro.common.HiroException;
import io.hiro.common.io.DirectIo;
import io.hiro.common.io.StagedDirectWrite;
import io.hiro.proto.PieceRef;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The temp file a get writes its pieces into: whole verified pieces ({@link #write}), on a thread
 * of its own (for a file of more than one piece) so that the disk writes one piece while the caller
 * hashes it and the next ones arrive, flushed to the disk every {@link #FLUSH_BYTES} or so; or,
 * for pieces too large to hold in memory, one piece at a time as its messages come
 * ({@link #stream}). Where the file system takes O_DIRECT and every piece starts on a block, the
 * bytes go past the page cache, as a worker's do
 * ({@link StagedDirectWrite}): copying a GiB into this VM's page cache cost 1.2-2.3 s of CPU, more
 * than the network part of the get. Elsewhere (tmpfs, odd piece sizes, files under
 * {@link #STAGING_BYTES}) everything goes through the page cache.
 */
final class DownloadFile implements AutoCloseable {
  /** Bytes gathered before one O_DIRECT write. */
  static final int STAGING_BYTES = 1 << 20;
  /**
   * Bytes written between two flushes of a file of several pieces: each flush of the disk's cache
   * then overlaps the hashing of the next pieces, and the last one at {@link #forceAll} finds little
   * to do. There a GiB took 0.16-0.70 s to flush on a VM, the get waiting (session 33). A flush per
   * piece would be one per 64 KiB for the smallest pieces.
   */
  static final long FLUSH_BYTES = 64L << 20;
  /** How long {@link #close} waits for the writes still under way (a few pieces) before it closes the file. */
  private static final long CLOSE_WAIT_SECONDS = 60;

  private final FileChannel buffered;
  /** The same file with O_DIRECT, or null. */
  private final FileChannel direct;
  private final int alignment;
  /** Used by one write at a time: on {@link #writer}'s thread, or the caller's (one piece, or {@link #stream}). */
  private final ByteBuffer staging;
  /** Made at the first {@link #write} of a file of more than one piece; else writes run on the caller's thread. */
  private ExecutorService writer;
  private final int pieceCount;
  private final AtomicLong directBytes = new AtomicLong();
  /** Bytes written since the last flush; used by one write at a time, as {@link #staging} is. */
  private long unflushedBytes;
  private final AtomicInteger flushes = new AtomicInteger();

  private DownloadFile(FileChannel buffered, FileChannel direct, int alignment, int pieceCount) {
    this.buffered = buffered;
    this.direct = direct;
    this.alignment = alignment;
    this.staging = direct == null ? null : DirectIo.alignedBuffer(STAGING_BYTES, alignment);
    this.pieceCount = pieceCount;
  }

  /**
   * Creates {@code file} (which must not exist) for {@code pieces}. A file shorter than
   * {@link #STAGING_BYTES}, or {@code allowDirect} false, keeps to the page cache.
   */
  static DownloadFile create(Path file, List<PieceRef> pieces, boolean allowDirect) throws IOException {
    FileChannel buffered = FileChannel.open(file, StandardOpenOption.CREATE_NEW, StandardOpenOption.READ,
        StandardOpenOption.WRITE);
    long size = pieces.stream().mapToLong(PieceRef::getLength).sum();
    int alignment = allowDirect && size >= STAGING_BYTES ? DirectIo.alignment(file.toAbsolutePath().getParent()) : 0;
    boolean aligned = alignment > 0 && STAGING_BYTES % alignment == 0
        && pieces.stream().allMatch(piece -> piece.getOffset() % alignment == 0);
    FileChannel direct = aligned
        ? DirectIo.open(file, StandardOpenOption.READ, StandardOpenOption.WRITE).orElse(null) : null;
    return new DownloadFile(buffered, direct, direct == null ? 1 : alignment, pieces.size());
  }

  /** Whether bytes go past the page cache. */
  boolean direct() {
    return direct != null;
  }

  /** Bytes written with O_DIRECT so far. */
  long directBytes() {
    return directBytes.get();
  }

  /** How many times the writes flushed the disk's cache on their way ({@link #FLUSH_BYTES}). */
  int flushes() {
    return flushes.get();
  }

  /**
   * Starts writing {@code bytes[0..length)} as {@code piece}'s content, after the writes started
   * before; the caller must not change them until the returned future is done. Called from one
   * thread.
   */
  Future<?> write(PieceRef piece, byte[] bytes, int length) {
    Callable<Void> write = () -> {
      PieceStream out = stream(piece);
      // In slices: through the page cache, the JDK copies each write into native memory of its size.
      for (int offset = 0; offset < length; offset += STAGING_BYTES) {
        out.write(offset, ByteBuffer.wrap(bytes, offset, Math.min(STAGING_BYTES, length - offset)));
      }
      out.finish();
      unflushedBytes += length;
      if (unflushedBytes >= FLUSH_BYTES && piece.getIndex() < pieceCount - 1) {
        buffered.force(false);
        unflushedBytes = 0;
        flushes.incrementAndGet();
      }
      return null;
    };
    if (pieceCount > 1) {
      if (writer == null) {
        writer = Executors.newSingleThreadExecutor(Thread.ofPlatform().daemon().name("hiro-get-write").factory());
      }
      return writer.submit(write);
    }
    try {
      return CompletableFuture.completedFuture(write.call());
    } catch (Exception e) {
      return CompletableFuture.failedFuture(e);
    }
  }

  /**
   * A writer of {@code piece}'s bytes as they come, on the caller's thread, in order from its first
   * byte; one piece at a time, not while a {@link #write} is under way.
   */
  PieceStream stream(PieceRef piece) {
    return new PieceStream(piece.getOffset());
  }

  /** One piece's bytes on their way into the file, as they come. */
  final class PieceStream {
    private final StagedDirectWrite out;
    private long expected;

    private PieceStream(long start) {
      this.out = new StagedDirectWrite(buffered, direct, staging, alignment, start, directBytes::addAndGet);
    }

    /**
     * Takes the bytes at {@code offsetInPiece}: the next ones, or the piece again from its first
     * byte (another replica, after one failed part-way).
     */
    void write(long offsetInPiece, ByteBuffer data) throws IOException {
      if (offsetInPiece != expected) {
        if (offsetInPiece != 0) {
          throw new IllegalStateException("piece bytes at " + offsetInPiece + ", expected " + expected + " or 0");
        }
        out.restart();
        expected = 0;
      }
      expected += data.remaining();
      out.write(data);
    }

    /** Writes the bytes still staged; the piece is then wholly in the file. */
    void finish() throws IOException {
      long written = out.finish();
      if (written != expected) {
        throw new IOException("wrote " + written + " of a piece's " + expected + " bytes");
      }
    }
  }

  /** Makes everything written durable, the file's size with it. */
  void forceAll() throws IOException {
    buffered.force(true);
  }

  /**
   * Waits for the writes still under way or queued and not cancelled (a caller that failed meanwhile
   * did not), then closes the file. Interrupting a write would close its channel under it, so the
   * wait is not cut short by an interrupt; the interrupt is kept.
   */
  @Override
  public void close() throws IOException {
    if (writer != null) {
      writer.shutdown();
      BoundedParallel.awaitEnded(writer, CLOSE_WAIT_SECONDS);
    }
    try (FileChannel ignored = direct) {
      buffered.close();
    }
  }
}
