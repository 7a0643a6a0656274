package io.hiro.client.core;

import io.hiro.common.io.DirectIo;
import io.hiro.common.io.StagedDirectWrite;
import io.hiro.proto.PieceRef;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The temp file a get writes its pieces into and reads back to hash. Where the file system takes
 * O_DIRECT and every piece starts on a block, the bytes go past the page cache, as a worker's do
 * ({@link StagedDirectWrite}): copying a GiB into this VM's page cache cost 1.2-2.3 s of CPU,
 * more than the network part of the get. The read-back for the digest then comes from the disk
 * with O_DIRECT too. Elsewhere (tmpfs, odd piece sizes) everything goes through the page cache.
 */
final class DownloadFile implements AutoCloseable {
  /** Bytes gathered before one O_DIRECT write. */
  static final int STAGING_BYTES = 1 << 20;

  private final FileChannel buffered;
  /** The same file with O_DIRECT, or null. */
  private final FileChannel direct;
  private final int alignment;
  private final ConcurrentLinkedQueue<ByteBuffer> idleStaging = new ConcurrentLinkedQueue<>();
  private final AtomicLong directBytes = new AtomicLong();

  private DownloadFile(FileChannel buffered, FileChannel direct, int alignment) {
    this.buffered = buffered;
    this.direct = direct;
    this.alignment = alignment;
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
    return new DownloadFile(buffered, direct, direct == null ? 1 : alignment);
  }

  /** Whether bytes go past the page cache. */
  boolean direct() {
    return direct != null;
  }

  /** Bytes written with O_DIRECT so far. */
  long directBytes() {
    return directBytes.get();
  }

  /** A writer of one piece's bytes, in order from its first; {@link PieceWrite#close} it after use. */
  PieceWrite piece(PieceRef piece) {
    return new PieceWrite(piece.getOffset());
  }

  /**
   * Reads into {@code buffer} (from {@link #readBuffer}) up to {@code wanted} bytes at
   * {@code position}; returns how many, -1 at the end of the file. The buffer is ready to be read.
   */
  int read(ByteBuffer buffer, long position, int wanted) throws IOException {
    if (direct == null || position % alignment != 0) {
      buffer.clear().limit(wanted);
      int read = buffered.read(buffer, position);
      buffer.flip();
      return read;
    }
    buffer.clear().limit(Math.min(buffer.capacity(), roundUp(wanted)));
    int read = direct.read(buffer, position);
    buffer.flip();
    if (read > wanted) {
      buffer.limit(wanted);
      return wanted;
    }
    return read;
  }

  /** A buffer for {@link #read}: aligned when reads go past the page cache. */
  ByteBuffer readBuffer(int bytes) {
    return direct == null ? ByteBuffer.allocate(bytes) : DirectIo.alignedBuffer(roundUp(bytes), alignment);
  }

  /** Asks the kernel to write what is in the page cache to disk, the file's size with it. */
  void force() throws IOException {
    buffered.force(false);
  }

  /** Makes everything written durable, the file's size with it. */
  void forceAll() throws IOException {
    buffered.force(true);
  }

  private int roundUp(int bytes) {
    return (bytes + alignment - 1) / alignment * alignment;
  }

  @Override
  public void close() throws IOException {
    try (FileChannel ignored = direct) {
      buffered.close();
    }
  }

  /** An idle staging buffer, or a new one. */
  private ByteBuffer takeStaging() {
    ByteBuffer idle = idleStaging.poll();
    return idle != null ? idle : DirectIo.alignedBuffer(STAGING_BYTES, alignment);
  }

  /** One piece's bytes on their way into the file. */
  final class PieceWrite implements AutoCloseable {
    private final ByteBuffer staging;
    private final StagedDirectWrite out;
    private long expected;

    private PieceWrite(long start) {
      this.staging = direct == null ? null : takeStaging();
      this.out = new StagedDirectWrite(buffered, direct, staging, alignment, start, directBytes::addAndGet);
    }

    /**
     * Takes the bytes at {@code offsetInPiece}: the next ones, or the piece again from its first
     * byte (another replica, after one failed part-way).
     */
    void write(long offsetInPiece, ByteBuffer data) {
      if (offsetInPiece != expected) {
        if (offsetInPiece != 0) {
          throw new IllegalStateException("piece bytes at " + offsetInPiece + ", expected " + expected + " or 0");
        }
        out.restart();
        expected = 0;
      }
      expected += data.remaining();
      try {
        out.write(data);
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }

    /** Writes the bytes still staged; the piece is then wholly in the file. */
    void finish() {
      try {
        out.finish();
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }

    @Override
    public void close() {
      if (staging != null) {
        idleStaging.offer(staging);
      }
    }
  }
}
