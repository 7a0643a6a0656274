package io.hiro.master.store;

import com.google.protobuf.ByteString;
import io.hiro.common.FileId;
import io.hiro.common.HiroPath;
import io.hiro.common.Primitives;
import io.hiro.common.WorkerId;
import io.hiro.master.core.Operation;
import io.hiro.proto.JournalAbortUpload;
import io.hiro.proto.JournalChain;
import io.hiro.proto.JournalCommitUpload;
import io.hiro.proto.JournalDelete;
import io.hiro.proto.JournalMkdir;
import io.hiro.proto.JournalMove;
import io.hiro.proto.JournalReassignChain;
import io.hiro.proto.JournalRecord;
import io.hiro.proto.JournalUpload;
import io.hiro.proto.JournalWorkerJoined;
import java.util.ArrayList;
import java.util.List;

/** Turns an {@link Operation} into a journal record and back; the two directions mirror each other. */
public final class OperationCodec {
  private OperationCodec() {}

  public static JournalRecord encode(long seq, Operation operation) {
    JournalRecord.Builder record = JournalRecord.newBuilder().setSeq(seq);
    switch (operation) {
      case Operation.StartUpload start -> record.setStartUpload(upload(start));
      case Operation.ReassignChain reassign -> record.setReassignChain(JournalReassignChain.newBuilder()
          .setUploadId(reassign.uploadId()).setIndex(reassign.index()).setChain(chain(reassign.chain())));
      case Operation.CommitUpload commit -> record.setCommitUpload(JournalCommitUpload.newBuilder()
          .setUploadId(commit.uploadId()).addAllCrcs(Primitives.boxed(commit.crcs()))
          .setSha256(ByteString.copyFrom(commit.sha256())).setModifiedMillis(commit.modifiedMillis()));
      case Operation.AbortUpload abort -> record.setAbortUpload(JournalAbortUpload.newBuilder()
          .setUploadId(abort.uploadId()).setReason(abort.reason()));
      case Operation.Mkdir mkdir -> record.setMkdir(JournalMkdir.newBuilder().setPath(mkdir.path().toString())
          .setParents(mkdir.parents()).setModifiedMillis(mkdir.modifiedMillis()));
      case Operation.Delete delete -> record.setDelete(JournalDelete.newBuilder().setPath(delete.path().toString())
          .setRecursive(delete.recursive()).setModifiedMillis(delete.modifiedMillis()));
      case Operation.Move move -> record.setMove(JournalMove.newBuilder().setSource(move.source().toString())
          .setDestination(move.destination().toString()).setModifiedMillis(move.modifiedMillis()));
      case Operation.WorkerJoined joined -> record.setWorkerJoined(
          JournalWorkerJoined.newBuilder().setWorkerId(joined.workerId().value()));
    }
    return record.build();
  }

  /** The operation in a record; throws {@link IllegalArgumentException} for a record this master cannot read. */
  public static Operation decode(JournalRecord record) {
    return switch (record.getOperationCase()) {
      case START_UPLOAD -> startUpload(record.getStartUpload());
      case REASSIGN_CHAIN -> new Operation.ReassignChain(record.getReassignChain().getUploadId(),
          record.getReassignChain().getIndex(), workers(record.getReassignChain().getChain()));
      case COMMIT_UPLOAD -> new Operation.CommitUpload(record.getCommitUpload().getUploadId(),
          Primitives.ints(record.getCommitUpload().getCrcsList()),
          record.getCommitUpload().getSha256().toByteArray(), record.getCommitUpload().getModifiedMillis());
      case ABORT_UPLOAD -> new Operation.AbortUpload(record.getAbortUpload().getUploadId(),
          record.getAbortUpload().getReason());
      case MKDIR -> new Operation.Mkdir(HiroPath.parse(record.getMkdir().getPath()), record.getMkdir().getParents(),
          record.getMkdir().getModifiedMillis());
      case DELETE -> new Operation.Delete(HiroPath.parse(record.getDelete().getPath()),
          record.getDelete().getRecursive(), record.getDelete().getModifiedMillis());
      case MOVE -> new Operation.Move(HiroPath.parse(record.getMove().getSource()),
          HiroPath.parse(record.getMove().getDestination()), record.getMove().getModifiedMillis());
      case WORKER_JOINED -> new Operation.WorkerJoined(new WorkerId(record.getWorkerJoined().getWorkerId()));
      case OPERATION_NOT_SET -> throw new IllegalArgumentException(
          "record " + record.getSeq() + " holds no operation this master knows (written by a newer version?)");
    };
  }

  public static JournalUpload upload(Operation.StartUpload start) {
    return JournalUpload.newBuilder()
        .setUploadId(start.uploadId()).setPath(start.path().toString()).setFileId(start.fileId().value())
        .setVersion(start.version()).setSizeBytes(start.sizeBytes()).setReplication(start.replication())
        .setPieceSizeBytes(start.pieceSizeBytes()).setOverwrite(start.overwrite())
        .setMinReplicas(start.minReplicas()).setCreatedMillis(start.createdMillis())
        .addAllPieceIds(Primitives.boxed(start.pieceIds()))
        .addAllChains(chains(start.chains()))
        .build();
  }

  public static Operation.StartUpload startUpload(JournalUpload upload) {
    return new Operation.StartUpload(upload.getUploadId(), HiroPath.parse(upload.getPath()),
        new FileId(upload.getFileId()), upload.getVersion(), upload.getSizeBytes(), upload.getReplication(),
        upload.getPieceSizeBytes(), upload.getOverwrite(), upload.getMinReplicas(), upload.getCreatedMillis(),
        Primitives.longs(upload.getPieceIdsList()),
        upload.getChainsList().stream().map(OperationCodec::workers).toList());
  }

  // Encoding loops rather than streams, as in Primitives: a put's CreateFile and CommitFile encode on
  // the master's network thread. Decoding runs only when the journal is replayed.

  private static JournalChain chain(List<WorkerId> chain) {
    JournalChain.Builder builder = JournalChain.newBuilder();
    for (WorkerId worker : chain) {
      builder.addWorkerIds(worker.value());
    }
    return builder.build();
  }

  private static List<JournalChain> chains(List<List<WorkerId>> chains) {
    List<JournalChain> encoded = new ArrayList<>(chains.size());
    for (List<WorkerId> chain : chains) {
      encoded.add(chain(chain));
    }
    return encoded;
  }

  private static List<WorkerId> workers(JournalChain chain) {
    return chain.getWorkerIdsList().stream().map(WorkerId::new).toList();
  }
}
