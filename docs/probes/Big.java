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
  /** The block device of the data dirs, -Ddisk= (vda). */
  static final String DISK = System.getProperty("disk", "vda");
  static long[] disk() {
    try { String[] f = Files.readString(Path.of("/sys/block/" + DISK + "/stat")).trim().split("\\s+");
      long[] r = new long[f.length]; for (int i = 0; i < f.length; i++) r[i] = Long.parseLong(f[i]); return r; } catch (Exception e) { return new long[0]; }
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
        long[] s0 = Get.stat(); long[] d0 = disk(); long s = System.nanoTime();
        client.put(input, "/big" + i, new PutOptions(3, 0, false));
        double sec = (System.nanoTime() - s) / 1e9;
        double tot = 0; StringBuilder sb = new StringBuilder();
        for (int k = 0; k < pids.size(); k++) { double c = (cpu(pids.get(k)) - before[k]) / 1e9; tot += c; sb.append(String.format(" %.2f/%dk", c, (flt(pids.get(k)) - fb[k]) / 1000)); }
        long[] s1 = Get.stat(); long ticks = 0; for (int k = 0; k < s1.length; k++) ticks += s1[k] - s0[k];
        double cores = Runtime.getRuntime().availableProcessors() / (double) ticks;
        System.out.printf("%s %.1f MB/s cpu %.2f s/GiB [%s ] idle %.2f iowait %.2f steal %.2f cores%n", i < warm ? "warm" : "put ",
            1073.741824 / sec, tot, sb, (s1[3] - s0[3]) * cores, (s1[4] - s0[4]) * cores, (s1[7] - s0[7]) * cores);
        long[] d1 = disk();
        if (d1.length >= 17) { // /sys/block/DEV/stat: writes 4-7, busy 9, in queue 10, flushes 15-16
          long writes = d1[4] - d0[4], flushes = d1[15] - d0[15];
          System.out.printf("     disk %s: %d writes of %.0f KiB, %.2f ms each; %d flushes, %.1f ms each; busy %.2f, queue %.2f%n",
              DISK, writes, (d1[6] - d0[6]) * 0.5 / Math.max(1, writes), (d1[7] - d0[7]) / (double) Math.max(1, writes), flushes,
              (d1[16] - d0[16]) / (double) Math.max(1, flushes), (d1[9] - d0[9]) / 1000.0 / sec, (d1[10] - d0[10]) / 1000.0 / sec);
        }
        client.delete("/big" + i, false);
      }
      client.close();
    }
  }
}
