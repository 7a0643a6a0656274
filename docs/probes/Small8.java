import io.hiro.app.LocalCluster;
import io.hiro.client.HiroClient;
import io.hiro.client.PutOptions;
import java.nio.file.*;
import java.util.*;
import java.util.concurrent.*;

public class Small8 {
  static long cpu(long pid) {
    return ProcessHandle.of(pid).flatMap(p -> p.info().totalCpuDuration()).map(d -> d.toNanos()).orElse(0L);
  }
  /** This JVM's launcher, with the JVM options of -Ddaemon.opts (space-separated) for the daemons. */
  static List<String> launcher() {
    List<String> l = new ArrayList<>(LocalCluster.javaLauncher());
    String extra = System.getProperty("daemon.opts", "");
    if (!extra.isBlank()) l.addAll(1, List.of(extra.split(" ")));
    return l;
  }

  public static void main(String[] a) throws Exception {
    Path base = Path.of(a[0]);
    int warmSeconds = Integer.parseInt(a[1]), rounds = Integer.parseInt(a[2]);
    Path toggle = a.length > 3 ? Path.of(a[3]) : null;
    Files.createDirectories(base);
    Path input = base.resolve("small.bin");
    byte[] b = new byte[4096]; new Random(3).nextBytes(b); Files.write(input, b);
    try (LocalCluster cluster = LocalCluster.start(launcher(), base.resolve("c"), 3, "1s")) {
      List<Long> pids = new ArrayList<>();
      pids.add(ProcessHandle.current().pid()); pids.add(cluster.masterPid());
      for (int i = 0; i < cluster.workerCount(); i++) pids.add(cluster.workerPid(i));
      List<HiroClient> clients = new ArrayList<>();
      for (int i = 0; i < 8; i++) clients.add(cluster.client());
      ExecutorService pool = Executors.newFixedThreadPool(8);
      long end = System.nanoTime() + warmSeconds * 1_000_000_000L;
      int round = 0;
      while (System.nanoTime() < end) { run(pool, clients, input, "/w" + round++, 8); }
      System.out.println("warm rounds " + round);
      double[] rate = new double[2]; int[] n = new int[2];
      for (int t = 0; t < rounds; t++) {
        int mode = toggle == null ? 0 : t % 2;
        if (toggle != null) { if (mode == 1) Files.write(toggle, new byte[0]); else Files.deleteIfExists(toggle); }
        long[] before = pids.stream().mapToLong(Small8::cpu).toArray();
        long s = System.nanoTime();
        run(pool, clients, input, "/t" + t, 8);
        double sec = (System.nanoTime() - s) / 1e9;
        StringBuilder sb = new StringBuilder();
        double tot = 0;
        for (int k = 0; k < pids.size(); k++) { double c = (cpu(pids.get(k)) - before[k]) / 1e6 / 2000; tot += c; sb.append(String.format(" %.3f", c)); }
        System.out.printf("%s %.1f files/s cpu ms/put %.3f [%s ]%n", mode == 0 ? "base" : "tog ", 2000 / sec, tot, sb);
        rate[mode] += 2000 / sec; n[mode]++;
        long[] before1 = pids.stream().mapToLong(Small8::cpu).toArray();
        long s1 = System.nanoTime();
        clients.get(0).mkdir("/o" + t, true);
        for (int i = 0; i < 1000; i++) clients.get(0).put(input, "/o" + t + "/f" + i, new PutOptions(3, 0, false));
        double sec1 = (System.nanoTime() - s1) / 1e9;
        StringBuilder sb1 = new StringBuilder(); double tot1 = 0;
        for (int k = 0; k < pids.size(); k++) { double c = (cpu(pids.get(k)) - before1[k]) / 1e6 / 1000; tot1 += c; sb1.append(String.format(" %.3f", c)); }
        System.out.printf("one  %.1f files/s cpu ms/put %.3f [%s ]%n", 1000 / sec1, tot1, sb1);
      }
      if (toggle != null) Files.deleteIfExists(toggle);
      pool.shutdown();
      for (HiroClient c : clients) c.close();
    }
  }
  /** Rounds of 8-client puts for {@code seconds}; returns how many. */
  static int warm(ExecutorService pool, List<HiroClient> clients, Path input, int seconds) throws Exception {
    long end = System.nanoTime() + seconds * 1_000_000_000L;
    int round = 0;
    while (System.nanoTime() < end) { run(pool, clients, input, "/w" + round++, 8); }
    return round;
  }
  static void run(ExecutorService pool, List<HiroClient> clients, Path input, String dir, int k) throws Exception {
    List<Future<?>> fs = new ArrayList<>();
    for (int c = 0; c < k; c++) { int cc = c; fs.add(pool.submit(() -> { clients.get(cc).mkdir(dir + "/" + cc, true); for (int i = 0; i < 250; i++) clients.get(cc).put(input, dir + "/" + cc + "/f" + i, new PutOptions(3, 0, false)); return null; })); }
    for (Future<?> f : fs) f.get();
  }
}
