package io.hiro.app.bench;

import io.grpc.CallOptions;
import io.grpc.ManagedChannel;
import io.grpc.MethodDescriptor;
import io.grpc.Server;
import io.grpc.ServerServiceDefinition;
import io.grpc.protobuf.ProtoUtils;
import io.grpc.stub.ClientCalls;
import io.grpc.stub.ServerCalls;
import io.hiro.app.Main;
import io.hiro.common.HiroException;
import io.hiro.common.HostPort;
import io.hiro.common.guard.EndpointGuards;
import io.hiro.common.rpc.ClientThreads;
import io.hiro.common.rpc.Rpc;
import io.hiro.common.rpc.RpcSecurity;
import io.hiro.proto.FileStatus;
import io.hiro.proto.StatRequest;
import io.hiro.proto.StatResponse;
import java.io.IOException;
import java.io.OutputStream;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * {@code limit.grpc_unary.*}: the most unary calls per second this machine gives grpc-java with
 * Hiro's transport settings ({@link Rpc#startServer}, {@link Rpc#channel}) and nothing else: a
 * server in a JVM of its own answers a Stat-shaped request with a fixed Stat-shaped answer on the
 * network thread that read it (as the master answers a stat since session 14), with no
 * credentials, no metrics and no master behind it; each client has its own channel and network
 * thread ({@link ClientThreads}, as a {@code HiroClient}) and calls in a loop, as the bench's
 * clients do. A Hiro stat is one such call, so it cannot beat this figure; a small-file get is two
 * (the bench sets it beside half this rate), a small-file put several. Calls are made untimed first
 * for a while: the server's JVM is new, while the master has been serving the bench for minutes by
 * the time its stat is timed. The server then stays up until the stats, and {@code stat.8clients}
 * takes turns with 8 new callers of it ({@link NamespaceBench}).
 */
final class GrpcUnary {
  private static final MethodDescriptor<StatRequest, StatResponse> ECHO = MethodDescriptor
      .<StatRequest, StatResponse>newBuilder()
      .setType(MethodDescriptor.MethodType.UNARY)
      .setFullMethodName(MethodDescriptor.generateFullMethodName("hiro.bench.Echo", "Stat"))
      .setRequestMarshaller(ProtoUtils.marshaller(StatRequest.getDefaultInstance()))
      .setResponseMarshaller(ProtoUtils.marshaller(StatResponse.getDefaultInstance()))
      .build();

  /**
   * Untimed calls are made in batches of this many (or of a tenth of the timed calls, if fewer: a
   * quick run's batch of 1,000 took 2.9 s of its 1 s warm-up on session 24's VM) until the warm-up is over.
   */
  private static final int WARM_UP_BATCH_CALLS = 2_000;

  private GrpcUnary() {}

  /**
   * The echo server, started in a JVM of its own; it serves until {@link #close}. The bench keeps it
   * from its limits to its stats, so that {@code stat.8clients} can take turns with bare calls
   * ({@link Callers}) on a server whose JVM has compiled its path already.
   */
  static final class Echo implements AutoCloseable {
    private final BenchNode server;

    private Echo(BenchNode server) {
      this.server = server;
    }

    static Echo start() throws IOException {
      return new Echo(BenchNode.start(GrpcUnary.class));
    }

    /**
     * Calls per second with each of {@code clientCounts} clients in turn making {@code totalCalls}
     * calls between them, one figure per count, in order. Each count is warmed up for {@code warmUp}
     * first.
     */
    List<Figure> measure(List<Integer> clientCounts, int totalCalls, Duration warmUp, long deadlineNanos)
        throws IOException {
      List<Figure> figures = new ArrayList<>();
      for (int clients : clientCounts) {
        try (Callers callers = callers(clients, deadlineNanos)) {
          callers.warmUp(warmUp, totalCalls, deadlineNanos);
          figures.add(Figure.of(name(clients), callers.rate(totalCalls, deadlineNanos), "ops/s"));
        }
      }
      return figures;
    }

    /** {@code clients} callers, each on a channel and network thread of its own, connected. */
    Callers callers(int clients, long deadlineNanos) {
      return new Callers(new HostPort("127.0.0.1", server.port()), clients, deadlineNanos);
    }

    @Override
    public void close() {
      server.close();
    }
  }

