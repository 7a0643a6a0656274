package io.hiro.worker.store;

import io.hiro.common.Checks;
import io.hiro.common.Crc32c;
import io.hiro.common.Limits;
import io.hiro.common.PieceId;
import io.hiro.proto.ReplicaMeta;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;

/**
 * The CRC32C of each {@link Limits#REPLICA_BLOCK_BYTES} block of a replica and of the whole piece,
 * computed as bytes arrive in messages of any size, in one pass over the bytes ({@link Parts}, which
 * also checks a message: its CRC and the whole piece's are the parts' combined); and their
 * verification on read.
 */
public final class BlockChecksums {
  public static final int BLOCK_BYTES = Limits.REPLICA_BLOCK_BYTES;
  /** {@link Crc32c#shift} of a whole block. */
  private static final int BLOCK_SHIFT = Crc32c.shift(BLOCK_BYTES);

  private final List<Integer> blocks = new ArrayList<>();
  /** The CRC32C of the blocks closed so far. */
  private int whole;
  /** The CRC32C of the block being filled, and how many of its bytes arrived. */
  private int block;
  private int blockFillBytes;

  /**
   * The CRC32C of each part of some bytes that falls in one block, the bytes starting {@code
   * position} bytes into the piece: what {@link #update(ByteBuffer, Parts)} needs, computed in the
   * one pass over the bytes, which also gives their own CRC ({@link #crc32c()}) to check them by.
   */
  public record Parts(long position, int length, int[] crcs) {
    public Parts {
      Checks.check(position >= 0 && length >= 0 && crcs.length == count(position, length),
          "%d parts for %d bytes at %d", crcs.length, length, position);
    }

    /** The CRC32C of all the bytes. */
    public int crc32c() {
      int all = 0;
      int offset = 0;
      for (int crc : crcs) {
        int size = partBytes(position + offset, length - offset);
        all = append(all, crc, size);
        offset += size;
      }
      return all;
    }

    /** How many blocks {@code length} bytes at {@code position} fall in. */
    private static int count(long position, int length) {
      return length == 0 ? 0 : (int) ((position % BLOCK_BYTES + length + BLOCK_BYTES - 1) / BLOCK_BYTES);
    }
  }

  /** {@code bytes}' parts, for bytes starting {@code position} bytes into the piece. */
  public static Parts parts(long position, ByteBuffer bytes) {
    int length = bytes.remaining();
    int[] crcs = new int[Parts.count(position, length)];
    int offset = 0;
    for (int i = 0; offset < length; i++) {
      int size = partBytes(position + offset, length - offset);
      crcs[i] = Crc32c.of(bytes.slice(bytes.position() + offset, size));
      offset += size;
    }
    return new Parts(position, length, crcs);
  }

  /** The CRC32C of bytes whose CRC32C is {@code crc} followed by {@code size} bytes whose CRC32C is {@code next}. */
  private static int append(int crc, int next, int size) {
    return size == BLOCK_BYTES ? Crc32c.combineWithShift(BLOCK_SHIFT, crc, next) : Crc32c.combine(crc, next, size);
  }

  /** The bytes of a part that starts {@code position} bytes into the piece, with {@code left} bytes left. */
  private static int partBytes(long position, int left) {
    return (int) Math.min(left, BLOCK_BYTES - position % BLOCK_BYTES);
  }

  public void update(ByteBuffer bytes) {
    update(bytes, parts(position(), bytes));
  }

  /** Takes the next bytes by their {@code parts}, without reading them again. */
  public void update(ByteBuffer bytes, Parts parts) {
    Checks.check(parts.position() == position() && parts.length() == bytes.remaining(),
        "parts of %d bytes at %d for %d bytes at %d", parts.length(), parts.position(), bytes.remaining(), position());
    long end = parts.position() + parts.length();
    for (int crc : parts.crcs()) {
      int size = partBytes(position(), (int) (end - position()));
      block = append(block, crc, size); // a new block starts from 0, the CRC of nothing
      blockFillBytes += size;
      if (blockFillBytes == BLOCK_BYTES) {
        closeBlock();
      }
    }
    Checks.check(position() == end, "parts ended at %d, not at %d", position(), end);
  }

  /** How many bytes were taken. */
  private long position() {
    return (long) blocks.size() * BLOCK_BYTES + blockFillBytes;
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
    blocks.add(block);
    whole = append(whole, block, blockFillBytes);
    block = 0;
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
      all = append(all, crc, size);
    }
    return all;
  }
}
