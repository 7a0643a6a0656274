package io.hiro.app.bench;

import io.grpc.ManagedChannel;
import io.hiro.app.LocalCluster;
import io.hiro.client.HiroClient;
import io.hiro.client.PutOptions;
import io.hiro.common.HostPort;
import io.hiro.common.rpc.ClientThreads;
import io.hiro.common.rpc.Rpc;
import io.hiro.common.rpc.RpcSecurity;
import io.hiro.proto.*;
import java.io.OutputStream;
import java.nio.file.*;
import java.util.*;

/**
 * A bare get against Hiro's cat, taking turns on the same minutes (sessions 36-37). The bare get is the bench's
 * limit.grpc_get since session 37 (GrpcGet: the 1 GiB file's pieces as limit.grpc_chain stored them on the bench's
 * bare workers, read in order with the next two fetched meanwhile, each message placed into a reused piece array
 * and its CRC32C checked on the network thread, the whole-file SHA-256 taken in order as the messages are checked;
 * no master, no tokens). Session 36's version of it kept each message in an array of its own and hashed from a
 * queue. Hiro's cat: HiroClient.cat of the same file into nothing. Each turn: one of each, MB/s and the CPU per
 * GiB of the client JVM (this one) and of each side's workers, and (since session 38) of each process apart.
 * Before the turns, each daemon's CPU over 10 idle seconds; after them, the CPU of the timed turns per thread
 * name (digits as '#', from /proc/PID/task/TID/schedstat: Threads.java) of each side's workers, Hiro's master and
 * the client JVM in either side's turns (session 38 found the compiler threads there).
 * Two untimed turns first. usage: GetFloor DIR TURNS (run with a young generation of 2 GiB, -Xmn2g, as session 36 did)
 */