  /** The figure's name for {@code clients} clients: {@code limit.grpc_unary.8clients}. */
  static String name(int clients) {
    return "limit.grpc_unary." + clients + (clients == 1 ? "client" : "clients");
  }

  /** Clients of the echo server, each with its own channel and network thread ({@link ClientThreads}, as a {@code HiroClient}). */
  static final class Callers implements AutoCloseable {
    private final List<ManagedChannel> channels = new ArrayList<>();
    private final List<ClientThreads> threads = new ArrayList<>();

    private Callers(HostPort server, int clients, long deadlineNanos) {
      try {
        for (int c = 0; c < clients; c++) {
          threads.add(new ClientThreads("bench-grpc-net"));
          channels.add(Rpc.channel(server, RpcSecurity.PLAINTEXT, threads.get(c)));
          call(channels.get(c), deadlineNanos); // connects before the clock starts
        }
      } catch (RuntimeException e) {
        close();
        throw e;
      }
    }

    /** Untimed calls, in batches, for {@code warmUp}. */
    void warmUp(Duration warmUp, int totalCalls, long deadlineNanos) throws IOException {
      long warmUntil = System.nanoTime() + warmUp.toNanos();
      do {
        calls(channels, Math.max(channels.size(), Math.min(WARM_UP_BATCH_CALLS, totalCalls / 10)), deadlineNanos);
      } while (System.nanoTime() < warmUntil);
    }

    /** {@code totalCalls} calls spread over the clients, all at once; returns the calls per second. */
    double rate(int totalCalls, long deadlineNanos) throws IOException {
      long started = System.nanoTime();
      calls(channels, totalCalls, deadlineNanos);
      return totalCalls / ((System.nanoTime() - started) / 1e9);
    }

    @Override
    public void close() {
      channels.forEach(ManagedChannel::shutdownNow);
      threads.forEach(ClientThreads::close);
    }
  }

  /** The echo server: prints {@code port N}, then serves until its standard input closes (the bench ended). */
  public static void main(String[] args) throws IOException {
    Main.nettyDefaults();
    StatResponse answer = StatResponse.newBuilder().setFile(FileStatus.newBuilder().setPath("/bench/dirs1/d1234")
        .setDirectory(true).setModifiedMillis(System.currentTimeMillis())).build();
    ServerServiceDefinition echo = ServerServiceDefinition.builder("hiro.bench.Echo")
        .addMethod(ECHO, ServerCalls.asyncUnaryCall((request, response) -> {
          response.onNext(answer);
          response.onCompleted();
        }))
        .build();
    // Answered on the network thread, as the master answers a stat.
    Server server = Rpc.startServer("127.0.0.1", 0, List.of(() -> echo), RpcSecurity.PLAINTEXT,
        EndpointGuards.defaults("server", Clock.systemUTC()), Set.of(ECHO.getFullMethodName()));
    System.out.println("port " + server.getPort());
    System.out.flush();
    System.in.transferTo(OutputStream.nullOutputStream());
    server.shutdownNow();
  }

  /** {@code totalCalls} calls spread over the channels, one thread each, all at once. */
  private static void calls(List<ManagedChannel> channels, int totalCalls, long deadlineNanos) throws IOException {
    int clients = channels.size();
    List<CompletableFuture<Long>> loops = new ArrayList<>();
    for (int c = 0; c < clients; c++) {
      ManagedChannel channel = channels.get(c);
      int count = totalCalls / clients + (c < totalCalls % clients ? 1 : 0);
      loops.add(CompletableFuture.supplyAsync(() -> {
        for (int i = 0; i < count; i++) {
          call(channel, deadlineNanos);
        }
        return (long) count;
      }, runnable -> Thread.ofPlatform().daemon().name("bench-grpc-client").start(runnable)));
    }
    for (CompletableFuture<Long> loop : loops) {
      MachineLimits.await(loop, deadlineNanos, "grpc unary");
    }
  }

  private static void call(ManagedChannel channel, long deadlineNanos) {
    long left = deadlineNanos - System.nanoTime();
    if (left <= 0) {
      throw HiroException.unavailable("bench grpc unary did not finish before its deadline");
    }
    ClientCalls.blockingUnaryCall(channel, ECHO, CallOptions.DEFAULT.withDeadlineAfter(left, TimeUnit.NANOSECONDS),
        StatRequest.newBuilder().setPath("/bench/dirs1/d1234").build());
  }
}
