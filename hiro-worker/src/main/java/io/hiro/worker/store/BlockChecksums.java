package io.hiro.worker.store;

import io.hiro.common.Checks;
import io.hiro.common.Crc32c;
import io.hiro.common.Limits;
import io.hiro.common.PieceId;
import io.hiro.proto.ReplicaMeta;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.zip.CRC32C;

/**
 * The CRC32C of each {@link Limits#REPLICA_BLOCK_BYTES} block of a replica and of the whole piece,
 * computed as bytes arrive in messages of any size (one pass over the bytes: the whole piece's CRC
 * is the blocks' combined); and their verification on read.
 */
public final class BlockChecksums {
  public static final int BLOCK_BYTES = Limits.REPLICA_BLOCK_BYTES;
  /** {@link Crc32c#shift} of a whole block. */
  private static final int BLOCK_SHIFT = Crc32c.shift(BLOCK_BYTES);

  private final List<Integer> blocks = new ArrayList<>();
  /** The CRC32C of the blocks closed so far. */
  private int whole;
  private CRC32C block = new CRC32C();
  private int blockFillBytes;

  public void update(ByteBuffer bytes) {
    ByteBuffer rest = bytes.duplicate();
    while (rest.hasRemaining()) {
      int take = Math.min(rest.remaining(), BLOCK_BYTES - blockFillBytes);
      ByteBuffer part = rest.slice(rest.position(), take);
      block.update(part);
      rest.position(rest.position() + take);
      blockFillBytes += take;
      if (blockFillBytes == BLOCK_BYTES) {
        closeBlock();
      }
    }
  }

  /** Fills in the checksums of a finished replica. */
  public ReplicaMeta.Builder finish(ReplicaMeta.Builder meta) {
    if (blockFillBytes > 0) {
      closeBlock();
    }
    return meta.setCrc32C(whole)
        .setBlockSizeBytes(BLOCK_BYTES)
        .clearBlockCrc32C()
        .addAllBlockCrc32C(blocks);
  }

  private void closeBlock() {
    int crc = (int) block.getValue();
    blocks.add(crc);
    whole = blockFillBytes == BLOCK_BYTES ? Crc32c.combineWithShift(BLOCK_SHIFT, whole, crc)
        : Crc32c.combine(whole, crc, blockFillBytes);
    block = new CRC32C();
    blockFillBytes = 0;
  }

  /** Blocks a replica of {@code lengthBytes} has. */
  public static int blockCount(long lengthBytes) {
    return Math.toIntExact((lengthBytes + BLOCK_BYTES - 1) / BLOCK_BYTES);
  }

  /** True if the metadata is self-consistent (right block size and count). */
  public static boolean isWellFormed(ReplicaMeta meta) {
    return meta.getLength() >= 0
        && meta.getBlockSizeBytes() == BLOCK_BYTES
        && meta.getBlockCrc32CCount() == blockCount(meta.getLength());
  }

  /**
   * Verifies whole blocks read from a replica: {@code bytes} starts at block {@code firstBlock}.
   * A mismatch is a {@link CorruptReplicaException} (DATA_LOSS) naming the piece, the block and the worker.
   * Returns the CRC32C of {@code bytes[0..length)}, the blocks' combined.
   */
  public static int verify(ReplicaMeta meta, int firstBlock, byte[] bytes, int length, String node) {
    Checks.check(meta.getBlockSizeBytes() == BLOCK_BYTES, "block size %d", meta.getBlockSizeBytes());
    int all = 0;
    for (int start = 0, index = firstBlock; start < length; start += BLOCK_BYTES, index++) {
      int size = Math.min(BLOCK_BYTES, length - start);
      int crc = Crc32c.of(bytes, start, size);
      if (crc != meta.getBlockCrc32C(index)) {
        PieceId pieceId = new PieceId(meta.getPieceId());
        throw new CorruptReplicaException(meta, index, String.format("worker %s: replica of piece %s is corrupt "
            + "(block %d failed its CRC32C); read it from another replica", node, pieceId, index));
      }
      all = size == BLOCK_BYTES ? Crc32c.combineWithShift(BLOCK_SHIFT, all, crc) : Crc32c.combine(all, crc, size);
    }
    return all;
  }
}
