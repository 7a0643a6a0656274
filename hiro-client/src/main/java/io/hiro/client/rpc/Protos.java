package io.hiro.client.rpc;

import io.hiro.client.ClusterReport;
import io.hiro.client.FileInfo;
import io.hiro.client.PieceInfo;
import io.hiro.client.ReplicaLocation;
import io.hiro.client.WorkerInfo;
import io.hiro.common.PieceId;
import io.hiro.common.WorkerId;
import io.hiro.proto.ClusterReportResponse;
import io.hiro.proto.FileStatus;
import io.hiro.proto.PieceRef;
import io.hiro.proto.WorkerRef;
import io.hiro.proto.WorkerStatus;
import java.util.HexFormat;
import java.util.List;

/** Turns the master's messages into the client library's records. */
public final class Protos {
  private Protos() {}

  public static FileInfo fileInfo(FileStatus file) {
    return new FileInfo(file.getPath(), file.getDirectory(), file.getSizeBytes(), file.getReplication(),
        file.getPieceSizeBytes(), file.getModifiedMillis(), HexFormat.of().formatHex(file.getSha256().toByteArray()),
        file.getPiecesList().stream().map(Protos::pieceInfo).toList());
  }

  public static PieceInfo pieceInfo(PieceRef piece) {
    return pieceInfo(piece, piece.getReplicasList());
  }

  public static PieceInfo pieceInfo(PieceRef piece, List<WorkerRef> replicas) {
    return new PieceInfo(new PieceId(piece.getPieceId()), piece.getIndex(), piece.getOffset(), piece.getLength(),
        piece.getCrc32C(), replicas.stream().map(Protos::replica).toList());
  }

  public static ReplicaLocation replica(WorkerRef worker) {
    return new ReplicaLocation(new WorkerId(worker.getWorkerId()), worker.getAddress());
  }

  public static ClusterReport clusterReport(ClusterReportResponse report) {
    return new ClusterReport(report.getWorkersList().stream().map(Protos::workerInfo).toList(), report.getFileCount(),
        report.getDirectoryCount(), report.getPieceCount(), report.getUnderReplicatedPieces(),
        report.getMissingPieces(), report.getBytesStored(), report.getSafeMode(), report.getSafeModeRemainingMillis(),
        report.getPendingCopies(), report.getSurplusReplicas(), report.getLastReplicaPieces(), report.getHealth(),
        report.getHealthReasonsList());
  }

  public static WorkerInfo workerInfo(WorkerStatus worker) {
    return new WorkerInfo(worker.getWorkerId(), worker.getAddress(), worker.getState(), worker.getCapacityBytes(),
        worker.getUsedBytes(), worker.getFreeBytes(), worker.getReplicaCount(), worker.getLastHeartbeatMillis());
  }
}
