package io.hiro.common.metrics;

import com.google.protobuf.MessageLite;
import io.grpc.BindableService;
import io.grpc.CallOptions;
import io.grpc.Channel;
import io.grpc.ClientCall;
import io.grpc.ClientInterceptor;
import io.grpc.ForwardingClientCall;
import io.grpc.ForwardingClientCallListener;
import io.grpc.ForwardingServerCall;
import io.grpc.ForwardingServerCallListener;
import io.grpc.Metadata;
import io.grpc.MethodDescriptor;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import io.grpc.ServerInterceptors;
import io.grpc.Status;
import io.prometheus.metrics.core.datapoints.CounterDataPoint;
import io.prometheus.metrics.core.metrics.Counter;
import io.prometheus.metrics.core.metrics.Histogram;
import io.prometheus.metrics.model.snapshots.Unit;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * gRPC calls as metrics, for every daemon: how long each call took by method and status code
 * ({@code hiro_rpc_server_duration_seconds}, {@code hiro_rpc_client_duration_seconds}; a streaming
 * call counts from its start to its end) and the bytes of the messages each method carried
 * ({@code hiro_rpc_server_received_bytes_total}, {@code ..._sent_bytes_total}, and the same for the
 * client side). A worker's bytes in are what WritePiece received; its bytes out what ReadPiece sent,
 * plus what its own WritePiece calls sent (forwarding down a chain, re-replication copies).
 * Label values come from the service definitions, so their number is bounded.
 */
public final class RpcMetrics {
  private final Histogram serverSeconds;
  private final Counter serverReceived;
  private final Counter serverSent;
  private final Histogram clientSeconds;
  private final Counter clientReceived;
  private final Counter clientSent;

  RpcMetrics(Metrics metrics) {
    serverSeconds = metrics.seconds("hiro_rpc_server_duration_seconds", "gRPC calls served, by method and status",
        "method", "code");
    serverReceived = bytes(metrics, "hiro_rpc_server_received_bytes", "Message bytes received by served calls");
    serverSent = bytes(metrics, "hiro_rpc_server_sent_bytes", "Message bytes sent by served calls");
    clientSeconds = metrics.seconds("hiro_rpc_client_duration_seconds", "gRPC calls made, by method and status",
        "method", "code");
    clientReceived = bytes(metrics, "hiro_rpc_client_received_bytes", "Message bytes received by calls made");
    clientSent = bytes(metrics, "hiro_rpc_client_sent_bytes", "Message bytes sent by calls made");
  }

  private static Counter bytes(Metrics metrics, String name, String help) {
    return Counter.builder().name(name).help(help).unit(Unit.BYTES).labelNames("method").register(metrics.registry());
  }

  /** The services with this daemon's server-side metrics around each. */
  public List<BindableService> intercept(List<BindableService> services) {
    ServerInterceptor interceptor = new ServerSide();
    return services.stream()
        .map(service -> (BindableService) () -> ServerInterceptors.intercept(service, interceptor))
        .toList();
  }

  /** For the stubs of calls this daemon makes. */
  public ClientInterceptor clientInterceptor() {
    return new ClientSide();
  }

  private static long size(Object message) {
    return message instanceof MessageLite proto ? proto.getSerializedSize() : 0;
  }

  /** Observes a call's duration once, whether it closed or was cancelled. */
  private static final class Timing {
    private final long startNanos = System.nanoTime();
    private final AtomicBoolean observed = new AtomicBoolean();

    void end(Histogram histogram, String method, Status.Code code) {
      if (observed.compareAndSet(false, true)) {
        histogram.labelValues(method, code.name()).observe((System.nanoTime() - startNanos) / 1e9);
      }
    }
  }

  private final class ServerSide implements ServerInterceptor {
    @Override
    public <Q, R> ServerCall.Listener<Q> interceptCall(ServerCall<Q, R> call, Metadata headers,
        ServerCallHandler<Q, R> next) {
      String method = call.getMethodDescriptor().getFullMethodName();
      CounterDataPoint received = serverReceived.labelValues(method);
      CounterDataPoint sent = serverSent.labelValues(method);
      Timing timing = new Timing();
      ServerCall<Q, R> measured = new ForwardingServerCall.SimpleForwardingServerCall<>(call) {
        @Override
        public void sendMessage(R message) {
          sent.inc(size(message));
          super.sendMessage(message);
        }

        @Override
        public void close(Status status, Metadata trailers) {
          timing.end(serverSeconds, method, status.getCode());
          super.close(status, trailers);
        }
      };
      return new ForwardingServerCallListener.SimpleForwardingServerCallListener<>(next.startCall(measured, headers)) {
        @Override
        public void onMessage(Q message) {
          received.inc(size(message));
          super.onMessage(message);
        }

        @Override
        public void onCancel() {
          timing.end(serverSeconds, method, Status.Code.CANCELLED);
          super.onCancel();
        }
      };
    }
  }

  private final class ClientSide implements ClientInterceptor {
    @Override
    public <Q, R> ClientCall<Q, R> interceptCall(MethodDescriptor<Q, R> descriptor, CallOptions options, Channel next) {
      String method = descriptor.getFullMethodName();
      CounterDataPoint received = clientReceived.labelValues(method);
      CounterDataPoint sent = clientSent.labelValues(method);
      Timing timing = new Timing();
      return new ForwardingClientCall.SimpleForwardingClientCall<>(next.newCall(descriptor, options)) {
        @Override
        public void start(Listener<R> listener, Metadata headers) {
          super.start(new ForwardingClientCallListener.SimpleForwardingClientCallListener<>(listener) {
            @Override
            public void onMessage(R message) {
              received.inc(size(message));
              super.onMessage(message);
            }

            @Override
            public void onClose(Status status, Metadata trailers) {
              timing.end(clientSeconds, method, status.getCode());
              super.onClose(status, trailers);
            }
          }, headers);
        }

        @Override
        public void sendMessage(Q message) {
          sent.inc(size(message));
          super.sendMessage(message);
        }
      };
    }
  }
}
