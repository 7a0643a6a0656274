package io.hiro.app;

import static org.assertj.core.api.Assertions.assertThat;

import io.hiro.client.ClusterReport;
import io.hiro.client.HiroClient;
import io.hiro.client.PutOptions;
import io.hiro.client.WorkerInfo;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The master's status page as a person sees it, in headless Chromium, on a real cluster of processes:
 * after {@code kill -9} of a worker the page says the cluster is not OK and names the dead worker.
 */
@Timeout(value = 240, unit = TimeUnit.SECONDS)
class StatusPageIT {
  @TempDir Path dir;

  @Test
  void afterAWorkerDiesThePageSaysDegradedAndNamesTheDeadWorker() throws Exception {
    Chromium chromium = Chromium.find(dir);
    LocalCluster.Options options = new LocalCluster.Options(HiroCli.launcher(), 3, "500ms",
        List.of("--dead-after", "3s"), List.of());
    try (LocalCluster cluster = LocalCluster.start(options, dir.resolve("cluster"));
        HiroClient client = cluster.client()) {
      client.put(TestFiles.random(dir, "photo.jpg", 300_000, 6), "/photos/photo.jpg", new PutOptions(3, 64 * 1024, false));
      String url = "http://" + cluster.masterHttpAddress() + "/";
      assertThat(health(chromium.dumpDom(url))).isEqualTo("OK");

      cluster.killWorker(2);
      String deadAddress = cluster.workerAddress(2).toString();
      WorkerInfo dead = Awaitility.await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(200))
          .until(() -> worker(client.report(), deadAddress), w -> w.state().equals("dead"));

      String dom = chromium.dumpDom(url);
      assertThat(health(dom)).isIn("DEGRADED", "AT RISK");
      assertThat(dom).contains("1 worker dead");
      String card = workerCard(dom, dead.workerId());
      assertThat(card).contains("data-state=\"dead\"", deadAddress, ">dead</span>", "heartbeat ");
      assertThat(dom).contains("worker " + dead.workerId() + " (" + deadAddress + ") is dead");

      // The daemons also log to rolling files in their data dirs.
      assertThat(Files.readString(cluster.masterDataDir().resolve("logs/hiro-master.log")))
          .contains("status page at http://127.0.0.1:" + cluster.masterHttpAddress().port());
      assertThat(Files.readString(cluster.workerDataDir(0).resolve("logs/hiro-worker.log")))
          .contains("registered with master");

      Path png = chromium.screenshot(url, dir.resolve("status-page.png"), 412, 1100);
      assertThat(Files.size(png)).isGreaterThan(10_000);
      Files.copy(png, Path.of("target", "status-page.png"), java.nio.file.StandardCopyOption.REPLACE_EXISTING);
    }
  }

  private static WorkerInfo worker(ClusterReport report, String address) {
    return report.workers().stream().filter(w -> w.address().equals(address)).findFirst().orElseThrow();
  }

  /** The text of the health line: what a person reads first. */
  private static String health(String dom) {
    int start = dom.indexOf("id=\"health\"");
    assertThat(start).as("the page has a health line:\n" + dom).isNotNegative();
    int open = dom.indexOf('>', start) + 1;
    return dom.substring(open, dom.indexOf('<', open));
  }

  /** The card of one worker on the page. */
  private static String workerCard(String dom, String workerId) {
    int id = dom.indexOf(">" + workerId + "<");
    assertThat(id).as("worker " + workerId + " is on the page:\n" + dom).isNotNegative();
    int start = dom.lastIndexOf("<div class=\"card worker\"", id);
    int end = dom.indexOf("</div></div>", id);
    return dom.substring(start, end);
  }
}
