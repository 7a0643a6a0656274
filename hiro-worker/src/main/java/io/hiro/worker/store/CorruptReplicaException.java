package io.hiro.worker.store;

import io.hiro.common.ErrorCode;
import io.hiro.common.HiroException;
import io.hiro.common.PieceId;

/**
 * A replica on this worker failed its checksum (or its data file is missing or has the wrong
 * size): DATA_LOSS for whoever read it, and a replica to move aside and report.
 */
public final class CorruptReplicaException extends HiroException {
  private static final long serialVersionUID = 1L;
  /** The block that failed, or this when the piece as a whole is wrong (size, whole CRC, file gone). */
  public static final int WHOLE_PIECE = -1;

  private final transient PieceId pieceId;
  private final int block;

  public CorruptReplicaException(PieceId pieceId, int block, String message) {
    super(ErrorCode.DATA_LOSS, message);
    this.pieceId = pieceId;
    this.block = block;
  }

  public PieceId pieceId() {
    return pieceId;
  }

  /** The index of the block that failed its CRC32C, or {@link #WHOLE_PIECE}. */
  public int block() {
    return block;
  }
}
