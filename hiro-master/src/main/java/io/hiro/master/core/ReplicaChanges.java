package io.hiro.master.core;

import io.hiro.common.PieceId;
import io.hiro.common.WorkerId;
import java.util.List;

/**
 * What a worker tells the master in a ReportReplicas call: replicas it stored and removed, replicas it
 * found corrupt (it no longer serves them), and copy orders it could not carry out.
 */
public record ReplicaChanges(long[] stored, long[] removed, long[] corrupt, List<CopyFailure> failedCopies) {
  public ReplicaChanges {
    failedCopies = List.copyOf(failedCopies);
  }

  public static ReplicaChanges of(long[] stored, long[] removed) {
    return new ReplicaChanges(stored, removed, new long[0], List.of());
  }

  /** A copy of {@code pieceId} to {@code target} that failed, and why (for the log). */
  public record CopyFailure(PieceId pieceId, WorkerId target, String reason) {}
}
