package io.hiro.client.fake;

import io.grpc.Status;
import io.grpc.stub.StreamObserver;
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
import io.hiro.proto.FileStatus;
import io.hiro.proto.ListRequest;
import io.hiro.proto.ListResponse;
import io.hiro.proto.NamespaceServiceGrpc;
import io.hiro.proto.PieceRef;
import io.hiro.proto.ReportBadReplicaRequest;
import io.hiro.proto.ReportBadReplicaResponse;
import io.hiro.proto.StatRequest;
import io.hiro.proto.StatResponse;
import io.hiro.proto.WorkerRef;
import io.hiro.proto.WorkerStatus;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/** A master keeping files and uploads in memory, recording the calls a test wants to check. */
public final class FakeMaster extends NamespaceServiceGrpc.NamespaceServiceImplBase {
  private record Upload(CreateFileRequest request, CreateFileResponse response) {}

  private final FakeCluster cluster;
  private final AtomicLong ids = new AtomicLong(1000);
  private final Map<Long, Upload> uploads = new ConcurrentHashMap<>();
  private final Map<String, FileStatus> files = new ConcurrentHashMap<>();
  public volatile int minReplicas = 1;
  public volatile long defaultPieceSizeBytes = 64 * 1024;
  /** Stat calls to fail with UNAVAILABLE before answering. */
  public final AtomicInteger statFailures = new AtomicInteger();
  /** Stat calls after whose answer every read token expires, as if the get took longer than they live. */
  public final AtomicInteger expireReadTokensAfterStats = new AtomicInteger();
  /** Stat calls answered. */
  public final AtomicInteger stats = new AtomicInteger();
  public final List<AllocateChainRequest> allocations = new CopyOnWriteArrayList<>();
  public final List<Long> aborted = new CopyOnWriteArrayList<>();
  public final List<CommitFileRequest> commits = new CopyOnWriteArrayList<>();
  public final List<ReportBadReplicaRequest> badReplicas = new CopyOnWriteArrayList<>();

  FakeMaster(FakeCluster cluster) {
    this.cluster = cluster;
  }

  @Override
  public void createFile(CreateFileRequest request, StreamObserver<CreateFileResponse> responses) {
    if (files.containsKey(request.getPath()) && !request.getOverwrite()) {
      responses.onError(Status.ALREADY_EXISTS.withDescription(request.getPath() + " exists").asRuntimeException());
      return;
    }
    long pieceSize = request.getPieceSizeBytes() > 0 ? request.getPieceSizeBytes() : defaultPieceSizeBytes;
    int replication = request.getReplication() > 0 ? request.getReplication() : 3;
    CreateFileResponse.Builder response = CreateFileResponse.newBuilder().setUploadId(ids.incrementAndGet())
        .setFileId(ids.incrementAndGet()).setVersion(1).setReplication(replication).setPieceSizeBytes(pieceSize)
        .setMinReplicas(minReplicas);
    List<WorkerRef> chain = cluster.chain(replication, List.of());
    response.setReplicationGranted(chain.size());
    for (long offset = 0, index = 0; offset < request.getSizeBytes(); offset += pieceSize, index++) {
      response.addPieces(PieceRef.newBuilder().setPieceId(ids.incrementAndGet()).setIndex(index).setOffset(offset)
          .setLength(Math.min(pieceSize, request.getSizeBytes() - offset)).addAllReplicas(chain));
    }
    CreateFileResponse built = response.build();
    uploads.put(built.getUploadId(), new Upload(request, built));
    reply(responses, built);
  }

  @Override
  public void allocateChain(AllocateChainRequest request, StreamObserver<AllocateChainResponse> responses) {
    allocations.add(request);
    CreateFileResponse upload = uploads.get(request.getUploadId()).response();
    PieceRef old = upload.getPieces((int) request.getIndex());
    List<WorkerRef> chain = cluster.chain(upload.getReplication(), request.getExcludeWorkerIdsList());
    reply(responses, AllocateChainResponse.newBuilder().setPiece(old.toBuilder().setPieceId(ids.incrementAndGet())
        .clearReplicas().addAllReplicas(chain)).build());
  }

