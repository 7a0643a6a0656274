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
 * GiB of the client JVM (this one) and of each side's workers.
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
      for (int t = -1; t <= turns; t++) {
        String label = t <= 0 ? "untimed " : "";
        long c0 = Pair9.cpu(me), w0 = bareWorkers.stream().mapToLong(Pair9::cpu).sum(), s0 = System.nanoTime();
        bare.get(deadline);
        double sec = (System.nanoTime() - s0) / 1e9;
        double cc = (Pair9.cpu(me) - c0) / 1e9, wc = (bareWorkers.stream().mapToLong(Pair9::cpu).sum() - w0) / 1e9;
        System.out.printf("%sbare %.1f MB/s  cpu s/GiB: client %.2f workers %.2f%n", label, input.sizeBytes() / sec / 1e6, cc, wc);
        c0 = Pair9.cpu(me); w0 = hiroDaemons.stream().mapToLong(Pair9::cpu).sum(); s0 = System.nanoTime();
        hiro.cat("/big", OutputStream.nullOutputStream());
        sec = (System.nanoTime() - s0) / 1e9;
        cc = (Pair9.cpu(me) - c0) / 1e9; wc = (hiroDaemons.stream().mapToLong(Pair9::cpu).sum() - w0) / 1e9;
        System.out.printf("%shiro %.1f MB/s  cpu s/GiB: client %.2f master+workers %.2f%n", label, input.sizeBytes() / sec / 1e6, cc, wc);
      }
      hiro.close();
      channels.forEach(ManagedChannel::shutdownNow);
      threads.close();
    }
  }
}
