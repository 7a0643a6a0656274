package io.hiro.app.bench;

import io.hiro.app.LocalCluster;
import io.hiro.client.HiroClient;
import io.hiro.client.PutOptions;
import java.io.OutputStream;
import java.nio.file.*;
import java.util.*;

/**
 * How a new cluster's large reads settle (session 38): a local cluster (3 workers), PUTS puts of one 1 GiB file
 * (replication 3, over the same path), then CATS cats of it into nothing, each with its MB/s, the CPU of each
 * process (client, master, workers) and the JIT compilers' share of it, in all and per process. With
 * -Dgets.at=N the reads N to N+2 are gets into a local file instead (session 38: does a get between the
 * cats make the cat's code compile again?). Run with a young generation of 2 GiB, as GetFloor.
 * usage: CatSettle DIR CATS PUTS
 */
public class CatSettle {
  public static void main(String[] a) throws Exception {
    Path base = Path.of(a[0]);
    int cats = Integer.parseInt(a[1]);
    int puts = Integer.parseInt(a[2]);
    int getsAt = Integer.getInteger("gets.at", -1);
    Files.createDirectories(base);
    long deadline = System.nanoTime() + 3_600_000_000_000L;
    RandomFile input = RandomFile.write(base.resolve("big.bin"), 1L << 30, 7, deadline);
    try (LocalCluster cluster = LocalCluster.start(new ArrayList<>(LocalCluster.javaLauncher()), base.resolve("c"), 3, "1s")) {
      HiroClient hiro = cluster.client();
      List<String> names = List.of("client", "master", "worker-1", "worker-2", "worker-3");
      List<ProcessHandle> processes = new ArrayList<>(List.of(ProcessHandle.current(), ProcessHandle.of(cluster.masterPid()).get()));
      for (int i = 0; i < 3; i++) processes.add(ProcessHandle.of(cluster.workerPid(i)).get());
      CpuMeter cpu = CpuMeter.of(names, processes).get();
      for (int p = 0; p < puts; p++) {
        CpuMeter.Sample before = cpu.sample();
        long started = System.nanoTime();
        hiro.put(input.path(), "/big", new PutOptions(3, 0, true));
        print("put", p, input, started, cpu.add(null, before, cpu.sample()));
      }
      for (int c = 0; c < cats; c++) {
        boolean get = getsAt >= 0 && c >= getsAt && c < getsAt + 3;
        CpuMeter.Sample before = cpu.sample();
        long started = System.nanoTime();
        if (get) {
          hiro.get("/big", base.resolve("got.bin"));
          Files.delete(base.resolve("got.bin"));
        } else {
          hiro.cat("/big", OutputStream.nullOutputStream());
        }
        print(get ? "get" : "cat", c, input, started, cpu.add(null, before, cpu.sample()));
      }
      hiro.close();
    }
  }

  private static void print(String kind, int number, RandomFile input, long startedNanos, CpuMeter.Usage usage) {
    double seconds = (System.nanoTime() - startedNanos) / 1e9;
    System.out.printf("%s %d %.1f MB/s cpu %.2f s/GiB jit %.1f%% cpu by process %s jit by process %s%n", kind, number,
        input.sizeBytes() / seconds / 1e6, usage.totalCpuSeconds(), usage.compilerShare().orElse(-1) * 100,
        seconds(usage.cpuSeconds()), seconds(usage.compilerSeconds()));
  }

  private static String seconds(double[] values) {
    return Arrays.toString(Arrays.stream(values).mapToObj(x -> String.format("%.2f", x)).toArray());
  }
}
