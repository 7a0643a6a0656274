package io.hiro.worker.rpc;

import io.grpc.ClientInterceptor;
import io.hiro.common.HiroException;
import io.hiro.common.HostPort;
import io.hiro.common.rpc.Rpc;
import io.hiro.proto.DataServiceGrpc;
import io.hiro.proto.WorkerRef;
import io.hiro.proto.WritePieceHeader;
import io.hiro.worker.core.ReplicaSink;
import io.hiro.worker.core.ReplicaSinkFactory;

/** Opens piece streams to downstream workers over the shared channels. */
public final class GrpcReplicaSinkFactory implements ReplicaSinkFactory {
  /** Slowest rate a piece stream may go before its deadline cuts it: 1 KiB per millisecond (1 MB/s). */
  private static final long BYTES_PER_MILLI_MIN = 1024;

  private final WorkerChannels channels;
  private final ClientInterceptor[] interceptors;

  /** @param interceptors around every piece stream this worker opens (metrics) */
  public GrpcReplicaSinkFactory(WorkerChannels channels, ClientInterceptor... interceptors) {
    this.channels = channels;
    this.interceptors = interceptors.clone();
  }

  @Override
  public ReplicaSink connect(WorkerRef worker, WritePieceHeader header) {
    String target = "worker " + worker.getWorkerId() + " (" + worker.getAddress() + ")";
    HostPort address;
    try {
      address = HostPort.parse(worker.getAddress());
    } catch (HiroException e) {
      return new FailedSink(HiroException.invalid("%s has a bad address: %s", target, e.getMessage()));
    }
    long deadlineMillis = deadlineMillis(header.getLength());
    // The sink's callbacks only complete its answer or ask upstream for more, so they run on the
    // network thread that received them: no hand-off to another thread per callback.
    return GrpcReplicaSink.open(DataServiceGrpc.newStub(channels.get(address)).withExecutor(Runnable::run)
        .withInterceptors(interceptors), target, header, deadlineMillis);
  }

  /** The deadline of a forwarded piece stream of {@code lengthBytes}: the idle cut, plus time for the bytes at a slow rate. */
  public static long deadlineMillis(long lengthBytes) {
    return Rpc.STREAM_IDLE_DEADLINE_MILLIS + lengthBytes / BYTES_PER_MILLI_MIN;
  }
}
