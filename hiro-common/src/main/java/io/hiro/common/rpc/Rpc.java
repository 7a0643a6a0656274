package io.hiro.common.rpc;

import io.grpc.BindableService;
import io.grpc.ManagedChannel;
import io.grpc.Metadata;
import io.grpc.Server;
import io.grpc.ServerCall;
import io.grpc.ServerCallExecutorSupplier;
import io.grpc.ServerCredentials;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import io.hiro.common.HiroException;
import io.hiro.common.HostPort;
import io.hiro.common.Limits;
import io.hiro.common.guard.EndpointGuards;
import java.io.IOException;
import java.net.BindException;
import java.net.InetSocketAddress;
import java.time.Clock;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

/** How every Hiro endpoint builds its gRPC servers and channels, with the same limits. */
public final class Rpc {
  /** Deadline of a unary call to the master. */
  public static final long UNARY_DEADLINE_MILLIS = 15_000;
  /** Silence on a piece stream after which it is cut. */
  public static final long STREAM_IDLE_DEADLINE_MILLIS = 60_000;
  /** How often an idempotent call is tried before it fails. */
  public static final int IDEMPOTENT_ATTEMPTS_MAX = 3;

  private Rpc() {}

  /** Starts a plaintext server on {@code bindHost:port} (port 0 picks a free one) with the given services. */
  public static Server startServer(String bindHost, int port, List<BindableService> services) {
    return startServer(bindHost, port, services, RpcSecurity.PLAINTEXT);
  }

  /** As {@link #startServer(String, int, List)}, with TLS and call interceptors as {@code security} says. */
  public static Server startServer(String bindHost, int port, List<BindableService> services, RpcSecurity security) {
    return startServer(bindHost, port, services, security, EndpointGuards.defaults("server", Clock.systemUTC()));
  }

  /**
   * As {@link #startServer(String, int, List, RpcSecurity)}, with the daemon's bounds on strangers:
   * connections over {@link EndpointGuards#grpcConnections()} are closed at once, one that has not
   * finished its handshake within {@link Limits#HANDSHAKE_TIMEOUT_SECONDS} is closed, and calls from an
   * address cooling down ({@link EndpointGuards#refusals()}) are refused before any other check.
   */
  public static Server startServer(String bindHost, int port, List<BindableService> services, RpcSecurity security,
      EndpointGuards guards) {
    return startServer(bindHost, port, services, security, guards, Set.of());
  }

