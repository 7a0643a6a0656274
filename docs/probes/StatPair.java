package io.hiro.app.bench;

import io.grpc.CallOptions;
import io.grpc.ManagedChannel;
import io.grpc.MethodDescriptor;
import io.grpc.protobuf.ProtoUtils;
import io.grpc.stub.ClientCalls;
import io.hiro.app.LocalCluster;
import io.hiro.client.HiroClient;
import io.hiro.common.HostPort;
import io.hiro.common.rpc.ClientThreads;
import io.hiro.common.rpc.Rpc;
import io.hiro.common.rpc.RpcSecurity;
import io.hiro.proto.StatRequest;
import io.hiro.proto.StatResponse;
import java.nio.file.*;
import java.util.*;
import java.util.concurrent.*;

/**
 * Hiro's stat with 8 clients and the bare calls of limit.grpc_unary.8clients (GrpcUnary's echo server in a JVM of
 * its own, the same Stat-shaped request and answer) taking turns on the same minutes (session 36): each turn
 * 20,000 calls of each, the calls/s and the CPU per call of the clients' JVM (this one) and of the server.
 * usage: StatPair DIR WARM_SECONDS TURNS
 */
public class StatPair {
  static final MethodDescriptor<StatRequest, StatResponse> ECHO = MethodDescriptor.<StatRequest, StatResponse>newBuilder()
      .setType(MethodDescriptor.MethodType.UNARY)
      .setFullMethodName(MethodDescriptor.generateFullMethodName("hiro.bench.Echo", "Stat"))
      .setRequestMarshaller(ProtoUtils.marshaller(StatRequest.getDefaultInstance()))
      .setResponseMarshaller(ProtoUtils.marshaller(StatResponse.getDefaultInstance()))
      .build();

  interface Call { void call(int client, int i) throws Exception; }

  static void turn(String name, long serverPid, int calls, Call call) throws Exception {
    turn(name, serverPid, calls, call, false);
  }

  /** {@code detail}: also each thread group's context switches and CPU per call, in this JVM and the server (session 43). */
  static void turn(String name, long serverPid, int calls, Call call, boolean detail) throws Exception {
    long me = ProcessHandle.current().pid();
    java.util.Map<String, long[]> mine0 = detail ? Pair9.perThread(me) : null, server0 = detail ? Pair9.perThread(serverPid) : null;
    long c0 = Pair9.cpu(me), s0 = Pair9.cpu(serverPid), t0 = System.nanoTime();
    List<Thread> threads = new ArrayList<>();
    java.util.concurrent.atomic.AtomicReference<Exception> failure = new java.util.concurrent.atomic.AtomicReference<>();
    for (int c = 0; c < 8; c++) {
      int cc = c;
      threads.add(Thread.ofPlatform().start(() -> {
        try { for (int i = 0; i < calls / 8; i++) call.call(cc, i * 8 + cc); } catch (Exception e) { failure.compareAndSet(null, e); }
      }));
    }
    for (Thread t : threads) t.join();
    if (failure.get() != null) throw failure.get();
    double sec = (System.nanoTime() - t0) / 1e9;
    System.out.printf("%-5s %8.0f calls/s  cpu us/call: clients %.1f server %.1f%n", name, calls / sec,
        (Pair9.cpu(me) - c0) / 1e3 / calls, (Pair9.cpu(serverPid) - s0) / 1e3 / calls);
    if (detail) {
      printGroups(name, "clients", mine0, Pair9.perThread(me), calls);
      printGroups(name, "server", server0, Pair9.perThread(serverPid), calls);
    }
  }

  static void printGroups(String name, String proc, java.util.Map<String, long[]> before, java.util.Map<String, long[]> after,
      int calls) {
    for (java.util.Map.Entry<String, long[]> e : after.entrySet()) {
      long[] b = before.getOrDefault(e.getKey(), new long[2]);
      double sw = (double) (e.getValue()[0] - b[0]) / calls, us = (e.getValue()[1] - b[1]) * 10_000.0 / calls;
      if (sw >= 0.02 || us >= 0.5) {
        System.out.printf("   %-5s %-8s %-20s sw/call %6.2f  cpu us/call %6.1f%n", name, proc, e.getKey(), sw, us);
      }
    }
  }

  public static void main(String[] a) throws Exception {
    Path base = Path.of(a[0]);
    int warm = Integer.parseInt(a[1]), turns = Integer.parseInt(a[2]);
    Files.createDirectories(base);
    try (BenchNode echo = BenchNode.start(GrpcUnary.class);
         LocalCluster cluster = LocalCluster.start(new ArrayList<>(LocalCluster.javaLauncher()), base.resolve("c"), 3, "1s")) {
      List<HiroClient> clients = new ArrayList<>();
      List<ClientThreads> threads = new ArrayList<>();
      List<ManagedChannel> channels = new ArrayList<>();
      HostPort address = new HostPort("127.0.0.1", echo.port());
      for (int i = 0; i < 8; i++) {
        clients.add(cluster.client());
        threads.add(new ClientThreads("statpair-net"));
        channels.add(Rpc.channel(address, RpcSecurity.PLAINTEXT, threads.get(i)));
      }
      for (int i = 0; i < 1000; i++) clients.get(0).mkdir("/d/d" + i, true);
      StatRequest request = StatRequest.newBuilder().setPath("/bench/dirs1/d1234").build();
      Call bare = (c, i) -> ClientCalls.blockingUnaryCall(channels.get(c), ECHO, CallOptions.DEFAULT.withDeadlineAfter(60, TimeUnit.SECONDS), request);
      Call hiro = (c, i) -> clients.get(c).stat("/d/d" + (i % 1000));
      long end = System.nanoTime() + warm * 1_000_000_000L;
      while (System.nanoTime() < end) {
        turn("(warm) bare", echo.process().pid(), 20_000, bare);
        turn("(warm) hiro", cluster.masterPid(), 20_000, hiro);
      }
      System.out.println("warm done");
      for (int t = 0; t < turns; t++) {
        turn("bare", echo.process().pid(), 20_000, bare, t == turns - 1);
        turn("hiro", cluster.masterPid(), 20_000, hiro, t == turns - 1);
      }
      channels.forEach(ManagedChannel::shutdownNow);
      threads.forEach(ClientThreads::close);
      for (HiroClient c : clients) c.close();
    }
  }
}
