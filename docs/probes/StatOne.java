package io.hiro.app.bench;

import io.grpc.CallOptions;
import io.grpc.ManagedChannel;
import io.grpc.stub.ClientCalls;
import io.hiro.app.LocalCluster;
import io.hiro.client.HiroClient;
import io.hiro.common.HostPort;
import io.hiro.common.rpc.ClientThreads;
import io.hiro.common.rpc.Rpc;
import io.hiro.common.rpc.RpcSecurity;
import io.hiro.proto.StatRequest;
import java.nio.file.*;
import java.util.*;
import java.util.concurrent.*;
import java.util.concurrent.atomic.*;

/** StatPair's two kinds, one at a time: WARM s of turns of both, then KIND alone for SECONDS, printing its pids first (for perf stat). usage: StatOne DIR WARM KIND SECONDS */
public class StatOne {
  public static void main(String[] a) throws Exception {
    Path base = Path.of(a[0]);
    int warm = Integer.parseInt(a[1]); String kind = a[2]; int seconds = Integer.parseInt(a[3]);
    Files.createDirectories(base);
    try (BenchNode echo = BenchNode.start(GrpcUnary.class);
         LocalCluster cluster = LocalCluster.start(new ArrayList<>(LocalCluster.javaLauncher()), base.resolve("c"), 3, "1s")) {
      List<HiroClient> clients = new ArrayList<>();
      List<ManagedChannel> channels = new ArrayList<>();
      HostPort address = new HostPort("127.0.0.1", echo.port());
      for (int i = 0; i < 8; i++) {
        clients.add(cluster.client());
        channels.add(Rpc.channel(address, RpcSecurity.PLAINTEXT, new ClientThreads("statpair-net")));
      }
      for (int i = 0; i < 1000; i++) clients.get(0).mkdir("/d/d" + i, true);
      StatRequest request = StatRequest.newBuilder().setPath("/bench/dirs1/d1234").build();
      StatPair.Call bare = (c, i) -> ClientCalls.blockingUnaryCall(channels.get(c), StatPair.ECHO, CallOptions.DEFAULT.withDeadlineAfter(60, TimeUnit.SECONDS), request);
      StatPair.Call hiro = (c, i) -> clients.get(c).stat("/d/d" + (i % 1000));
      long end = System.nanoTime() + warm * 1_000_000_000L;
      while (System.nanoTime() < end) {
        StatPair.turn("(warm) bare", echo.process().pid(), 20_000, bare);
        StatPair.turn("(warm) hiro", cluster.masterPid(), 20_000, hiro);
      }
      StatPair.Call call = kind.equals("bare") ? bare : hiro;
      long server = kind.equals("bare") ? echo.process().pid() : cluster.masterPid();
      System.out.println("timed " + ProcessHandle.current().pid() + " " + server);
      System.out.flush();
      long stop = System.nanoTime() + seconds * 1_000_000_000L;
      AtomicLong ops = new AtomicLong();
      List<Thread> threads = new ArrayList<>();
      for (int c = 0; c < 8; c++) {
        int cc = c;
        threads.add(Thread.ofPlatform().start(() -> {
          try { int i = cc; while (System.nanoTime() < stop) { call.call(cc, i); i += 8; ops.incrementAndGet(); } } catch (Exception e) { e.printStackTrace(); }
        }));
      }
      for (Thread t : threads) t.join();
      System.out.println("calls " + ops.get() + " " + (ops.get() / (double) seconds) + "/s");
    }
  }
}
