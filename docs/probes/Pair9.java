package io.hiro.app.bench;

import com.google.protobuf.ByteString;
import io.grpc.ManagedChannel;
import io.hiro.app.LocalCluster;
import io.hiro.client.HiroClient;
import io.hiro.client.PutOptions;
import io.hiro.common.HostPort;
import io.hiro.common.rpc.ClientThreads;
import io.hiro.common.rpc.Rpc;
import io.hiro.common.rpc.RpcSecurity;
import io.hiro.proto.*;
import java.nio.file.*;
import java.util.*;
import java.util.concurrent.*;

/**
 * Hiro's small puts (8 clients; -Dclients=N for N, N dividing 2,000) and the bare floor's (PutFloor's put shape: CreateFile, WriteWholePiece
 * along the chain, CommitFile; none of Hiro's work) taking turns, 2,000 puts per turn: files/s, CPU ms per put,
 * and voluntary+involuntary context switches per put, of the client JVM (this one), the master and each worker;
 * in the last turn (in every turn with -Dthreads.every=true, session 44) also per thread group of each process (session 42): threads by their name as /proc cuts it
 * (15 characters), digits as #, so that pools with one prefix merge; a thread that ended within the turn
 * drops out of its group (counts too low, or below the print threshold); CPU in 10 ms ticks.
 * usage: Pair9 DIR WARM_SECONDS TURNS
 */
public class Pair9 {
  /** thread name (digits stripped) -> {switches, cpu ticks}, summed over the process's threads. */
  static Map<String, long[]> perThread(long pid) {
    Map<String, long[]> m = new TreeMap<>();
    try (DirectoryStream<Path> tasks = Files.newDirectoryStream(Path.of("/proc/" + pid + "/task"))) {
      for (Path t : tasks) {
        try {
          String comm = Files.readString(t.resolve("comm")).trim().replaceAll("[0-9]+", "#");
          long sw = 0;
          for (String line : Files.readAllLines(t.resolve("status"))) {
            if (line.startsWith("voluntary_ctxt_switches") || line.startsWith("nonvoluntary_ctxt_switches")) {
              sw += Long.parseLong(line.substring(line.indexOf(':') + 1).trim());
            }
          }
          String stat = Files.readString(t.resolve("stat"));
          String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
          long ticks = Long.parseLong(f[11]) + Long.parseLong(f[12]);
          long[] v = m.computeIfAbsent(comm, k -> new long[2]);
          v[0] += sw; v[1] += ticks;
        } catch (Exception e) { }
      }
    } catch (Exception e) { throw new RuntimeException(e); }
    return m;
  }
  static void threadDelta(String name, List<Long> pids, int puts, Turn turn) throws Exception {
    List<Map<String, long[]>> before = new ArrayList<>();
    for (long p : pids) before.add(perThread(p));
    measure(name, pids, puts, turn);
    String[] procs = {"client", "master", "w1", "w2", "w3"};
    for (int k = 0; k < pids.size(); k++) {
      Map<String, long[]> after = perThread(pids.get(k));
      for (Map.Entry<String, long[]> e : after.entrySet()) {
        long[] b = before.get(k).getOrDefault(e.getKey(), new long[2]);
        double sw = (double) (e.getValue()[0] - b[0]) / puts, ms = (e.getValue()[1] - b[1]) * 10.0 / puts;
        if (sw >= 0.05 || ms >= 0.02) {
          System.out.printf("   %-5s %-6s %-40s sw/put %6.2f  cpu ms/put %6.3f%n", name, procs[k], e.getKey(), sw, ms);
        }
      }
    }
  }

  static long cpu(long pid) {
    return ProcessHandle.of(pid).flatMap(p -> p.info().totalCpuDuration()).map(d -> d.toNanos()).orElse(0L);
  }
  static long switches(long pid) {
    long n = 0;
    try (DirectoryStream<Path> tasks = Files.newDirectoryStream(Path.of("/proc/" + pid + "/task"))) {
      for (Path t : tasks) {
        try {
          for (String line : Files.readAllLines(t.resolve("status"))) {
            if (line.startsWith("voluntary_ctxt_switches") || line.startsWith("nonvoluntary_ctxt_switches")) {
              n += Long.parseLong(line.substring(line.indexOf(':') + 1).trim());
            }
          }
        } catch (Exception e) { /* a thread ended */ }
      }
    } catch (Exception e) { throw new RuntimeException(e); }
    return n;
  }
  interface Turn { void run() throws Exception; }
  static void measure(String name, List<Long> pids, int puts, Turn turn) throws Exception {
    long[] c0 = pids.stream().mapToLong(Pair9::cpu).toArray();
    long[] s0 = pids.stream().mapToLong(Pair9::switches).toArray();
    long t0 = System.nanoTime();
    turn.run();
    double sec = (System.nanoTime() - t0) / 1e9;
    StringBuilder cpuS = new StringBuilder(), swS = new StringBuilder();
    double cpuTot = 0, swTot = 0;
    for (int k = 0; k < pids.size(); k++) {
      double c = (cpu(pids.get(k)) - c0[k]) / 1e6 / puts, s = (double) (switches(pids.get(k)) - s0[k]) / puts;
      cpuTot += c; swTot += s;
      cpuS.append(String.format(" %.3f", c)); swS.append(String.format(" %.1f", s));
    }
    System.out.printf("%-6s %7.1f files/s  cpu ms/put %.3f [%s ]  switches/put %.1f [%s ]%n", name, puts / sec, cpuTot, cpuS, swTot, swS);
  }

