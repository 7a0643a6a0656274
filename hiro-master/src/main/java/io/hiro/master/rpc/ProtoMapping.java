package io.hiro.master.rpc;

import com.google.protobuf.ByteString;
import io.hiro.common.Checks;
import io.hiro.common.PieceId;
import io.hiro.common.Primitives;
import io.hiro.common.WorkerId;
import io.hiro.master.core.ClusterView;
import io.hiro.master.core.FileView;
import io.hiro.master.core.FsckView;
import io.hiro.master.core.HeartbeatReply;
import io.hiro.master.core.ReplicaChanges;
import io.hiro.master.core.PieceCommit;
import io.hiro.master.core.PieceView;
import io.hiro.master.core.UploadView;
import io.hiro.master.core.WorkerAddress;
import io.hiro.proto.ClusterReportResponse;
import io.hiro.proto.CommittedPiece;
import io.hiro.proto.CopyOrder;
import io.hiro.proto.CreateFileResponse;
import io.hiro.proto.DeleteOrder;
import io.hiro.proto.FileStatus;
import io.hiro.proto.FsckFile;
import io.hiro.proto.FsckResponse;
import io.hiro.proto.HeartbeatResponse;
import io.hiro.proto.PieceRef;
import io.hiro.proto.ReplicaReport;
import io.hiro.proto.ReportReplicasRequest;
import io.hiro.proto.WorkerRef;
import io.hiro.proto.WorkerStatus;
import java.util.ArrayList;
import java.util.List;

/** Core values to proto messages and back. Pure functions, no state. */
final class ProtoMapping {
  /** Reasons from workers and clients are cut to this many characters before they reach a log. */
  static final int REASON_LENGTH_MAX = 1024;

  private ProtoMapping() {}

  static PieceRef piece(PieceView piece) {
    PieceRef.Builder builder = PieceRef.newBuilder()
        .setPieceId(piece.id().value())
        .setIndex(piece.index())
        .setOffset(piece.offsetBytes())
        .setLength(piece.lengthBytes())
        .setCrc32C(piece.crc32c())
        .setToken(ByteString.copyFrom(piece.token()));
    for (WorkerAddress replica : piece.replicas()) {
      builder.addReplicas(worker(replica));
    }
    return builder.build();
  }

  static WorkerRef worker(WorkerAddress worker) {
    return WorkerRef.newBuilder().setWorkerId(worker.id().value()).setAddress(worker.address().toString()).build();
  }

  static FileStatus file(FileView file) {
    FileStatus.Builder builder = FileStatus.newBuilder()
        .setPath(file.path().toString())
        .setDirectory(file.directory())
        .setSizeBytes(file.sizeBytes())
        .setReplication(file.replication())
        .setPieceSizeBytes(file.pieceSizeBytes())
        .setModifiedMillis(file.modifiedMillis())
        .setFileId(file.fileId().value())
        .setVersion(file.version())
        .setSha256(ByteString.copyFrom(file.sha256()))
        .setChildren(file.children());
    file.pieces().forEach(p -> builder.addPieces(piece(p)));
    return builder.build();
  }

  static CreateFileResponse upload(UploadView upload) {
    CreateFileResponse.Builder builder = CreateFileResponse.newBuilder()
        .setUploadId(upload.uploadId())
        .setFileId(upload.fileId().value())
        .setVersion(upload.version())
        .setReplication(upload.replication())
        .setReplicationGranted(upload.replicationGranted())
        .setPieceSizeBytes(upload.pieceSizeBytes())
        .setMinReplicas(upload.minReplicas());
    upload.pieces().forEach(p -> builder.addPieces(piece(p)));
    return builder.build();
  }

  static PieceCommit commit(CommittedPiece piece) {
    Checks.require(piece.getIndex() >= 0 && piece.getIndex() <= Integer.MAX_VALUE,
        "piece index %d is out of range", piece.getIndex());
    List<WorkerId> workers = new ArrayList<>(piece.getWorkerIdsCount());
    for (String id : piece.getWorkerIdsList()) {
      workers.add(new WorkerId(id));
    }
    return new PieceCommit((int) piece.getIndex(), new PieceId(piece.getPieceId()), piece.getLength(),
        piece.getCrc32C(), workers);
  }

