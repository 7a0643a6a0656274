package io.hiro.master.core;

import java.util.List;

/**
 * The health of the cluster, for {@code hiro admin report}. Under-replicated pieces include the missing
 * ones (no good live replica); {@code pendingCopies} are re-replication copies ordered and not yet
 * confirmed; {@code surplusReplicas} are good live replicas beyond what their files want (removed soon).
 */
public record ClusterView(List<WorkerState> workers, long fileCount, long directoryCount, long pieceCount,
    long underReplicatedPieces, long missingPieces, long bytesStored, boolean safeMode,
    long safeModeRemainingMillis, long pendingCopies, long surplusReplicas) {
  public ClusterView {
    workers = List.copyOf(workers);
  }

  /** One worker: {@code state} is live, dead or missing (expected but never registered; its id is empty). */
  public record WorkerState(String workerId, String address, String state, long capacityBytes, long usedBytes,
      long freeBytes, long replicaCount, long lastHeartbeatMillis) {}
}