  /**
   * As {@link #startServer(String, int, List, RpcSecurity, EndpointGuards)}. Each call runs on a
   * virtual thread of its own, except the calls of {@code networkThreadMethods} (full method names):
   * they run on the network thread that read them, interceptors and handler, and are answered from
   * it. Such a handler must never block: it answers at once, or hands the call to a thread of its
   * own when it would wait. It saves a short call its two hand-offs between threads (to the handler
   * and back), about half of the master's CPU in a stat (docs/BENCHMARKS.md, session 14).
   */
  public static Server startServer(String bindHost, int port, List<BindableService> services, RpcSecurity security,
      EndpointGuards guards, Set<String> networkThreadMethods) {
    ServerCredentials credentials = security.serverCredentials();
    ExecutorService executor = Executors.newVirtualThreadPerTaskExecutor();
    NettyServerBuilder builder = NettyServerBuilder.forAddress(new InetSocketAddress(bindHost, port), credentials)
        // gRPC's own lookup of the method runs on the network thread; then the call moves as above.
        // The direct executor is also gRPC's for cancelling a call's context (Hiro registers no
        // listener there) and Netty's for a TLS handshake's tasks, CPU work that then runs on the
        // network thread, as Netty does without an executor. callExecutor is experimental in gRPC.
        .directExecutor()
        .callExecutor(new ServerCallExecutorSupplier() {
          @Override
          public <ReqT, RespT> Executor getExecutor(ServerCall<ReqT, RespT> call, Metadata headers) {
            return networkThreadMethods.contains(call.getMethodDescriptor().getFullMethodName()) ? null : executor;
          }
        })
        .maxInboundMessageSize(Limits.GRPC_MESSAGE_MAX_BYTES)
        .flowControlWindow(Limits.FLOW_CONTROL_WINDOW_BYTES)
        .maxConcurrentCallsPerConnection(Limits.CALLS_PER_CONNECTION_MAX)
        .maxRstFramesPerWindow(Limits.RESETS_PER_WINDOW_MAX, Limits.RESETS_WINDOW_SECONDS)
        .permitKeepAliveTime(10, TimeUnit.SECONDS)
        .permitKeepAliveWithoutCalls(true)
        .handshakeTimeout(Limits.HANDSHAKE_TIMEOUT_SECONDS, TimeUnit.SECONDS)
        .channelFactory(ServerTransports.gatedGrpc(new ConnectionGate(guards.node(), "gRPC", guards.grpcConnections(),
            guards.grpcWarnings())))
        .bossEventLoopGroup(ServerTransports.acceptGroup())
        .workerEventLoopGroup(ServerTransports.networkGroup());
    services.forEach(builder::addService);
    security.interceptors().forEach(builder::intercept);
    // Added last, so it runs first: a cooling-down address costs no credential check.
    builder.intercept(new RefusalCooldownInterceptor(guards.node(), guards.refusals()));
    Server server = builder.build();
    try {
      return server.start();
    } catch (IOException e) {
      executor.shutdownNow();
      if (e instanceof BindException || e.getCause() instanceof BindException) {
        throw HiroException.unavailable("port %d on %s is in use or not allowed; pick another with --port", port, bindHost);
      }
      throw HiroException.unavailable("cannot listen on %s:%d: %s", bindHost, port, e.getMessage());
    }
  }

  /** A plaintext channel to {@code address}. */
  public static ManagedChannel channel(HostPort address) {
    return channel(address, RpcSecurity.PLAINTEXT);
  }

  /** A channel to {@code address}, with TLS and call credentials as {@code security} says. */
  public static ManagedChannel channel(HostPort address, RpcSecurity security) {
    return builder(address, security).build();
  }

  /** The same, on {@code threads} rather than gRPC's shared network threads. */
  public static ManagedChannel channel(HostPort address, RpcSecurity security, ClientThreads threads) {
    return builder(address, security).eventLoopGroup(threads.group()).channelFactory(threads.channelFactory()).build();
  }

  /**
   * The same, on the network threads of this process's servers ({@link ServerTransports}): for a
   * server's calls to other servers. A worker passing a piece on then answers the chain on the
   * threads that read the answer, with no threads of gRPC's own to hand it between (probe, session
   * 21: 3.5% more small puts per second, 0.045 ms less CPU per put; docs/BENCHMARKS.md).
   */
  public static ManagedChannel channelOnServerThreads(HostPort address, RpcSecurity security) {
    return builder(address, security).eventLoopGroup(ServerTransports.networkGroup())
        .channelFactory(ServerTransports.connections()).build();
  }

  private static NettyChannelBuilder builder(HostPort address, RpcSecurity security) {
    return NettyChannelBuilder.forAddress(address.host(), address.port(), security.channelCredentials())
        .maxInboundMessageSize(Limits.GRPC_MESSAGE_MAX_BYTES)
        .flowControlWindow(Limits.FLOW_CONTROL_WINDOW_BYTES)
        .keepAliveTime(30, TimeUnit.SECONDS)
        .keepAliveWithoutCalls(false);
  }

  public static void shutdown(ManagedChannel channel) {
    channel.shutdown();
    try {
      if (!channel.awaitTermination(2, TimeUnit.SECONDS)) {
        channel.shutdownNow();
      }
    } catch (InterruptedException e) {
      channel.shutdownNow();
      Thread.currentThread().interrupt();
    }
  }
}
