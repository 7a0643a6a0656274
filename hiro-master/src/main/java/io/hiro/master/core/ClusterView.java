package io.hiro.master.core;

import java.util.List;

/**
 * The health of the cluster, for {@code hiro admin report}, the status page, {@code /status.json} and
 * the metrics: one snapshot taken under the master's lock. Under-replicated pieces include the missing
 * ones (no good live replica) and the last-replica ones (one good live replica left while their file wants
 * more); {@code pendingCopies} are re-replication copies ordered and not yet confirmed;
 * {@code surplusReplicas} are good live replicas beyond what their files want (removed soon);
 * {@code reportMillis} is the master's clock when the snapshot was taken; {@code events} the recent
 * events, oldest first.
 */
public record ClusterView(List<WorkerState> workers, long fileCount, long directoryCount, long pieceCount,
    long underReplicatedPieces, long missingPieces, long lastReplicaPieces, long bytesStored, boolean safeMode,
    long safeModeRemainingMillis, long pendingCopies, long surplusReplicas, long reportMillis,
    List<ClusterEvent> events) {
  public ClusterView {
    workers = List.copyOf(workers);
    events = List.copyOf(events);
  }

  /** OK, DEGRADED or AT RISK, with the reasons (see {@link ClusterHealth}). */
  public ClusterHealth health() {
    return ClusterHealth.of(this);
  }

  /** One worker: {@code state} is live, suspect, dead or missing (expected but never registered; its id is empty). */
  public record WorkerState(String workerId, String address, String state, long capacityBytes, long usedBytes,
      long freeBytes, long replicaCount, long lastHeartbeatMillis) {}
}
