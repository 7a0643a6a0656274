package io.hiro.master.core;

import io.hiro.common.Checks;

/**
 * One committed version of a file, immutable (an overwrite swaps in a new node). Kept compact:
 * piece ids and CRCs sit in primitive arrays and lengths follow from the size and the piece size
 * (every piece is {@code pieceSizeBytes} long except a shorter last one), so a single-piece file
 * costs about a hundred bytes here.
 *
 * <p>Invariants: {@code pieceIds.length == crcs.length == pieceCount(sizeBytes, pieceSizeBytes)}.
 */
final class FileNode implements Node {
  final long fileId;
  final long sizeBytes;
  final int replication;
  final long pieceSizeBytes;
  final long version;
  final long modifiedMillis;
  final byte[] sha256;
  final long[] pieceIds;
  final int[] crcs;

  FileNode(long fileId, long sizeBytes, int replication, long pieceSizeBytes, long version, long modifiedMillis,
      byte[] sha256, long[] pieceIds, int[] crcs) {
    Checks.check(pieceIds.length == pieceCount(sizeBytes, pieceSizeBytes) && crcs.length == pieceIds.length,
        "file %x: %d piece ids and %d crcs for %d bytes in pieces of %d",
        fileId, pieceIds.length, crcs.length, sizeBytes, pieceSizeBytes);
    this.fileId = fileId;
    this.sizeBytes = sizeBytes;
    this.replication = replication;
    this.pieceSizeBytes = pieceSizeBytes;
    this.version = version;
    this.modifiedMillis = modifiedMillis;
    this.sha256 = sha256;
    this.pieceIds = pieceIds;
    this.crcs = crcs;
  }

  @Override
  public long modifiedMillis() {
    return modifiedMillis;
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
