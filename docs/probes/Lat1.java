import io.hiro.app.LocalCluster;
import io.hiro.client.HiroClient;
import io.hiro.client.PutOptions;
import java.net.URI;
import java.net.http.*;
import java.nio.file.*;
import java.util.*;
import java.util.concurrent.*;

/** One-client small puts on a local cluster: the put's wall time per file beside the mean server and client
 *  durations per method of each daemon, from their /metrics (sum and count of the duration histograms). */
public class Lat1 {
  static final HttpClient HTTP = HttpClient.newHttpClient();
  static Map<String, double[]> scrape(String hostPort) throws Exception {
    String body = HTTP.send(HttpRequest.newBuilder(URI.create("http://" + hostPort + "/metrics")).build(),
        HttpResponse.BodyHandlers.ofString()).body();
    Map<String, double[]> m = new TreeMap<>();
    for (String line : body.split("\n")) {
      if (!line.startsWith("hiro_rpc_") || !line.contains("duration_seconds_")) continue;
      boolean sum = line.contains("_seconds_sum{"), count = line.contains("_seconds_count{");
      if (!sum && !count) continue;
      String side = line.contains("server") ? "S" : "C";
      String method = line.replaceAll(".*method=\"([^\"]*)\".*", "$1");
      String code = line.replaceAll(".*code=\"([^\"]*)\".*", "$1");
      String key = side + " " + method.replaceAll(".*/", "") + (code.equals("OK") ? "" : " " + code);
      double v = Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1));
      m.computeIfAbsent(key, k -> new double[2])[sum ? 0 : 1] += v;
    }
    return m;
  }
  public static void main(String[] a) throws Exception {
    Path base = Path.of(a[0]);
    int warmSeconds = Integer.parseInt(a[1]), rounds = Integer.parseInt(a[2]), n = Integer.parseInt(a[3]);
    Files.createDirectories(base);
    Path input = base.resolve("small.bin");
    byte[] b = new byte[4096]; new Random(3).nextBytes(b); Files.write(input, b);
    try (LocalCluster cluster = LocalCluster.start(Small8.launcher(), base.resolve("c"), 3, "1s")) {
      List<String> names = new ArrayList<>(List.of("master"));
      List<String> addrs = new ArrayList<>(List.of(cluster.masterHttpAddress().toString()));
      for (int i = 0; i < 3; i++) { names.add("worker-" + (i + 1)); addrs.add(cluster.workerHttpAddress(i).toString()); }
      List<HiroClient> clients = new ArrayList<>();
      for (int i = 0; i < 8; i++) clients.add(cluster.client());
      ExecutorService pool = Executors.newFixedThreadPool(8);
      Small8.warm(pool, clients, input, warmSeconds);
      for (int t = 0; t < rounds; t++) {
        List<Map<String, double[]>> before = new ArrayList<>();
        for (String ad : addrs) before.add(scrape(ad));
        clients.get(0).mkdir("/o" + t, true);
        long s1 = System.nanoTime();
        for (int i = 0; i < n; i++) clients.get(0).put(input, "/o" + t + "/f" + i, new PutOptions(3, 0, false));
        double ms = (System.nanoTime() - s1) / 1e6 / n;
        System.out.printf("round %d: %.3f ms/put (%.1f files/s)%n", t, ms, 1000 / ms);
        for (int k = 0; k < addrs.size(); k++) {
          Map<String, double[]> after = scrape(addrs.get(k));
          StringBuilder sb = new StringBuilder();
          for (var e : after.entrySet()) {
            double[] bb = before.get(k).getOrDefault(e.getKey(), new double[2]);
            double c = e.getValue()[1] - bb[1];
            if (c < 1) continue;
            sb.append(String.format("  %s %.0f x %.3f ms (%.3f/put)", e.getKey(), c, (e.getValue()[0] - bb[0]) * 1e3 / c, (e.getValue()[0] - bb[0]) * 1e3 / n));
          }
          System.out.println("  " + names.get(k) + ":" + sb);
        }
      }
      pool.shutdown();
      for (HiroClient c : clients) c.close();
    }
  }
}
