package io.hiro.worker.rpc;

import io.grpc.ManagedChannel;
import io.hiro.common.HostPort;
import io.hiro.common.rpc.Rpc;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;

/** One channel per downstream worker address, reused by every piece forwarded there. */
public final class WorkerChannels implements AutoCloseable {
  private final ConcurrentMap<HostPort, ManagedChannel> channels = new ConcurrentHashMap<>();
  private volatile boolean closed;

  public ManagedChannel get(HostPort address) {
    io.hiro.common.Checks.check(!closed, "channels closed");
    return channels.computeIfAbsent(address, Rpc::channel);
  }

  @Override
  public void close() {
    closed = true;
    channels.values().forEach(ManagedChannel::shutdownNow);
    channels.clear();
  }
}
