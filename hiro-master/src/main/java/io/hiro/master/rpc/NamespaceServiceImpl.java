package io.hiro.master.rpc;

import io.grpc.stub.StreamObserver;
import io.hiro.common.Checks;
import io.hiro.common.HiroPath;
import io.hiro.common.PieceId;
import io.hiro.common.WorkerId;
import io.hiro.master.core.FileView;
import io.hiro.master.core.Master;
import io.hiro.master.core.PieceCommit;
import io.hiro.proto.AbortUploadRequest;
import io.hiro.proto.AbortUploadResponse;
import io.hiro.proto.AllocateChainRequest;
import io.hiro.proto.AllocateChainResponse;
import io.hiro.proto.ClusterReportRequest;
import io.hiro.proto.ClusterReportResponse;
import io.hiro.proto.CommitFileRequest;
import io.hiro.proto.CommitFileResponse;
import io.hiro.proto.CommittedPiece;
import io.hiro.proto.CreateFileRequest;
import io.hiro.proto.CreateFileResponse;
import io.hiro.proto.DeleteRequest;
import io.hiro.proto.DeleteResponse;
import io.hiro.proto.FsckRequest;
import io.hiro.proto.FsckResponse;
import io.hiro.proto.ListRequest;
import io.hiro.proto.ListResponse;
import io.hiro.proto.MkdirRequest;
import io.hiro.proto.MkdirResponse;
import io.hiro.proto.MoveRequest;
import io.hiro.proto.MoveResponse;
import io.hiro.proto.NamespaceServiceGrpc;
import io.hiro.proto.ReportBadReplicaRequest;
import io.hiro.proto.ReportBadReplicaResponse;
import io.hiro.proto.StatRequest;
import io.hiro.proto.StatResponse;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The namespace service for clients: decode, call {@link Master}, encode. Nothing else, but for
 * where a stat, a file's creation, its commit and a mkdir run ({@link #NETWORK_THREAD_METHODS}).
 */
public final class NamespaceServiceImpl extends NamespaceServiceGrpc.NamespaceServiceImplBase {
  private static final Logger LOG = LoggerFactory.getLogger(NamespaceServiceImpl.class);
  /**
   * The calls the server runs on the network thread that read them (full method names): their
   * handlers never block. See {@code Rpc.startServer}.
   */
  public static final Set<String> NETWORK_THREAD_METHODS = Set.of(NamespaceServiceGrpc.getStatMethod().getFullMethodName(),
      NamespaceServiceGrpc.getCreateFileMethod().getFullMethodName(),
      NamespaceServiceGrpc.getCommitFileMethod().getFullMethodName(),
      NamespaceServiceGrpc.getMkdirMethod().getFullMethodName());
  private final Master master;

  public NamespaceServiceImpl(Master master) {
    this.master = master;
  }

  /**
   * Runs on the network thread ({@link #NETWORK_THREAD_METHODS}): the upload is opened at once when
   * the state's lock is free and it has few pieces, else on a virtual thread, where it may wait for
   * the lock. Nothing waits for the journal: the commit does.
   */
  @Override
  public void createFile(CreateFileRequest request, StreamObserver<CreateFileResponse> responses) {
    LOG.debug("master: CreateFile {} ({} bytes)", request.getPath(), request.getSizeBytes());
    Replies.replyWithoutBlocking(LOG, "CreateFile " + request.getPath(), responses,
        () -> master.uploads().createFileIfReady(checkedPath(request), request.getSizeBytes(),
            request.getReplication(), request.getPieceSizeBytes(), request.getOverwrite()).map(ProtoMapping::upload),
        () -> ProtoMapping.upload(master.uploads().createFile(checkedPath(request), request.getSizeBytes(),
            request.getReplication(), request.getPieceSizeBytes(), request.getOverwrite())));
  }

