package io.hiro.client;

import java.util.List;

/**
 * The health of the cluster, as the master reports it for {@code hiro admin report}: in safe mode (after
 * a restart, until the workers it knew have reported) the master copies and deletes nothing;
 * {@code pendingCopies} are re-replication copies in flight, {@code surplusReplicas} replicas beyond
 * what their files want, about to be removed.
 */
public record ClusterReport(List<WorkerInfo> workers, long fileCount, long directoryCount, long pieceCount,
                            long underReplicatedPieces, long missingPieces, long bytesStored, boolean safeMode,
                            long safeModeRemainingMillis, long pendingCopies, long surplusReplicas) {
  public ClusterReport {
    workers = List.copyOf(workers);
  }

  /** A report with no safe mode and no pending work. */
  public ClusterReport(List<WorkerInfo> workers, long fileCount, long directoryCount, long pieceCount,
                       long underReplicatedPieces, long missingPieces, long bytesStored) {
    this(workers, fileCount, directoryCount, pieceCount, underReplicatedPieces, missingPieces, bytesStored, false, 0,
        0, 0);
  }
}
