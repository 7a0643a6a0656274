package io.hiro.client;

import java.util.List;

/** The health of the cluster, as the master reports it for {@code hiro admin report}. */
public record ClusterReport(List<WorkerInfo> workers, long fileCount, long directoryCount, long pieceCount,
                            long underReplicatedPieces, long missingPieces, long bytesStored) {
  public ClusterReport {
    workers = List.copyOf(workers);
  }
}
