package io.hiro.master.core;

import java.util.List;

/**
 * The master's answer to a heartbeat: register again (it does not know the worker), replicas to
 * delete, and re-replication copies to send. Both lists are empty in safe mode.
 */
public record HeartbeatReply(boolean registerAgain, long[] deletePieceIds, List<CopyOrder> copies) {
  public HeartbeatReply {
    copies = List.copyOf(copies);
  }

  /** Copy this worker's replica of a piece to {@code target}, which takes it with the COPY {@code token}. */
  public record CopyOrder(io.hiro.common.PieceId pieceId, WorkerAddress target, byte[] token) {}
}
