package io.hiro.master.core;

import io.hiro.common.Checks;
import io.hiro.master.store.CheckpointWriter;
import java.nio.ByteBuffer;
import java.util.Arrays;

/**
 * One committed version of a file, immutable (an overwrite swaps in a new node). Kept compact,
 * since the master holds one per file: the SHA-256 sits in four longs, the first piece's id and
 * CRC in fields of their own (most files have one piece), the other pieces' in primitive arrays,
 * and lengths follow from the size and the piece size (every piece is {@code pieceSizeBytes} long
 * except a shorter last one). A one-piece file costs 104 bytes here.
 *
 * <p>Invariants: the file has {@code pieceCount(sizeBytes, pieceSizeBytes)} pieces; the arrays
 * hold the pieces after the first, or are null if there are none.
 */
final class FileNode implements Node, CheckpointWriter.FileFields {
  private static final int SHA256_BYTES = 32;

  final long fileId;
  final long sizeBytes;
  final int replication;
  /** At most {@link io.hiro.common.Limits#PIECE_SIZE_MAX_BYTES} (1 GiB): an int keeps the node at 104 bytes. */
  private final int pieceSizeBytes;
  final long version;
  final long modifiedMillis;
  private final long sha0;
  private final long sha1;
  private final long sha2;
  private final long sha3;
  private final long firstPieceId;
  private final int firstCrc;
  private final long[] laterPieceIds;
  private final int[] laterCrcs;

  FileNode(long fileId, long sizeBytes, int replication, long pieceSizeBytes, long version, long modifiedMillis,
      byte[] sha256, long[] pieceIds, int[] crcs) {
    Checks.check(pieceIds.length == pieceCount(sizeBytes, pieceSizeBytes) && crcs.length == pieceIds.length,
        "file %x: %d piece ids and %d crcs for %d bytes in pieces of %d",
        fileId, pieceIds.length, crcs.length, sizeBytes, pieceSizeBytes);
    Checks.check(sha256.length == SHA256_BYTES, "file %x: a SHA-256 of %d bytes", fileId, sha256.length);
    this.fileId = fileId;
    this.sizeBytes = sizeBytes;
    this.replication = replication;
    this.pieceSizeBytes = Math.toIntExact(pieceSizeBytes);
    this.version = version;
    this.modifiedMillis = modifiedMillis;
    ByteBuffer sha = ByteBuffer.wrap(sha256);
    this.sha0 = sha.getLong();
    this.sha1 = sha.getLong();
    this.sha2 = sha.getLong();
    this.sha3 = sha.getLong();
    this.firstPieceId = pieceIds.length == 0 ? 0 : pieceIds[0];
    this.firstCrc = crcs.length == 0 ? 0 : crcs[0];
    this.laterPieceIds = pieceIds.length > 1 ? Arrays.copyOfRange(pieceIds, 1, pieceIds.length) : null;
    this.laterCrcs = crcs.length > 1 ? Arrays.copyOfRange(crcs, 1, crcs.length) : null;
  }

  @Override
  public long modifiedMillis() {
    return modifiedMillis;
  }

  @Override
  public long fileId() {
    return fileId;
  }

  @Override
  public long sizeBytes() {
    return sizeBytes;
  }

  @Override
  public int replication() {
    return replication;
  }

  @Override
  public long version() {
    return version;
  }

  @Override
  public int pieceCount() {
    return (int) pieceCount(sizeBytes, pieceSizeBytes);
  }

  @Override
  public long pieceId(int index) {
    return index == 0 ? firstPieceId : laterPieceIds[index - 1];
  }

  @Override
  public int crc(int index) {
    return index == 0 ? firstCrc : laterCrcs[index - 1];
  }

  @Override
  public long sha256Word(int index) {
    return switch (index) {
      case 0 -> sha0;
      case 1 -> sha1;
      case 2 -> sha2;
      case 3 -> sha3;
      default -> throw new IndexOutOfBoundsException(index);
    };
  }

  /** The piece ids in order (a new array). */
  long[] pieceIds() {
    long[] ids = new long[pieceCount()];
    for (int i = 0; i < ids.length; i++) {
      ids[i] = pieceId(i);
    }
    return ids;
  }

  /** The pieces' CRC32Cs in order (a new array). */
  int[] crcs() {
    int[] out = new int[pieceCount()];
    for (int i = 0; i < out.length; i++) {
      out[i] = crc(i);
    }
    return out;
  }

  /** The whole file's SHA-256 (a new array). */
  byte[] sha256() {
    return ByteBuffer.allocate(SHA256_BYTES).putLong(sha0).putLong(sha1).putLong(sha2).putLong(sha3).array();
  }

  @Override
  public long pieceSizeBytes() {
    return pieceSizeBytes;
  }

  long pieceLength(int index) {
    return pieceLength(sizeBytes, pieceSizeBytes, index);
  }

  static long pieceCount(long sizeBytes, long pieceSizeBytes) {
    return (sizeBytes + pieceSizeBytes - 1) / pieceSizeBytes;
  }

  static long pieceLength(long sizeBytes, long pieceSizeBytes, int index) {
    return Math.min(pieceSizeBytes, sizeBytes - index * pieceSizeBytes);
  }
}
