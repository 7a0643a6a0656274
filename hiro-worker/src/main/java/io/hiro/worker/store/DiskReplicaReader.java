package io.hiro.worker.store;

import io.hiro.common.Checks;
import io.hiro.common.Crc32c;
import io.hiro.common.PieceId;
import io.hiro.proto.ReplicaMeta;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/** Reads whole blocks of a replica file, verifies their CRC32C, and returns the bytes asked for. */
final class DiskReplicaReader implements ReplicaReader {
  private static final byte[] NONE = new byte[0];

  private final ReplicaMeta meta;
  private final PieceId pieceId;
  private final String node;
  private final FileChannel channel;
  /**
   * The array {@link #readTransient} fills, kept from one read to the next until {@link #releaseKept};
   * grown to the largest.
   */
  private byte[] kept = NONE;

  private DiskReplicaReader(ReplicaMeta meta, String node, FileChannel channel) {
    this.meta = meta;
    this.pieceId = new PieceId(meta.getPieceId());
    this.node = node;
    this.channel = channel;
  }

  static DiskReplicaReader open(Path pieceFile, ReplicaMeta meta, String node) {
    PieceId pieceId = new PieceId(meta.getPieceId());
    try {
      FileChannel channel = FileChannel.open(pieceFile, StandardOpenOption.READ);
      long sizeBytes;
      try {
        sizeBytes = channel.size();
      } catch (IOException e) {
        channel.close();
        throw e;
      }
      if (sizeBytes != PieceFile.sizeBytes(meta)) {
        channel.close();
        throw new CorruptReplicaException(meta, CorruptReplicaException.WHOLE_PIECE, String.format(
            "worker %s: replica of piece %s has %d bytes on disk, %d expected (%d of piece and its meta); "
                + "read it from another replica", node, pieceId, sizeBytes, PieceFile.sizeBytes(meta), meta.getLength()));
      }
      return new DiskReplicaReader(meta, node, channel);
    } catch (NoSuchFileException e) {
      throw new CorruptReplicaException(meta, CorruptReplicaException.WHOLE_PIECE,
          String.format("worker %s: the file of piece %s is gone; read it from another replica", node, pieceId));
    } catch (IOException e) {
      throw DiskErrors.of(e, node, "opening piece " + pieceId);
    }
  }

  @Override
  public ReplicaMeta meta() {
    return meta;
  }

  @Override
  public Checksummed read(long offset, int length) {
    return read(offset, length, false);
  }

  @Override
  public Checksummed readTransient(long offset, int length) {
    return read(offset, length, true);
  }

  /** Reads the whole blocks that hold the range, into {@link #kept} if {@code reuse} and they fit it. */
  private Checksummed read(long offset, int length, boolean reuse) {
    Checks.require(offset >= 0 && length >= 0 && offset + length <= meta.getLength(),
        "piece %s has %d bytes; cannot read %d bytes at offset %d", pieceId, meta.getLength(), length, offset);
    if (length == 0) {
      return new Checksummed(NONE, 0, 0, 0);
    }
    int blockBytes = BlockChecksums.BLOCK_BYTES;
    int firstBlock = Math.toIntExact(offset / blockBytes);
    long start = (long) firstBlock * blockBytes;
    long end = Math.min(meta.getLength(), ((offset + length + blockBytes - 1) / blockBytes) * blockBytes);
    int span = Math.toIntExact(end - start);
    byte[] blocks = reuse && kept.length >= span ? kept : new byte[span];
    if (reuse) {
      kept = blocks;
    }
    readFully(start, blocks, span);
    int crc = BlockChecksums.verify(meta, firstBlock, blocks, span, node);
    int from = Math.toIntExact(offset - start);
    if (from == 0 && span == length) {
      return new Checksummed(blocks, 0, length, crc); // the usual read: whole blocks, one message of a piece
    }
    return new Checksummed(blocks, from, length, Crc32c.of(blocks, from, length));
  }

  @Override
  public void releaseKept() {
    kept = NONE;
  }

  private void readFully(long position, byte[] into, int length) {
    ByteBuffer buffer = ByteBuffer.wrap(into, 0, length);
    try {
      while (buffer.hasRemaining()) {
        int n = channel.read(buffer, position + buffer.position());
        if (n < 0) {
          throw new CorruptReplicaException(meta, CorruptReplicaException.WHOLE_PIECE, String.format(
              "worker %s: replica of piece %s is shorter than its %d bytes", node, pieceId, meta.getLength()));
        }
      }
    } catch (IOException e) {
      throw DiskErrors.of(e, node, "reading piece " + pieceId);
    }
  }

  @Override
  public void close() {
    try {
      channel.close();
    } catch (IOException e) {
      // Nothing was written; nothing to lose.
    }
  }
}
