package io.hiro.client.rpc;

import io.grpc.ManagedChannel;
import io.grpc.StatusRuntimeException;
import io.hiro.common.ErrorCode;
import io.hiro.common.HiroException;
import io.hiro.common.rpc.ReconnectAtOnce;
import io.hiro.common.rpc.Rpc;
import io.hiro.common.rpc.StatusMapping;
import io.hiro.proto.AbortUploadRequest;
import io.hiro.proto.AllocateChainRequest;
import io.hiro.proto.AllocateChainResponse;
import io.hiro.proto.ClusterReportRequest;
import io.hiro.proto.ClusterReportResponse;
import io.hiro.proto.CommitFileRequest;
import io.hiro.proto.CommitFileResponse;
import io.hiro.proto.CreateFileRequest;
import io.hiro.proto.CreateFileResponse;
import io.hiro.proto.DeleteRequest;
import io.hiro.proto.DeleteResponse;
import io.hiro.proto.FsckRequest;
import io.hiro.proto.FsckResponse;
import io.hiro.proto.ListRequest;
import io.hiro.proto.ListResponse;
import io.hiro.proto.MkdirRequest;
import io.hiro.proto.MoveRequest;
import io.hiro.proto.NamespaceServiceGrpc;
import io.hiro.proto.NamespaceServiceGrpc.NamespaceServiceBlockingStub;
import io.hiro.proto.ReportBadReplicaRequest;
import io.hiro.proto.StatRequest;
import io.hiro.proto.StatResponse;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The client's calls to the master's NamespaceService: every call has a deadline, failures become
 * {@link HiroException}s naming the master, and only idempotent calls (Stat, List, ClusterReport, Fsck)
 * are retried, on UNAVAILABLE, at most {@link Rpc#IDEMPOTENT_ATTEMPTS_MAX} times. A call that fails
 * with UNAVAILABLE ends the channel's reconnect backoff ({@link ReconnectAtOnce}), so that it connects
 * again at once: a retried call reaches a master back from a restart on its next attempt, and a call
 * that is not retried (create, commit, mkdir, rm, mv) may fail once after the restart and succeed
 * when made again.
 */
public final class MasterCalls {
  private static final Logger LOG = LoggerFactory.getLogger(MasterCalls.class);
  /** Pause before the second attempt of an idempotent call; doubled for each further one. */
  static final long RETRY_BACKOFF_MILLIS = 200;

  private final NamespaceServiceBlockingStub stub;
  private final String endpoint;

  /** @param endpoint how messages name the master, e.g. {@code master 127.0.0.1:8080} */
  public MasterCalls(ManagedChannel channel, String endpoint) {
    this.stub = NamespaceServiceGrpc.newBlockingStub(ReconnectAtOnce.on(channel));
    this.endpoint = endpoint;
  }

  public String endpoint() {
    return endpoint;
  }

  public CreateFileResponse createFile(CreateFileRequest request) {
    return once(s -> s.createFile(request));
  }

  public AllocateChainResponse allocateChain(AllocateChainRequest request) {
    return once(s -> s.allocateChain(request));
  }

  public CommitFileResponse commitFile(CommitFileRequest request) {
    return once(s -> s.commitFile(request));
  }

  public void abortUpload(long uploadId) {
    once(s -> s.abortUpload(AbortUploadRequest.newBuilder().setUploadId(uploadId).build()));
  }

  public StatResponse stat(String path, boolean withPieces) {
    return idempotent(s -> s.stat(StatRequest.newBuilder().setPath(path).setWithPieces(withPieces).build()));
  }

  public ListResponse list(String path) {
    return idempotent(s -> s.list(ListRequest.newBuilder().setPath(path).build()));
  }

  public void mkdir(String path, boolean parents) {
    once(s -> s.mkdir(MkdirRequest.newBuilder().setPath(path).setParents(parents).build()));
  }

  public DeleteResponse delete(String path, boolean recursive) {
    return once(s -> s.delete(DeleteRequest.newBuilder().setPath(path).setRecursive(recursive).build()));
  }

  public void move(String source, String destination) {
    once(s -> s.move(MoveRequest.newBuilder().setSource(source).setDestination(destination).build()));
  }

  public void reportBadReplica(ReportBadReplicaRequest request) {
    once(s -> s.reportBadReplica(request));
  }

  public ClusterReportResponse clusterReport() {
    return idempotent(s -> s.clusterReport(ClusterReportRequest.getDefaultInstance()));
  }

  public FsckResponse fsck(String path) {
    return idempotent(s -> s.fsck(FsckRequest.newBuilder().setPath(path).build()));
  }

  private <T> T once(Function<NamespaceServiceBlockingStub, T> call) {
    try {
      return call.apply(stub.withDeadlineAfter(Rpc.UNARY_DEADLINE_MILLIS, TimeUnit.MILLISECONDS));
    } catch (StatusRuntimeException e) {
      HiroException error = StatusMapping.fromGrpc(e, endpoint);
      if (error.getMessage().startsWith(endpoint + " unreachable")) {
        throw new HiroException(error.code(), error.getMessage()
            + "; is 'hiro master' running there? Check -m or HIRO_MASTER", e);
      }
      throw error;
    }
  }

  private <T> T idempotent(Function<NamespaceServiceBlockingStub, T> call) {
    for (int attempt = 1; ; attempt++) {
      try {
        return once(call);
      } catch (HiroException e) {
        if (e.code() != ErrorCode.UNAVAILABLE || attempt >= Rpc.IDEMPOTENT_ATTEMPTS_MAX) {
          throw e;
        }
        LOG.debug("{}: attempt {} of {} failed ({}); trying again", endpoint, attempt, Rpc.IDEMPOTENT_ATTEMPTS_MAX,
            e.getMessage());
        pause(RETRY_BACKOFF_MILLIS << (attempt - 1));
      }
    }
  }

  private static void pause(long millis) {
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw HiroException.unavailable("interrupted while waiting to call the master again");
    }
  }
}
