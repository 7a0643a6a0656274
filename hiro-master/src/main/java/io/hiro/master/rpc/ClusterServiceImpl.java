package io.hiro.master.rpc;

import io.grpc.stub.StreamObserver;
import io.hiro.common.Checks;
import io.hiro.common.HostPort;
import io.hiro.common.Limits;
import io.hiro.common.WorkerId;
import io.hiro.master.core.HeartbeatReply;
import io.hiro.master.core.Master;
import io.hiro.master.core.Membership;
import io.hiro.master.core.ReplicaChanges;
import io.hiro.master.core.WorkerRegistration;
import io.hiro.master.core.WorkerUsage;
import io.hiro.proto.ClusterServiceGrpc;
import io.hiro.proto.HeartbeatRequest;
import io.hiro.proto.HeartbeatResponse;
import io.hiro.proto.RegisterRequest;
import io.hiro.proto.RegisterResponse;
import io.hiro.proto.ReportReplicasRequest;
import io.hiro.proto.ReportReplicasResponse;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The cluster service for workers: decode, call {@link Membership}, encode. Nothing else, but for
 * where a replica report runs ({@link #NETWORK_THREAD_METHODS}).
 */
public final class ClusterServiceImpl extends ClusterServiceGrpc.ClusterServiceImplBase {
  private static final Logger LOG = LoggerFactory.getLogger(ClusterServiceImpl.class);
  /**
   * The calls the server runs on the network thread that read them (full method names): their
   * handlers never block. See {@code Rpc.startServer}.
   */
  public static final Set<String> NETWORK_THREAD_METHODS =
      Set.of(ClusterServiceGrpc.getReportReplicasMethod().getFullMethodName());
  private final Membership membership;

  public ClusterServiceImpl(Membership membership) {
    this.membership = membership;
  }

  @Override
  public void register(RegisterRequest request, StreamObserver<RegisterResponse> responses) {
    Replies.reply(LOG, "Register " + request.getWorkerId(), responses, () -> {
      LOG.debug("master: Register {} at {}", request.getWorkerId(), request.getAddress());
      WorkerUsage usage = usage(request.getCapacityBytes(), request.getFreeBytes(), request.getUsedBytes());
      Checks.require(request.getReplicasCount() <= Limits.REPLICAS_PER_REPORT_MAX,
          "report of %d replicas; the limit is %d", request.getReplicasCount(), Limits.REPLICAS_PER_REPORT_MAX);
      long interval = membership.register(new WorkerRegistration(new WorkerId(request.getWorkerId()),
          HostPort.parse(request.getAddress()), usage.capacityBytes(), usage.freeBytes(), usage.usedBytes(),
          ProtoMapping.pieceIds(request.getReplicasList())));
      return RegisterResponse.newBuilder().setHeartbeatIntervalMillis(interval).build();
    });
  }

  @Override
  public void heartbeat(HeartbeatRequest request, StreamObserver<HeartbeatResponse> responses) {
    Replies.reply(LOG, "Heartbeat " + request.getWorkerId(), responses, () -> {
      LOG.debug("master: Heartbeat {}", request.getWorkerId());
      Checks.require(request.getDeletesWaiting() >= 0, "negative deletes waiting %d", request.getDeletesWaiting());
      HeartbeatReply reply = membership.heartbeat(new WorkerId(request.getWorkerId()),
          usage(request.getCapacityBytes(), request.getFreeBytes(), request.getUsedBytes()), request.getDeletesWaiting(),
          request.getLastAnswerId());
      return ProtoMapping.heartbeat(reply);
    });
  }

  /**
   * Runs on the network thread ({@link #NETWORK_THREAD_METHODS}): a report of at most {@link
   * Master#PIECES_READY_MAX} replicas is made at once when the state's lock is free, and answered at
   * once (a report journals nothing, {@link io.hiro.master.core.Membership#reportReplicasIfReady});
   * a larger one, or one that finds the lock taken, on a virtual thread, where it may wait for the lock.
   */
  @Override
  public void reportReplicas(ReportReplicasRequest request, StreamObserver<ReportReplicasResponse> responses) {
    LOG.debug("master: ReportReplicas {}", request.getWorkerId());
    // The worker id is read inside each body, so that a bad one fails the call as INVALID_ARGUMENT.
    Replies.replyWhenDurable(LOG, "ReportReplicas " + request.getWorkerId(), responses,
        answer -> count(request) <= Master.PIECES_READY_MAX
            && membership.reportReplicasIfReady(new WorkerId(request.getWorkerId()), changes(request),
                failure -> answer.accept(failure == null ? ReportReplicasResponse.getDefaultInstance() : null, failure)),
        () -> {
          membership.reportReplicas(new WorkerId(request.getWorkerId()), changes(request));
          return ReportReplicasResponse.getDefaultInstance();
        });
  }

  /** The replicas and failed copies a report names. */
  private static long count(ReportReplicasRequest request) {
    return (long) request.getStoredCount() + request.getRemovedPieceIdsCount() + request.getCorruptPieceIdsCount()
        + request.getFailedCopiesCount();
  }

  /** The report's changes, once its size is checked. */
  private static ReplicaChanges changes(ReportReplicasRequest request) {
    long count = count(request);
    Checks.require(count <= Limits.REPLICAS_PER_REPORT_MAX, "report of %d replicas; the limit is %d",
        count, Limits.REPLICAS_PER_REPORT_MAX);
    return ProtoMapping.changes(request);
  }

  private static WorkerUsage usage(long capacityBytes, long freeBytes, long usedBytes) {
    Checks.require(capacityBytes >= 0 && freeBytes >= 0 && usedBytes >= 0,
        "disk figures must not be negative (capacity %d, free %d, used %d)", capacityBytes, freeBytes, usedBytes);
    return new WorkerUsage(capacityBytes, freeBytes, usedBytes);
  }
}
