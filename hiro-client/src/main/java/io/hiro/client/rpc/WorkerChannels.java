package io.hiro.client.rpc;

import io.grpc.ManagedChannel;
import io.hiro.common.rpc.Rpc;
import io.hiro.proto.WorkerRef;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;

/** One channel per worker address, opened on first use and reused by every piece. */
public final class WorkerChannels implements AutoCloseable {
  private final Function<String, ManagedChannel> factory;
  private final ConcurrentHashMap<String, ManagedChannel> channels = new ConcurrentHashMap<>();
  private volatile boolean closed;

  /** @param factory opens a channel to a worker's {@code host:port} data service address */
  public WorkerChannels(Function<String, ManagedChannel> factory) {
    this.factory = factory;
  }

  public ManagedChannel channel(WorkerRef worker) {
    if (closed) {
      throw new IllegalStateException("the client is closed");
    }
    ManagedChannel channel = channels.computeIfAbsent(worker.getAddress(), factory);
    if (closed) {
      // close() ran meanwhile and may have missed this channel: shut it down here.
      Rpc.shutdown(channel);
      throw new IllegalStateException("the client is closed");
    }
    return channel;
  }

  /** How messages name a worker: {@code worker w-3f2a9c1e (10.0.0.7:5050)}. */
  public static String endpoint(WorkerRef worker) {
    return "worker " + worker.getWorkerId() + " (" + worker.getAddress() + ")";
  }

  @Override
  public void close() {
    closed = true;
    List<ManagedChannel> open = new ArrayList<>(channels.values());
    channels.clear();
    open.forEach(ManagedChannel::shutdown);
    open.forEach(Rpc::shutdown);
  }
}