  @Override
  public void commitFile(CommitFileRequest request, StreamObserver<CommitFileResponse> responses) {
    commits.add(request);
    Upload upload = uploads.remove(request.getUploadId());
    FileStatus.Builder file = FileStatus.newBuilder().setPath(upload.request().getPath())
        .setSizeBytes(upload.request().getSizeBytes()).setReplication(upload.response().getReplication())
        .setPieceSizeBytes(upload.response().getPieceSizeBytes()).setModifiedMillis(1)
        .setFileId(upload.response().getFileId()).setVersion(1).setSha256(request.getSha256());
    long offset = 0;
    for (CommittedPiece piece : request.getPiecesList()) {
      file.addPieces(PieceRef.newBuilder().setPieceId(piece.getPieceId()).setIndex(piece.getIndex())
          .setOffset(offset).setLength(piece.getLength()).setCrc32C(piece.getCrc32C())
          .addAllReplicas(piece.getWorkerIdsList().stream().map(id -> cluster.worker(id).ref()).toList()));
      offset += piece.getLength();
    }
    files.put(file.getPath(), file.build());
    reply(responses, CommitFileResponse.newBuilder().setFile(file.clearPieces()).build());
  }

  @Override
  public void abortUpload(AbortUploadRequest request, StreamObserver<AbortUploadResponse> responses) {
    aborted.add(request.getUploadId());
    uploads.remove(request.getUploadId());
    reply(responses, AbortUploadResponse.getDefaultInstance());
  }

  @Override
  public void stat(StatRequest request, StreamObserver<StatResponse> responses) {
    if (statFailures.getAndUpdate(n -> Math.max(0, n - 1)) > 0) {
      responses.onError(Status.UNAVAILABLE.withDescription("master restarting").asRuntimeException());
      return;
    }
    FileStatus file = files.get(request.getPath());
    if (file == null) {
      responses.onError(Status.NOT_FOUND.withDescription(request.getPath() + " not found").asRuntimeException());
      return;
    }
    FileStatus.Builder withTokens = file.toBuilder();
    withTokens.getPiecesBuilderList().forEach(piece -> piece.setToken(cluster.readToken()));
    stats.incrementAndGet();
    if (expireReadTokensAfterStats.getAndUpdate(n -> Math.max(0, n - 1)) > 0) {
      cluster.expireReadTokens();
    }
    reply(responses, StatResponse.newBuilder().setFile(withTokens).build());
  }

  @Override
  public void list(ListRequest request, StreamObserver<ListResponse> responses) {
    String prefix = request.getPath().endsWith("/") ? request.getPath() : request.getPath() + "/";
    reply(responses, ListResponse.newBuilder().addAllEntries(files.values().stream()
        .filter(f -> f.getPath().startsWith(prefix)).map(f -> f.toBuilder().clearPieces().build()).toList()).build());
  }

  @Override
  public void reportBadReplica(ReportBadReplicaRequest request, StreamObserver<ReportBadReplicaResponse> responses) {
    badReplicas.add(request);
    reply(responses, ReportBadReplicaResponse.getDefaultInstance());
  }

  @Override
  public void clusterReport(ClusterReportRequest request, StreamObserver<ClusterReportResponse> responses) {
    ClusterReportResponse.Builder report = ClusterReportResponse.newBuilder().setFileCount(files.size());
    for (FakeWorker worker : cluster.workers()) {
      report.addWorkers(WorkerStatus.newBuilder().setWorkerId(worker.id()).setAddress(worker.ref().getAddress())
          .setState(cluster.isUp(worker) ? "live" : "dead").setCapacityBytes(1L << 30)
          .setReplicaCount(worker.replicas.size()));
    }
    reply(responses, report.build());
  }

  /** The committed file at {@code path}, with its pieces. */
  public FileStatus file(String path) {
    return files.get(path);
  }

  private static <T> void reply(StreamObserver<T> responses, T value) {
    responses.onNext(value);
    responses.onCompleted();
  }
}
