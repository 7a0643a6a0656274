package io.hiro.worker.rpc;

import com.google.protobuf.ByteString;
import io.grpc.BindableService;
import io.grpc.Server;
import io.grpc.stub.StreamObserver;
import io.hiro.common.HostPort;
import io.hiro.common.rpc.Rpc;
import io.hiro.common.rpc.RpcSecurity;
import io.hiro.proto.ClusterServiceGrpc;
import io.hiro.proto.CopyOrder;
import io.hiro.proto.DeleteOrder;
import io.hiro.proto.FailedCopy;
import io.hiro.proto.HeartbeatRequest;
import io.hiro.proto.HeartbeatResponse;
import io.hiro.proto.RegisterRequest;
import io.hiro.proto.RegisterResponse;
import io.hiro.proto.ReportReplicasRequest;
import io.hiro.proto.ReportReplicasResponse;
import io.hiro.worker.core.TestTokens;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

/** A master on a real port that records what workers tell it and hands out deletes and copies on heartbeats. */
final class FakeMaster extends ClusterServiceGrpc.ClusterServiceImplBase implements AutoCloseable {
  final List<RegisterRequest> registrations = new CopyOnWriteArrayList<>();
  final List<ReportReplicasRequest> reports = new CopyOnWriteArrayList<>();
  final List<HeartbeatRequest> heartbeats = new CopyOnWriteArrayList<>();
  private final Map<String, Queue<DeleteOrder>> deletes = new ConcurrentHashMap<>();
  private final Map<String, Queue<CopyOrder>> copies = new ConcurrentHashMap<>();
  private final Set<String> forgotten = ConcurrentHashMap.newKeySet();
  private final Server server;

  FakeMaster() {
    this(RpcSecurity.PLAINTEXT);
  }

  /** A fake master that checks calls as {@code security} says (e.g. a real master's call check). */
  FakeMaster(RpcSecurity security) {
    server = Rpc.startServer("127.0.0.1", 0, List.<BindableService>of(this), security);
  }

  HostPort address() {
    return new HostPort("127.0.0.1", server.getPort());
  }

  /** The next heartbeat of this worker orders the delete, with a DELETE token for the piece as a real master's would. */
  void deleteOnNextHeartbeat(String workerId, long pieceId) {
    deleteOnNextHeartbeat(workerId, pieceId, TestTokens.delete(pieceId));
  }

  /** The next heartbeat of this worker orders the delete with {@code token}, whatever it is. */
  void deleteOnNextHeartbeat(String workerId, long pieceId, ByteString token) {
    deletes.computeIfAbsent(workerId, id -> new ConcurrentLinkedQueue<>())
        .add(DeleteOrder.newBuilder().setPieceId(pieceId).setToken(token).build());
  }

  /** Whether this worker was handed out every delete order queued for it. */
  boolean deletesHandedOut(String workerId) {
    return deletes.getOrDefault(workerId, new ConcurrentLinkedQueue<>()).isEmpty();
  }

  void copyOnNextHeartbeat(String workerId, CopyOrder order) {
    copies.computeIfAbsent(workerId, id -> new ConcurrentLinkedQueue<>()).add(order);
  }

  boolean reportedCorrupt(String workerId, long pieceId) {
    return reports.stream().anyMatch(r -> r.getWorkerId().equals(workerId) && r.getCorruptPieceIdsList().contains(pieceId));
  }

  List<FailedCopy> failedCopies(String workerId) {
    return reports.stream().filter(r -> r.getWorkerId().equals(workerId))
        .flatMap(r -> r.getFailedCopiesList().stream()).toList();
  }

  /** The next heartbeat of this worker is answered with register_again, as after a master restart. */
  void forget(String workerId) {
    forgotten.add(workerId);
  }

  boolean registered(String workerId) {
    return registrations.stream().anyMatch(r -> r.getWorkerId().equals(workerId));
  }

  long registrationCount(String workerId) {
    return registrations.stream().filter(r -> r.getWorkerId().equals(workerId)).count();
  }

  boolean reportedStored(String workerId, long pieceId) {
    return reports.stream().anyMatch(r -> r.getWorkerId().equals(workerId)
        && r.getStoredList().stream().anyMatch(s -> s.getPieceId() == pieceId));
  }

  boolean reportedRemoved(String workerId, long pieceId) {
    return reports.stream().anyMatch(r -> r.getWorkerId().equals(workerId)
        && r.getRemovedPieceIdsList().contains(pieceId));
  }

  @Override
  public void register(RegisterRequest request, StreamObserver<RegisterResponse> responses) {
    registrations.add(request);
    responses.onNext(RegisterResponse.newBuilder().setHeartbeatIntervalMillis(3000).build());
    responses.onCompleted();
  }

  @Override
  public void heartbeat(HeartbeatRequest request, StreamObserver<HeartbeatResponse> responses) {
    heartbeats.add(request);
    HeartbeatResponse.Builder response = HeartbeatResponse.newBuilder()
        .setRegisterAgain(forgotten.remove(request.getWorkerId()));
    Queue<DeleteOrder> queue = deletes.getOrDefault(request.getWorkerId(), new ConcurrentLinkedQueue<>());
    for (DeleteOrder order = queue.poll(); order != null; order = queue.poll()) {
      response.addDeletes(order);
    }
    Queue<CopyOrder> orders = copies.getOrDefault(request.getWorkerId(), new ConcurrentLinkedQueue<>());
    for (CopyOrder order = orders.poll(); order != null; order = orders.poll()) {
      response.addCopies(order);
    }
    responses.onNext(response.build());
    responses.onCompleted();
  }

  @Override
  public void reportReplicas(ReportReplicasRequest request, StreamObserver<ReportReplicasResponse> responses) {
    reports.add(request);
    responses.onNext(ReportReplicasResponse.getDefaultInstance());
    responses.onCompleted();
  }

  @Override
  public void close() throws InterruptedException {
    server.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
  }
}
