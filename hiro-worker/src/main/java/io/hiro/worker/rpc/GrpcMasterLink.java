package io.hiro.worker.rpc;

import io.grpc.ManagedChannel;
import io.hiro.common.HostPort;
import io.hiro.common.rpc.ReconnectAtOnce;
import io.hiro.common.rpc.Rpc;
import io.hiro.common.rpc.RpcSecurity;
import io.hiro.common.rpc.StatusMapping;
import io.hiro.proto.ClusterServiceGrpc;
import io.hiro.proto.HeartbeatRequest;
import io.hiro.proto.HeartbeatResponse;
import io.hiro.proto.RegisterRequest;
import io.hiro.proto.RegisterResponse;
import io.hiro.proto.ReportReplicasRequest;
import io.hiro.worker.core.MasterLink;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/**
 * The master's cluster service over gRPC, each call signed as the cluster and with a deadline;
 * failures become HiroExceptions.
 */
public final class GrpcMasterLink implements MasterLink, AutoCloseable {
  private final HostPort master;
  private final ManagedChannel channel;
  private final ClusterServiceGrpc.ClusterServiceBlockingStub stub;

  /** @param security TLS as configured, and call credentials signed with the cluster secret */
  public GrpcMasterLink(HostPort master, RpcSecurity security) {
    this.master = master;
    this.channel = Rpc.channelOnServerThreads(master, security);
    // A worker heartbeats a master back from a restart at once, not after gRPC's reconnect backoff
    // (up to 2 minutes after a long outage), which would have the master count it dead meanwhile.
    this.stub = ClusterServiceGrpc.newBlockingStub(ReconnectAtOnce.on(channel));
  }

  @Override
  public RegisterResponse register(RegisterRequest request) {
    return call(() -> deadlined().register(request));
  }

  @Override
  public HeartbeatResponse heartbeat(HeartbeatRequest request) {
    return call(() -> deadlined().heartbeat(request));
  }

  @Override
  public void reportReplicas(ReportReplicasRequest request) {
    call(() -> deadlined().reportReplicas(request));
  }

  @Override
  public String describe() {
    return master.toString();
  }

  private ClusterServiceGrpc.ClusterServiceBlockingStub deadlined() {
    return stub.withDeadlineAfter(Rpc.UNARY_DEADLINE_MILLIS, TimeUnit.MILLISECONDS);
  }

  private <T> T call(Supplier<T> rpc) {
    try {
      return rpc.get();
    } catch (RuntimeException e) {
      throw StatusMapping.fromGrpc(e, "master " + master);
    }
  }

  @Override
  public void close() {
    channel.shutdownNow();
  }
}
