package io.hiro.master.core;

import io.hiro.common.PieceId;
import java.util.List;

/**
 * The master's answer to a heartbeat: register again (it does not know the worker), replicas to
 * delete, and re-replication copies to send. Both lists are empty in safe mode. Every order carries
 * the piece token the worker checks before it acts: DELETE for a delete, COPY for a copy.
 * {@code answerId} names the deletes (0 when there are none); the worker echoes it once it took them in.
 */
public record HeartbeatReply(boolean registerAgain, List<DeleteOrder> deletes, List<CopyOrder> copies,
    long answerId) {
  public HeartbeatReply {
    deletes = List.copyOf(deletes);
    copies = List.copyOf(copies);
  }

  /** Nothing to do (safe mode), or only to register again. */
  static HeartbeatReply empty(boolean registerAgain) {
    return new HeartbeatReply(registerAgain, List.of(), List.of(), 0);
  }

  /** The ids of the pieces to delete, in order. */
  public long[] deletePieceIds() {
    return deletes.stream().mapToLong(d -> d.pieceId().value()).toArray();
  }

  /** Delete this worker's replica of a piece, which it does only with the DELETE {@code token} for that piece. */
  public record DeleteOrder(PieceId pieceId, byte[] token) {}

  /** Copy this worker's replica of a piece to {@code target}, which takes it with the COPY {@code token}. */
  public record CopyOrder(PieceId pieceId, WorkerAddress target, byte[] token) {}
}
