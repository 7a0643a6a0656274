package io.hiro.worker.store;

import io.hiro.common.ErrorCode;
import io.hiro.common.HiroException;
import io.hiro.common.PieceId;
import io.hiro.proto.ReplicaMeta;

/**
 * A replica on this worker failed its checksum (or its data file is missing or has the wrong
 * size): DATA_LOSS for whoever read it, and a replica to move aside and report.
 */
public final class CorruptReplicaException extends HiroException {
  private static final long serialVersionUID = 1L;
  /** The block that failed, or this when the piece as a whole is wrong (size, whole CRC, file gone). */
  public static final int WHOLE_PIECE = -1;

  private final transient ReplicaMeta replica;
  private final int block;

  /** @param replica the meta of the replica that was read (its identity tells it from a newer one of the same piece) */
  public CorruptReplicaException(ReplicaMeta replica, int block, String message) {
    super(ErrorCode.DATA_LOSS, message);
    this.replica = replica;
    this.block = block;
  }

  public PieceId pieceId() {
    return new PieceId(replica.getPieceId());
  }

  /** The meta of the replica that was found corrupt, as the store listed it when it was opened. */
  public ReplicaMeta replica() {
    return replica;
  }

  /** The index of the block that failed its CRC32C, or {@link #WHOLE_PIECE}. */
  public int block() {
    return block;
  }
}