  /** The file's path, once the request's replication and piece size are checked (0 means the master's default). */
  private static HiroPath checkedPath(CreateFileRequest request) {
    HiroPath path = HiroPath.parse(request.getPath());
    Checks.require(request.getReplication() >= 0, "replication %d is negative", request.getReplication());
    Checks.require(request.getPieceSizeBytes() >= 0, "piece size %d is negative", request.getPieceSizeBytes());
    return path;
  }

  @Override
  public void allocateChain(AllocateChainRequest request, StreamObserver<AllocateChainResponse> responses) {
    Replies.reply(LOG, "AllocateChain", responses, () -> {
      LOG.debug("master: AllocateChain upload {} piece {}", Long.toHexString(request.getUploadId()), request.getIndex());
      Checks.require(request.getIndex() >= 0 && request.getIndex() < Integer.MAX_VALUE,
          "piece index %d is out of range", request.getIndex());
      Checks.require(request.getExcludeWorkerIdsCount() <= io.hiro.common.Limits.WORKERS_MAX,
          "%d workers excluded; the limit is %d", request.getExcludeWorkerIdsCount(), io.hiro.common.Limits.WORKERS_MAX);
      Set<WorkerId> excluded = new HashSet<>();
      request.getExcludeWorkerIdsList().forEach(id -> excluded.add(new WorkerId(id)));
      return AllocateChainResponse.newBuilder()
          .setPiece(ProtoMapping.piece(master.uploads().allocateChain(request.getUploadId(),
              (int) request.getIndex(), excluded)))
          .build();
    });
  }

  /**
   * Runs on the network thread ({@link #NETWORK_THREAD_METHODS}): the commit is made at once when
   * the state's lock is free and it has few pieces, and answered by the journal's callback thread
   * once durable; else it is made on a virtual thread, where it may wait for the lock.
   */
  @Override
  public void commitFile(CommitFileRequest request, StreamObserver<CommitFileResponse> responses) {
    if (LOG.isDebugEnabled()) {
      LOG.debug("master: CommitFile upload {} ({} pieces)", Long.toHexString(request.getUploadId()),
          request.getPiecesCount());
    }
    long uploadId = request.getUploadId();
    byte[] sha256 = request.getSha256().toByteArray();
    Replies.replyWhenDurable(LOG, "CommitFile", responses,
        answer -> master.uploads().commitFileIfReady(uploadId, commits(request), sha256,
            (file, failure) -> answer.accept(file == null ? null : commitResponse(file), failure)),
        () -> commitResponse(master.uploads().commitFile(uploadId, commits(request), sha256)));
  }

  private static List<PieceCommit> commits(CommitFileRequest request) {
    List<PieceCommit> commits = new ArrayList<>(request.getPiecesCount());
    for (CommittedPiece piece : request.getPiecesList()) {
      commits.add(ProtoMapping.commit(piece));
    }
    return commits;
  }

  private static CommitFileResponse commitResponse(FileView file) {
    return CommitFileResponse.newBuilder().setFile(ProtoMapping.file(file)).build();
  }

  @Override
  public void abortUpload(AbortUploadRequest request, StreamObserver<AbortUploadResponse> responses) {
    Replies.reply(LOG, "AbortUpload", responses, () -> {
      LOG.debug("master: AbortUpload {}", Long.toHexString(request.getUploadId()));
      master.uploads().abortUpload(request.getUploadId());
      return AbortUploadResponse.getDefaultInstance();
    });
  }

  /**
   * Runs on the network thread ({@link #NETWORK_THREAD_METHODS}): answered from memory at once when
   * that needs no wait, else on a virtual thread, where it may wait for the lock or the journal.
   */
  @Override
  public void stat(StatRequest request, StreamObserver<StatResponse> responses) {
    LOG.debug("master: Stat {}", request.getPath());
    Replies.replyWithoutBlocking(LOG, "Stat " + request.getPath(), responses,
        () -> master.statIfReady(HiroPath.parse(request.getPath()), request.getWithPieces())
            .map(NamespaceServiceImpl::statResponse),
        () -> statResponse(master.stat(HiroPath.parse(request.getPath()), request.getWithPieces())));
  }

