import io.hiro.app.LocalCluster;
import io.hiro.client.HiroClient;
import io.hiro.client.PutOptions;
import java.nio.file.*;
import java.util.*;

/**
 * 1 GiB gets (into a file on the same disk) and cats on a local cluster, one file put once: MB/s, CPU
 * s/GiB per process (this JVM, master, workers), the machine's idle and iowait cores, this JVM's
 * page faults, and the CPU and run-queue wait of the thread that hashes (the caller's). -Dkinds=get,cat.
 */
public class Get {
  static long[] stat() throws Exception {
    String[] f = Files.readAllLines(Path.of("/proc/stat")).get(0).trim().split("\\s+");
    long[] r = new long[f.length - 1]; for (int i = 1; i < f.length; i++) r[i - 1] = Long.parseLong(f[i]); return r;
  }
  static long[] sched() {
    try { String[] f = Files.readString(Path.of("/proc/thread-self/schedstat")).trim().split(" ");
      return new long[] {Long.parseLong(f[0]), Long.parseLong(f[1])}; } catch (Exception e) { return new long[2]; }
  }
  public static void main(String[] a) throws Exception {
    Path base = Path.of(a[0]); int rounds = Integer.parseInt(a[1]);
    Path input = Big.input(base);
    try (LocalCluster cluster = LocalCluster.start(Small8.launcher(), base.resolve("c"), 3, "1s")) {
      List<Long> pids = Big.pids(cluster);
      HiroClient client = cluster.client();
      client.put(input, "/big", new PutOptions(3, 0, false));
      var nul = java.io.OutputStream.nullOutputStream();
      for (int i = 0; i < rounds; i++) {
        for (String kind : System.getProperty("kinds", "get,cat").split(",")) {
          Path out = base.resolve("got.bin"); Files.deleteIfExists(out);
          long[] before = pids.stream().mapToLong(Big::cpu).toArray(); long[] s0 = stat(); long f0 = Big.flt(pids.get(0));
          long[] ss0 = sched(); long tc = java.lang.management.ManagementFactory.getThreadMXBean().getCurrentThreadCpuTime(); long s = System.nanoTime();
          if (kind.equals("get")) client.get("/big", out); else client.cat("/big", nul);
          double sec = (System.nanoTime() - s) / 1e9; long[] ss1 = sched(); double mainWait = (ss1[1] - ss0[1]) / 1e9; double mainCpu = (java.lang.management.ManagementFactory.getThreadMXBean().getCurrentThreadCpuTime() - tc) / 1e9;
          long[] s1 = stat(); long tot0 = 0; for (int k = 0; k < s1.length; k++) tot0 += s1[k] - s0[k];
          int cores = Runtime.getRuntime().availableProcessors();
          double idle = (s1[3] - s0[3]) * (double) cores / tot0, iow = (s1[4] - s0[4]) * (double) cores / tot0;
          double tot = 0; StringBuilder sb = new StringBuilder();
          for (int k = 0; k < pids.size(); k++) { double c = (Big.cpu(pids.get(k)) - before[k]) / 1e9; tot += c; sb.append(String.format(" %.2f", c)); }
          System.out.printf("%s %d %.1f MB/s cpu %.2f s/GiB [%s ] idle %.2f iowait %.2f cores, client faults %dk, main thread %.2f s cpu, %.2f s runnable waiting, of %.2f s%n", kind, i, 1073.741824 / sec, tot, sb, idle, iow, (Big.flt(pids.get(0)) - f0) / 1000, mainCpu, mainWait, sec);
        }
      }
      client.close();
    }
  }
}