  static FsckResponse fsck(FsckView view) {
    FsckResponse.Builder builder = FsckResponse.newBuilder()
        .setFilesChecked(view.filesChecked())
        .setFilesUnreadable(view.filesUnreadable())
        .setFilesUnderReplicated(view.filesUnderReplicated())
        .setSafeMode(view.safeMode())
        .setTruncated(view.truncated());
    for (FsckView.FsckFile file : view.files()) {
      builder.addFiles(FsckFile.newBuilder()
          .setPath(file.path().toString())
          .setSizeBytes(file.sizeBytes())
          .setReplication(file.replication())
          .setPieces(file.pieces())
          .setMissingPieces(file.missingPieces())
          .setUnderReplicatedPieces(file.underReplicatedPieces())
          .setCorruptReplicas(file.corruptReplicas())
          .setState(file.state()));
    }
    return builder.build();
  }

  static HeartbeatResponse heartbeat(HeartbeatReply reply) {
    HeartbeatResponse.Builder builder = HeartbeatResponse.newBuilder().setRegisterAgain(reply.registerAgain())
        .setAnswerId(reply.answerId());
    for (HeartbeatReply.DeleteOrder order : reply.deletes()) {
      builder.addDeletes(DeleteOrder.newBuilder()
          .setPieceId(order.pieceId().value())
          .setToken(ByteString.copyFrom(order.token())));
    }
    for (HeartbeatReply.CopyOrder order : reply.copies()) {
      builder.addCopies(CopyOrder.newBuilder()
          .setPieceId(order.pieceId().value())
          .setTarget(worker(order.target()))
          .setToken(ByteString.copyFrom(order.token())));
    }
    return builder.build();
  }

  static ReplicaChanges changes(ReportReplicasRequest request) {
    List<ReplicaChanges.CopyFailure> failures = request.getFailedCopiesList().stream()
        .map(f -> new ReplicaChanges.CopyFailure(new PieceId(f.getPieceId()), new WorkerId(f.getTargetWorkerId()),
            f.getReason().length() > REASON_LENGTH_MAX ? f.getReason().substring(0, REASON_LENGTH_MAX) : f.getReason()))
        .toList();
    return new ReplicaChanges(pieceIds(request.getStoredList()), Primitives.longs(request.getRemovedPieceIdsList()),
        Primitives.longs(request.getCorruptPieceIdsList()), failures);
  }

  static long[] pieceIds(List<ReplicaReport> replicas) {
    long[] ids = new long[replicas.size()];
    for (int i = 0; i < ids.length; i++) {
      ids[i] = replicas.get(i).getPieceId();
    }
    return ids;
  }

  static ClusterReportResponse report(ClusterView view) {
    ClusterReportResponse.Builder builder = ClusterReportResponse.newBuilder()
        .setFileCount(view.fileCount())
        .setDirectoryCount(view.directoryCount())
        .setPieceCount(view.pieceCount())
        .setUnderReplicatedPieces(view.underReplicatedPieces())
        .setMissingPieces(view.missingPieces())
        .setBytesStored(view.bytesStored())
        .setSafeMode(view.safeMode())
        .setSafeModeRemainingMillis(view.safeModeRemainingMillis())
        .setPendingCopies(view.pendingCopies())
        .setSurplusReplicas(view.surplusReplicas())
        .setLastReplicaPieces(view.lastReplicaPieces())
        .setHealth(view.health().level().label())
        .addAllHealthReasons(view.health().reasons());
    for (ClusterView.WorkerState worker : view.workers()) {
      builder.addWorkers(WorkerStatus.newBuilder()
          .setWorkerId(worker.workerId())
          .setAddress(worker.address())
          .setState(worker.state())
          .setCapacityBytes(worker.capacityBytes())
          .setUsedBytes(worker.usedBytes())
          .setFreeBytes(worker.freeBytes())
          .setReplicaCount(worker.replicaCount())
          .setLastHeartbeatMillis(worker.lastHeartbeatMillis()));
    }
    return builder.build();
  }
}