  private static StatResponse statResponse(FileView file) {
    return StatResponse.newBuilder().setFile(ProtoMapping.file(file)).build();
  }

  @Override
  public void list(ListRequest request, StreamObserver<ListResponse> responses) {
    Replies.reply(LOG, "List " + request.getPath(), responses, () -> {
      LOG.debug("master: List {}", request.getPath());
      ListResponse.Builder builder = ListResponse.newBuilder();
      master.list(HiroPath.parse(request.getPath())).forEach(f -> builder.addEntries(ProtoMapping.file(f)));
      return builder.build();
    });
  }

  /**
   * Runs on the network thread ({@link #NETWORK_THREAD_METHODS}), as a commit: made at once when the
   * state's lock is free and answered by the journal's callback thread once durable, else made on a
   * virtual thread, where it may wait for the lock.
   */
  @Override
  public void mkdir(MkdirRequest request, StreamObserver<MkdirResponse> responses) {
    LOG.debug("master: Mkdir {}", request.getPath());
    Replies.replyWhenDurable(LOG, "Mkdir " + request.getPath(), responses,
        answer -> master.mkdirIfReady(HiroPath.parse(request.getPath()), request.getParents(),
            (done, failure) -> answer.accept(failure == null ? MkdirResponse.getDefaultInstance() : null, failure)),
        () -> {
          master.mkdir(HiroPath.parse(request.getPath()), request.getParents());
          return MkdirResponse.getDefaultInstance();
        });
  }

  @Override
  public void delete(DeleteRequest request, StreamObserver<DeleteResponse> responses) {
    Replies.reply(LOG, "Delete " + request.getPath(), responses, () -> {
      LOG.debug("master: Delete {}", request.getPath());
      long files = master.delete(HiroPath.parse(request.getPath()), request.getRecursive());
      return DeleteResponse.newBuilder().setFilesDeleted(files).build();
    });
  }

  @Override
  public void move(MoveRequest request, StreamObserver<MoveResponse> responses) {
    Replies.reply(LOG, "Move " + request.getSource(), responses, () -> {
      LOG.debug("master: Move {} to {}", request.getSource(), request.getDestination());
      master.move(HiroPath.parse(request.getSource()), HiroPath.parse(request.getDestination()));
      return MoveResponse.getDefaultInstance();
    });
  }

  @Override
  public void reportBadReplica(ReportBadReplicaRequest request, StreamObserver<ReportBadReplicaResponse> responses) {
    Replies.reply(LOG, "ReportBadReplica", responses, () -> {
      LOG.debug("master: ReportBadReplica piece {} on {}", new PieceId(request.getPieceId()), request.getWorkerId());
      String reason = request.getReason();
      if (reason.length() > ProtoMapping.REASON_LENGTH_MAX) {
        reason = reason.substring(0, ProtoMapping.REASON_LENGTH_MAX);
      }
      master.reportBadReplica(new PieceId(request.getPieceId()), new WorkerId(request.getWorkerId()), reason);
      return ReportBadReplicaResponse.getDefaultInstance();
    });
  }

  @Override
  public void clusterReport(ClusterReportRequest request, StreamObserver<ClusterReportResponse> responses) {
    Replies.reply(LOG, "ClusterReport", responses, () -> {
      LOG.debug("master: ClusterReport");
      return ProtoMapping.report(master.clusterReport());
    });
  }

  @Override
  public void fsck(FsckRequest request, StreamObserver<FsckResponse> responses) {
    Replies.reply(LOG, "Fsck " + request.getPath(), responses, () -> {
      LOG.debug("master: Fsck {}", request.getPath());
      String path = request.getPath().isEmpty() ? "/" : request.getPath();
      return ProtoMapping.fsck(master.fsck(HiroPath.parse(path)));
    });
  }
}
