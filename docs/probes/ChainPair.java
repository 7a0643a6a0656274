package io.hiro.app.bench;

import io.hiro.app.LocalCluster;
import io.hiro.client.HiroClient;
import io.hiro.client.PutOptions;
import java.nio.file.*;
import java.time.Duration;
import java.util.*;

/**
 * Hiro's 1 GiB put and limit.grpc_chain taking turns on the same minutes (session 40): each turn one Hiro put (deleted
 * at the next turn's end) and one GrpcChain.measure of 1 untimed + 1 timed run; prints MB/s and CPU s/GiB per process.
 * usage: ChainPair DIR TURNS
 */
public class ChainPair {
  static double cpu(long pid) {
    return ProcessHandle.of(pid).flatMap(p -> p.info().totalCpuDuration()).map(d -> d.toNanos() / 1e9).orElse(0.0);
  }

  /** CPU seconds per thread group (name without digits) of process pid. */
  static Map<String, Double> threads(long pid) {
    Map<String, Double> m = new TreeMap<>();
    try (var dirs = Files.list(Path.of("/proc/" + pid + "/task"))) {
      for (Path t : dirs.toList()) {
        try {
          String st = Files.readString(t.resolve("stat"));
          String name = st.substring(st.indexOf('(') + 1, st.lastIndexOf(')')).replaceAll("[0-9]+", "N").replaceAll("-w-[0-9a-fN]+", "");
          String[] f = st.substring(st.lastIndexOf(')') + 2).split(" ");
          m.merge(name, (Long.parseLong(f[11]) + Long.parseLong(f[12])) / 100.0, Double::sum);
        } catch (Exception e) { }
      }
    } catch (Exception e) { }
    return m;
  }
  static String diff(Map<String, Double> a, Map<String, Double> b, double gib) {
    StringBuilder sb = new StringBuilder();
    for (var e : b.entrySet()) { double d = (e.getValue() - a.getOrDefault(e.getKey(), 0.0)) / gib; if (d >= 0.02) sb.append(String.format(" %s=%.2f", e.getKey(), d)); }
    return sb.toString();
  }

  public static void main(String[] a) throws Exception {
    Path base = Path.of(a[0]);
    int turns = Integer.parseInt(a[1]);
    Files.createDirectories(base);
    long deadline = System.nanoTime() + Duration.ofHours(1).toNanos();
    RandomFile input = RandomFile.write(base.resolve("input"), 1L << 30, 7, deadline);
    BenchSizes full = BenchSizes.full();
    BenchSizes sizes = new BenchSizes(1L << 30, 50, 4096, 250, 500, 300, 256 << 20, 8, Duration.ofMinutes(10),
        Duration.ofSeconds(1), Duration.ofSeconds(1), Duration.ofSeconds(1), 1, 1, 1, 1, 3);
    try (BareNodes bare = BareNodes.start(base.resolve("bare"), 3);
         LocalCluster cluster = LocalCluster.start(new ArrayList<>(LocalCluster.javaLauncher()), base.resolve("c"), 3, "1s")) {
      HiroClient client = cluster.client();
      List<Long> hiroPids = new ArrayList<>(List.of(ProcessHandle.current().pid(), cluster.masterPid()));
      for (int i = 0; i < 3; i++) hiroPids.add(cluster.workerPid(i));
      List<Long> barePids = new ArrayList<>(List.of(ProcessHandle.current().pid()));
      for (Process p : bare.workerProcesses()) barePids.add(p.pid());
      System.out.println("pids hiro " + hiroPids + " bare " + barePids);
      for (int t = 0; t < turns; t++) {
        double[] c0 = hiroPids.stream().mapToDouble(ChainPair::cpu).toArray();
        List<Map<String, Double>> ht0 = new ArrayList<>(); for (long p : hiroPids) ht0.add(threads(p));
        long s = System.nanoTime();
        client.put(input.path(), "/big" + t, new PutOptions(3, 0, false));
        double sec = (System.nanoTime() - s) / 1e9;
        StringBuilder sb = new StringBuilder(); double tot = 0;
        for (int k = 0; k < hiroPids.size(); k++) { double c = cpu(hiroPids.get(k)) - c0[k]; tot += c; sb.append(String.format(" %.2f", c)); }
        System.out.printf("hiro %6.1f MB/s  cpu %.2f s/GiB [client master w1 w2 w3:%s]%n", 1073.741824 / sec, tot, sb);
        for (int k = 2; k < hiroPids.size(); k++) System.out.println("   hiro w" + (k - 1) + diff(ht0.get(k), threads(hiroPids.get(k)), 1));
        System.out.println("   hiro client" + diff(ht0.get(0), threads(hiroPids.get(0)), 1));
        if (t > 0) client.delete("/big" + (t - 1), false);
        double[] b0 = barePids.stream().mapToDouble(ChainPair::cpu).toArray();
        List<Map<String, Double>> bt0 = new ArrayList<>(); for (long p : barePids) bt0.add(threads(p));
        long bs = System.nanoTime();
        Figure f = GrpcChain.measure(input, bare, sizes, deadline);
        double bsec = (System.nanoTime() - bs) / 1e9;
        StringBuilder bb = new StringBuilder(); double btot = 0;
        for (int k = 0; k < barePids.size(); k++) { double c = cpu(barePids.get(k)) - b0[k]; btot += c; bb.append(String.format(" %.2f", c / 2)); }
        for (int k = 1; k < barePids.size(); k++) System.out.println("   bare w" + k + diff(bt0.get(k), threads(barePids.get(k)), 2));
        System.out.println("   bare sender" + diff(bt0.get(0), threads(barePids.get(0)), 2));
        System.out.printf("bare %6.1f MB/s  cpu %.2f s/GiB [sender w1 w2 w3:%s] (2 runs, %.1f s)%n", f.value(), btot / 2, bb, bsec);
      }
      client.close();
    }
  }
}