  public static void main(String[] a) throws Exception {
    Path base = Path.of(a[0]);
    int warm = Integer.parseInt(a[1]), turns = Integer.parseInt(a[2]);
    int n = Integer.getInteger("clients", 8); // -Dclients=1: the one-client puts (session 39)
    if (n < 1 || 2000 % n != 0) throw new IllegalArgumentException("-Dclients must divide 2,000: " + n);
    int each = 2000 / n;
    Files.createDirectories(base);
    Path input = base.resolve("small.bin");
    byte[] b = new byte[4096]; new Random(3).nextBytes(b); Files.write(input, b);
    ByteString content = ByteString.copyFrom(b);
    try (BareNodes nodes = BareNodes.start(base.resolve("bare"), 3);
         LocalCluster cluster = LocalCluster.start(new ArrayList<>(LocalCluster.javaLauncher()), base.resolve("c"), 3, "1s")) {
      long me = ProcessHandle.current().pid();
      List<Long> hiroPids = new ArrayList<>(List.of(me, cluster.masterPid()));
      for (int i = 0; i < 3; i++) hiroPids.add(cluster.workerPid(i));
      List<Long> barePids = new ArrayList<>(List.of(me, nodes.masterProcess().pid()));
      for (Process p : nodes.workerProcesses().subList(0, 3)) barePids.add(p.pid());
      List<HiroClient> clients = new ArrayList<>();
      List<Floor> floors = new ArrayList<>();
      for (int i = 0; i < n; i++) { clients.add(cluster.client()); floors.add(new Floor(nodes, content)); }
      ExecutorService pool = Executors.newFixedThreadPool(n);
      int[] dir = {0};
      Turn hiro = () -> {
        String d = "/r" + dir[0]++;
        List<Future<?>> fs = new ArrayList<>();
        for (int c = 0; c < n; c++) { int cc = c; fs.add(pool.submit(() -> { clients.get(cc).mkdir(d + "/" + cc, true);
          for (int i = 0; i < each; i++) clients.get(cc).put(input, d + "/" + cc + "/f" + i, new PutOptions(3, 0, false)); return null; })); }
        for (Future<?> f : fs) f.get();
      };
      Turn bare = () -> {
        List<Future<?>> fs = new ArrayList<>();
        for (int c = 0; c < n; c++) { int cc = c; fs.add(pool.submit(() -> { for (int i = 0; i < each; i++) floors.get(cc).put(); return null; })); }
        for (Future<?> f : fs) f.get();
      };
      long end = System.nanoTime() + warm * 1_000_000_000L;
      while (System.nanoTime() < end) { hiro.run(); bare.run(); }
      System.out.println("warm done");
      for (int t = 0; t < turns; t++) {
        if (t == turns - 1 || Boolean.getBoolean("threads.every")) { // -Dthreads.every=true: in every turn (session 44)
          threadDelta("floor", barePids, 2000, bare);
          threadDelta("hiro", hiroPids, 2000, hiro);
        } else {
          measure("floor", barePids, 2000, bare);
          measure("hiro", hiroPids, 2000, hiro);
        }
      }
      pool.shutdown();
      for (HiroClient c : clients) c.close();
      for (Floor f : floors) f.close();
    }
  }

  /** PutFloor's client, its put shape only. */
  static final class Floor implements AutoCloseable {
    private final ClientThreads threads = new ClientThreads("pair-floor-net");
    private final ManagedChannel masterChannel;
    private final List<ManagedChannel> workerChannels = new ArrayList<>();
    private final List<WorkerRef> workers;
    private final ByteString content;
    private int puts;

    Floor(BareNodes nodes, ByteString content) {
      this.content = content;
      this.workers = nodes.workers().subList(0, 3);
      masterChannel = Rpc.channel(nodes.master(), RpcSecurity.PLAINTEXT, threads);
      for (WorkerRef w : workers) workerChannels.add(Rpc.channel(HostPort.parse(w.getAddress()), RpcSecurity.PLAINTEXT, threads));
    }

    void put() throws Exception {
      CreateFileResponse upload = NamespaceServiceGrpc.newBlockingStub(masterChannel).withDeadlineAfter(60, TimeUnit.SECONDS)
          .createFile(CreateFileRequest.newBuilder().setPath("/floor").setSizeBytes(content.size()).setReplication(3).setOverwrite(true).build());
      int primary = puts++ % 3;
      CompletableFuture<WritePieceResponse> answer = new CompletableFuture<>();
      DataServiceGrpc.newStub(workerChannels.get(primary)).withExecutor(Runnable::run).withDeadlineAfter(60, TimeUnit.SECONDS)
          .writeWholePiece(WholePiece.newBuilder()
              .setHeader(WritePieceHeader.newBuilder().setPieceId(upload.getPieces(0).getPieceId()).setLength(content.size())
                  .addAllDownstream(PutFloor.downstreamOf(workers, primary)))
              .setData(PieceData.newBuilder().setData(content)).build(), PutFloorNode.completing(answer));
      if (answer.get(60, TimeUnit.SECONDS).getStoredWorkerIdsCount() != 3) throw new IllegalStateException("not 3 replicas");
      NamespaceServiceGrpc.newBlockingStub(masterChannel).withDeadlineAfter(60, TimeUnit.SECONDS)
          .commitFile(CommitFileRequest.newBuilder().setUploadId(upload.getUploadId()).build());
    }

    @Override public void close() {
      masterChannel.shutdownNow();
      workerChannels.forEach(ManagedChannel::shutdownNow);
      threads.close();
    }
  }
}
