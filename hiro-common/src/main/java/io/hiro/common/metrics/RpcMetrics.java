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
import io.prometheus.metrics.core.datapoints.DistributionDataPoint;
import io.prometheus.metrics.core.metrics.Counter;
import io.prometheus.metrics.core.metrics.Histogram;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReferenceArray;

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
  private final Side server;
  private final Side client;

  RpcMetrics(Metrics metrics) {
    server = new Side(metrics.seconds("hiro_rpc_server_duration_seconds", "gRPC calls served, by method and status",
        "method", "code"),
        metrics.bytes("hiro_rpc_server_received_bytes", "Message bytes received by served calls", "method"),
        metrics.bytes("hiro_rpc_server_sent_bytes", "Message bytes sent by served calls", "method"));
    client = new Side(metrics.seconds("hiro_rpc_client_duration_seconds", "gRPC calls made, by method and status",
        "method", "code"),
        metrics.bytes("hiro_rpc_client_received_bytes", "Message bytes received by calls made", "method"),
        metrics.bytes("hiro_rpc_client_sent_bytes", "Message bytes sent by calls made", "method"));
  }

  /**
   * The metrics of one side (served or made calls), with each method's data points looked up once:
   * a call then finds its own with one map lookup, where looking up each by its label values took
   * several, a list made per lookup (session 41: ~1% of the master's samples in a stat).
   */
  private static final class Side {
    private final Histogram seconds;
    private final Counter received;
    private final Counter sent;
    private final Map<String, MethodPoints> byMethod = new ConcurrentHashMap<>();

    Side(Histogram seconds, Counter received, Counter sent) {
      this.seconds = seconds;
      this.received = received;
      this.sent = sent;
    }

    MethodPoints of(String method) {
      return byMethod.computeIfAbsent(method, MethodPoints::new);
    }

    /** One method's data points; a status code's duration point is looked up on its first use. */
    final class MethodPoints {
      private final String method;
      final CounterDataPoint received;
      final CounterDataPoint sent;
      // Filled as codes occur; two threads that fill one slot at once store the same data point.
      private final AtomicReferenceArray<DistributionDataPoint> secondsByCode =
          new AtomicReferenceArray<>(Status.Code.values().length);

      MethodPoints(String method) {
        this.method = method;
        this.received = Side.this.received.labelValues(method);
        this.sent = Side.this.sent.labelValues(method);
      }

      DistributionDataPoint seconds(Status.Code code) {
        DistributionDataPoint point = secondsByCode.get(code.ordinal());
        if (point == null) {
          point = Side.this.seconds.labelValues(method, code.name());
          secondsByCode.set(code.ordinal(), point);
        }
        return point;
      }
    }
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

    void end(Side.MethodPoints points, Status.Code code) {
      if (observed.compareAndSet(false, true)) {
        points.seconds(code).observe((System.nanoTime() - startNanos) / 1e9);
      }
    }
  }

  private final class ServerSide implements ServerInterceptor {
    @Override
    public <Q, R> ServerCall.Listener<Q> interceptCall(ServerCall<Q, R> call, Metadata headers,
        ServerCallHandler<Q, R> next) {
      Side.MethodPoints points = server.of(call.getMethodDescriptor().getFullMethodName());
      Timing timing = new Timing();
      ServerCall<Q, R> measured = new ForwardingServerCall.SimpleForwardingServerCall<>(call) {
        @Override
        public void sendMessage(R message) {
          points.sent.inc(size(message));
          super.sendMessage(message);
        }

        @Override
        public void close(Status status, Metadata trailers) {
          timing.end(points, status.getCode());
          super.close(status, trailers);
        }
      };
      return new ForwardingServerCallListener.SimpleForwardingServerCallListener<>(next.startCall(measured, headers)) {
        @Override
        public void onMessage(Q message) {
          points.received.inc(size(message));
          super.onMessage(message);
        }

        @Override
        public void onCancel() {
          timing.end(points, Status.Code.CANCELLED);
          super.onCancel();
        }
      };
    }
  }

  private final class ClientSide implements ClientInterceptor {
    @Override
    public <Q, R> ClientCall<Q, R> interceptCall(MethodDescriptor<Q, R> descriptor, CallOptions options, Channel next) {
      Side.MethodPoints points = client.of(descriptor.getFullMethodName());
      Timing timing = new Timing();
      return new ForwardingClientCall.SimpleForwardingClientCall<>(next.newCall(descriptor, options)) {
        @Override
        public void start(Listener<R> listener, Metadata headers) {
          super.start(new ForwardingClientCallListener.SimpleForwardingClientCallListener<>(listener) {
            @Override
            public void onMessage(R message) {
              points.received.inc(size(message));
              super.onMessage(message);
            }

            @Override
            public void onClose(Status status, Metadata trailers) {
              timing.end(points, status.getCode());
              super.onClose(status, trailers);
            }
          }, headers);
        }

        @Override
        public void sendMessage(Q message) {
          points.sent.inc(size(message));
          super.sendMessage(message);
        }
      };
    }
  }
}
