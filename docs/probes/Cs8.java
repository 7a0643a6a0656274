import io.hiro.app.LocalCluster;
import io.hiro.client.HiroClient;
import io.hiro.client.PutOptions;
import java.nio.file.*;
import java.util.*;
import java.util.concurrent.*;

public class Cs8 {
  public static void main(String[] a) throws Exception {
    Path base = Path.of(a[0]);
    int warmSeconds = Integer.parseInt(a[1]), rounds = Integer.parseInt(a[2]); int k = Integer.parseInt(a[3]);
    Files.createDirectories(base);
    Path input = base.resolve("small.bin");
    byte[] b = new byte[4096]; new Random(3).nextBytes(b); Files.write(input, b);
    try (LocalCluster cluster = LocalCluster.start(LocalCluster.javaLauncher(), base.resolve("c"), 3, "1s")) {
      List<String> pids = new ArrayList<>();
      pids.add("" + ProcessHandle.current().pid()); pids.add("" + cluster.masterPid());
      for (int i = 0; i < cluster.workerCount(); i++) pids.add("" + cluster.workerPid(i));
      List<HiroClient> clients = new ArrayList<>();
      for (int i = 0; i < 8; i++) clients.add(cluster.client());
      ExecutorService pool = Executors.newFixedThreadPool(8);
      long end = System.nanoTime() + warmSeconds * 1_000_000_000L;
      int round = 0;
      while (System.nanoTime() < end) { Small8.run(pool, clients, input, "/w" + round++, 8); }
      System.out.println("warm rounds " + round);
      List<String> cmd = new ArrayList<>(List.of("python3", "/tmp/prof/cs/snap.py", "x")); cmd.addAll(pids);
      Path toggle = Path.of("/tmp/hiro-toggle");
      for (int t = 0; t < rounds; t++) {
        int mode = t % 2;
        if (mode == 1) Files.write(toggle, new byte[0]); else Files.deleteIfExists(toggle);
        Thread.sleep(120);
        cmd.set(2, "/tmp/prof/cs/a" + t + "_" + mode + ".json");
        new ProcessBuilder(cmd).inheritIO().start().waitFor();
        long s = System.nanoTime();
        if (k == 8) Small8.run(pool, clients, input, "/t" + t, 8);
        else { clients.get(0).mkdir("/o" + t, true); for (int i = 0; i < 2000; i++) clients.get(0).put(input, "/o" + t + "/f" + i, new PutOptions(3, 0, false)); }
        double sec = (System.nanoTime() - s) / 1e9;
        cmd.set(2, "/tmp/prof/cs/b" + t + "_" + mode + ".json");
        new ProcessBuilder(cmd).inheritIO().start().waitFor();
        System.out.printf("round %d mode %d rate %.1f%n", t, mode, 2000 / sec);
      }
      Files.deleteIfExists(toggle);
      pool.shutdown();
      for (HiroClient c : clients) c.close();
    }
  }
}