public class GetFloor {
  public static void main(String[] a) throws Exception {
    Path base = Path.of(a[0]);
    int turns = Integer.parseInt(a[1]);
    Files.createDirectories(base);
    long deadline = System.nanoTime() + 3_600_000_000_000L;
    RandomFile input = RandomFile.write(base.resolve("big.bin"), 1L << 30, 7, deadline);
    try (BareNodes nodes = BareNodes.start(base.resolve("bare"), 3);
         LocalCluster cluster = LocalCluster.start(new ArrayList<>(LocalCluster.javaLauncher()), base.resolve("c"), 3, "1s")) {
      System.out.println(GrpcChain.measure(input, nodes, BenchSizes.quick(), deadline).line());
      HiroClient hiro = cluster.client();
      hiro.put(input.path(), "/big", new PutOptions(3, 0, true));
      ClientThreads threads = new ClientThreads("getfloor-net");
      List<ManagedChannel> channels = new ArrayList<>();
      for (WorkerRef w : nodes.workers().subList(0, 3)) channels.add(Rpc.channel(HostPort.parse(w.getAddress()), RpcSecurity.PLAINTEXT, threads));
      long me = ProcessHandle.current().pid();
      List<Long> bareWorkers = nodes.workerProcesses().subList(0, 3).stream().map(Process::pid).toList();
      List<Long> hiroDaemons = new ArrayList<>(List.of(cluster.masterPid()));
      for (int i = 0; i < 3; i++) hiroDaemons.add(cluster.workerPid(i));
      GrpcGet bare = new GrpcGet(input, channels);
      List<Long> all = new ArrayList<>(bareWorkers); all.addAll(hiroDaemons);
      long[] i0 = all.stream().mapToLong(Pair9::cpu).toArray(); long is0 = System.nanoTime();
      Thread.sleep(10_000);
      long[] i1 = all.stream().mapToLong(Pair9::cpu).toArray(); double isec = (System.nanoTime() - is0) / 1e9;
      StringBuilder idle = new StringBuilder("idle cpu s per s: bare workers");
      for (int k = 0; k < all.size(); k++) {
        if (k == 3) idle.append(" | hiro master,workers");
        idle.append(String.format(" %.4f", (i1[k] - i0[k]) / 1e9 / isec));
      }
      System.out.println(idle);
      List<Long> hiroWorkers = hiroDaemons.subList(1, 4);
      Map<String, Long> bareAcc = new TreeMap<>(), hiroAcc = new TreeMap<>(), masterAcc = new TreeMap<>();
      Map<String, Long> meBare = new TreeMap<>(), meHiro = new TreeMap<>();
      for (int t = -1; t <= turns; t++) {
        Map<String, Long> tb0 = Threads.cpu(bareWorkers), tm0 = Threads.cpu(me);
        String label = t <= 0 ? "untimed " : "";
        long c0 = Pair9.cpu(me), w0 = bareWorkers.stream().mapToLong(Pair9::cpu).sum(), s0 = System.nanoTime();
        long[] p0 = all.stream().mapToLong(Pair9::cpu).toArray();
        bare.get(deadline);
        long[] p1 = all.stream().mapToLong(Pair9::cpu).toArray();
        Map<String, Long> tb1 = Threads.cpu(bareWorkers), th0 = Threads.cpu(hiroWorkers);
        Map<String, Long> tma0 = Threads.cpu(cluster.masterPid()), tm1 = Threads.cpu(me);
        double sec = (System.nanoTime() - s0) / 1e9;
        double cc = (Pair9.cpu(me) - c0) / 1e9, wc = (bareWorkers.stream().mapToLong(Pair9::cpu).sum() - w0) / 1e9;
        System.out.printf("%sbare %.1f MB/s  cpu s/GiB: client %.2f workers %.2f%n", label, input.sizeBytes() / sec / 1e6, cc, wc);
        c0 = Pair9.cpu(me); w0 = hiroDaemons.stream().mapToLong(Pair9::cpu).sum(); s0 = System.nanoTime();
        hiro.cat("/big", OutputStream.nullOutputStream());
        long[] p2 = all.stream().mapToLong(Pair9::cpu).toArray();
        Map<String, Long> th1 = Threads.cpu(hiroWorkers), tma1 = Threads.cpu(cluster.masterPid()), tm2 = Threads.cpu(me);
        if (t > 0) {
          Threads.add(bareAcc, tb0, tb1);
          Threads.add(hiroAcc, th0, th1);
          Threads.add(masterAcc, tma0, tma1);
          Threads.add(meBare, tm0, tm1);
          Threads.add(meHiro, tm1, tm2);
        }
        StringBuilder per = new StringBuilder(label + "per process s/GiB: bare w");
        for (int k = 0; k < 3; k++) per.append(String.format(" %.3f", (p1[k] - p0[k]) / 1e9));
        per.append(" | hiro m,w");
        for (int k = 3; k < all.size(); k++) per.append(String.format(" %.3f", (p2[k] - p1[k]) / 1e9));
        System.out.println(per);
        sec = (System.nanoTime() - s0) / 1e9;
        cc = (Pair9.cpu(me) - c0) / 1e9; wc = (hiroDaemons.stream().mapToLong(Pair9::cpu).sum() - w0) / 1e9;
        System.out.printf("%shiro %.1f MB/s  cpu s/GiB: client %.2f master+workers %.2f%n", label, input.sizeBytes() / sec / 1e6, cc, wc);
      }
      System.out.println("bare workers' threads over the timed turns:\n" + Threads.show(bareAcc, turns));
      System.out.println("hiro workers' threads over the timed turns:\n" + Threads.show(hiroAcc, turns));
      System.out.println("hiro master's threads over the timed turns:\n" + Threads.show(masterAcc, turns));
      System.out.println("client threads, bare turns:\n" + Threads.show(meBare, turns));
      System.out.println("client threads, hiro turns:\n" + Threads.show(meHiro, turns));
      hiro.close();
      channels.forEach(ManagedChannel::shutdownNow);
      threads.close();
    }
  }
}
