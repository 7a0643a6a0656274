import io.hiro.app.LocalCluster;
import io.hiro.client.HiroClient;
import io.hiro.client.PutOptions;
import java.nio.file.*;
import java.util.*;

public class Big {
  static long cpu(long pid) {
    return ProcessHandle.of(pid).flatMap(p -> p.info().totalCpuDuration()).map(d -> d.toNanos()).orElse(0L);
  }
  static long flt(long pid) {
    try { String st = java.nio.file.Files.readString(java.nio.file.Path.of("/proc/" + pid + "/stat"));
      String[] f = st.substring(st.lastIndexOf(')') + 2).split(" "); return Long.parseLong(f[7]); } catch (Exception e) { return 0; }
  }
  /** BASE/big.bin, 1 GiB of random bytes, made once. */
  static Path input(Path base) throws Exception {
    Files.createDirectories(base);
    Path input = base.resolve("big.bin");
    if (!Files.exists(input)) {
      byte[] b = new byte[1 << 20]; Random r = new Random(1);
      try (var out = Files.newOutputStream(input)) { for (int i = 0; i < 1024; i++) { r.nextBytes(b); out.write(b); } }
    }
    return input;
  }
  /** This JVM, the master, the workers. */
  static List<Long> pids(LocalCluster cluster) {
    List<Long> pids = new ArrayList<>(); pids.add(ProcessHandle.current().pid()); pids.add(cluster.masterPid());
    for (int i = 0; i < cluster.workerCount(); i++) pids.add(cluster.workerPid(i));
    return pids;
  }
  public static void main(String[] a) throws Exception {
    Path base = Path.of(a[0]); int warm = Integer.parseInt(a[1]), timed = Integer.parseInt(a[2]);
    Path input = input(base);
    try (LocalCluster cluster = LocalCluster.start(Small8.launcher(), base.resolve("c"), 3, "1s")) {
      List<Long> pids = pids(cluster);
      HiroClient client = cluster.client();
      for (int i = 0; i < warm + timed; i++) {
        long[] before = pids.stream().mapToLong(Big::cpu).toArray(); long[] fb = pids.stream().mapToLong(Big::flt).toArray();
        long[] s0 = Get.stat(); long s = System.nanoTime();
        client.put(input, "/big" + i, new PutOptions(3, 0, false));
        double sec = (System.nanoTime() - s) / 1e9;
        double tot = 0; StringBuilder sb = new StringBuilder();
        for (int k = 0; k < pids.size(); k++) { double c = (cpu(pids.get(k)) - before[k]) / 1e9; tot += c; sb.append(String.format(" %.2f/%dk", c, (flt(pids.get(k)) - fb[k]) / 1000)); }
        long[] s1 = Get.stat(); long ticks = 0; for (int k = 0; k < s1.length; k++) ticks += s1[k] - s0[k];
        double cores = Runtime.getRuntime().availableProcessors() / (double) ticks;
        System.out.printf("%s %.1f MB/s cpu %.2f s/GiB [%s ] idle %.2f iowait %.2f steal %.2f cores%n", i < warm ? "warm" : "put ",
            1073.741824 / sec, tot, sb, (s1[3] - s0[3]) * cores, (s1[4] - s0[4]) * cores, (s1[7] - s0[7]) * cores);
        client.delete("/big" + i, false);
      }
      client.close();
    }
  }
}
