import io.hiro.app.LocalCluster;
import io.hiro.client.HiroClient;
import java.nio.file.*;
import java.util.*;
import java.util.concurrent.*;
import java.util.concurrent.atomic.*;

/** 8 clients stat 1,000 dirs round and round for SECONDS on a local cluster, printing every 5 s the stats/s and the CPU per stat of the master and of this JVM (the clients). */
public class StatLoop {
  public static void main(String[] a) throws Exception {
    Path base = Path.of(a[0]);
    int seconds = Integer.parseInt(a[1]);
    Files.createDirectories(base);
    try (LocalCluster cluster = LocalCluster.start(Small8.launcher(), base.resolve("c"), 3, "1s")) {
      List<HiroClient> clients = new ArrayList<>();
      for (int i = 0; i < 8; i++) clients.add(cluster.client());
      for (int i = 0; i < 1000; i++) clients.get(0).mkdir("/d/d" + i, true);
      AtomicLong ops = new AtomicLong();
      long end = System.nanoTime() + seconds * 1_000_000_000L;
      List<Thread> threads = new ArrayList<>();
      for (int c = 0; c < 8; c++) {
        int cc = c;
        threads.add(Thread.ofPlatform().start(() -> {
          int i = cc;
          while (System.nanoTime() < end) { clients.get(cc).stat("/d/d" + (i % 1000)); i += 8; ops.incrementAndGet(); }
        }));
      }
      long mpid = cluster.masterPid();
      while (System.nanoTime() < end) {
        long me = ProcessHandle.current().pid(); long o0 = ops.get(), c0 = Small8.cpu(mpid), m0 = Small8.cpu(me), s0 = System.nanoTime();
        Thread.sleep(5000);
        long o1 = ops.get(), c1 = Small8.cpu(mpid), m1 = Small8.cpu(me), s1 = System.nanoTime();
        System.out.printf("%.0f stats/s  master %.1f us/stat  clients %.1f us/stat%n", (o1 - o0) * 1e9 / (s1 - s0), (c1 - c0) / 1e3 / (o1 - o0), (m1 - m0) / 1e3 / (o1 - o0));
      }
      for (Thread t : threads) t.join();
      for (HiroClient c : clients) c.close();
    }
  }
}
