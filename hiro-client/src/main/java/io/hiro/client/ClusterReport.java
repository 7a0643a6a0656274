package io.hiro.client;

import java.util.List;

/**
 * The health of the cluster, as the master reports it for {@code hiro admin report}: in safe mode (after
 * a restart, until the workers it knew have reported) the master copies and deletes nothing;
 * {@code pendingCopies} are re-replication copies in flight, {@code surplusReplicas} replicas beyond
 * what their files want, about to be removed; {@code lastReplicaPieces} pieces with one good replica left
 * while their file wants more; {@code health} is OK, DEGRADED or AT RISK (empty from a master too old to
 * say), {@code healthReasons} why, worst first.
 */
public record ClusterReport(List<WorkerInfo> workers, long fileCount, long directoryCount, long pieceCount,
                            long underReplicatedPieces, long missingPieces, long bytesStored, boolean safeMode,
                            long safeModeRemainingMillis, long pendingCopies, long surplusReplicas,
                            long lastReplicaPieces, String health, List<String> healthReasons) {
  public ClusterReport {
    workers = List.copyOf(workers);
    healthReasons = List.copyOf(healthReasons);
  }

  /** A report without a health verdict. */
  public ClusterReport(List<WorkerInfo> workers, long fileCount, long directoryCount, long pieceCount,
                       long underReplicatedPieces, long missingPieces, long bytesStored, boolean safeMode,
                       long safeModeRemainingMillis, long pendingCopies, long surplusReplicas) {
    this(workers, fileCount, directoryCount, pieceCount, underReplicatedPieces, missingPieces, bytesStored, safeMode,
        safeModeRemainingMillis, pendingCopies, surplusReplicas, 0, "", List.of());
  }

  /** A report with no safe mode, no pending work and no health verdict. */
  public ClusterReport(List<WorkerInfo> workers, long fileCount, long directoryCount, long pieceCount,
                       long underReplicatedPieces, long missingPieces, long bytesStored) {
    this(workers, fileCount, directoryCount, pieceCount, underReplicatedPieces, missingPieces, bytesStored, false, 0,
        0, 0);
  }
}
