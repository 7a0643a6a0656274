package io.hiro.worker.rpc;

import io.grpc.ManagedChannel;
import io.hiro.common.Checks;
import io.hiro.common.HostPort;
import io.hiro.common.rpc.Rpc;
import io.hiro.common.rpc.RpcSecurity;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;

/**
 * One channel per downstream worker address, reused by every piece forwarded or copied there; TLS
 * as configured. No call credentials: a piece stream carries the master's piece token instead. The
 * channels run on the worker's own network threads: nothing may wait on them from one of those.
 */
public final class WorkerChannels implements AutoCloseable {
  private final ConcurrentMap<HostPort, ManagedChannel> channels = new ConcurrentHashMap<>();
  private final RpcSecurity security;
  private volatile boolean closed;

  public WorkerChannels(RpcSecurity security) {
    this.security = security;
  }

  public ManagedChannel get(HostPort address) {
    Checks.check(!closed, "channels closed");
    ManagedChannel channel = channels.computeIfAbsent(address, a -> Rpc.channelOnServerThreads(a, security));
    if (closed) {
      // close() began meanwhile and may not have seen this channel: it is shut down here.
      channel.shutdownNow();
    }
    Checks.check(!closed, "channels closed");
    return channel;
  }

  @Override
  public void close() {
    closed = true;
    channels.values().forEach(ManagedChannel::shutdownNow);
    channels.clear();
  }
}
