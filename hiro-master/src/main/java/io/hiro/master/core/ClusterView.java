package io.hiro.master.core;

import java.util.List;

/** The health of the cluster, for {@code hiro admin report}. */
public record ClusterView(List<WorkerState> workers, long fileCount, long directoryCount, long pieceCount,
    long underReplicatedPieces, long missingPieces, long bytesStored) {
  public ClusterView {
    workers = List.copyOf(workers);
  }

  /** One worker: {@code state} is live, dead or missing (expected but never registered; its id is empty). */
  public record WorkerState(String workerId, String address, String state, long capacityBytes, long usedBytes,
      long freeBytes, long replicaCount, long lastHeartbeatMillis) {}
}
