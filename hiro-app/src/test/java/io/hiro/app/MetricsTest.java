package io.hiro.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.hiro.client.PutOptions;
import io.hiro.client.PutResult;
import io.hiro.common.ErrorCode;
import io.hiro.common.HiroException;
import io.hiro.worker.WorkerServer;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** Every daemon's {@code /metrics} is valid Prometheus text, and what a put and a get move has moved. */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class MetricsTest {
  /** WritePiece and WriteWholePiece (pieces of one message): a worker's bytes in, as the README says. */
  static final String WRITE = "method=\"hiro.v1.DataService/Write";
  static final String READ = "method=\"hiro.v1.DataService/ReadPiece\"";

  @TempDir Path dir;

  @Test
  void aPutAndAGetMoveTheCountersOfTheMasterAndOfEveryWorker() throws Exception {
    try (TestCluster cluster = TestCluster.start(dir.resolve("cluster"), 3)) {
      PrometheusText masterBefore = PrometheusText.scrape(cluster.masterHttpUrl() + "/metrics");
      List<PrometheusText> workersBefore = scrapeWorkers(cluster);
      long size = 3 * 64 * 1024 + 123;

      PutResult put = cluster.client().put(TestFiles.random(dir, "f", size, 3), "/m/f", new PutOptions(3, 64 * 1024, false));
      cluster.client().get("/m/f", dir.resolve("back"));
      for (int i = 0; i < 2; i++) {
        assertThatThrownBy(() -> cluster.client().stat("/m/missing")).isInstanceOf(HiroException.class)
            .satisfies(e -> assertThat(((HiroException) e).code()).isEqualTo(ErrorCode.NOT_FOUND));
      }

      // The master's gauges come from a snapshot at most a second old.
      PrometheusText master = Awaitility.await().atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(100))
          .until(() -> PrometheusText.scrape(cluster.masterHttpUrl() + "/metrics"),
              scrape -> scrape.value("hiro_master_files") == 1);
      assertThat(master.contentType()).startsWith("text/plain; version=0.0.4");
      assertThat(master.value("hiro_master_files")).isEqualTo(1);
      assertThat(master.value("hiro_master_stored_bytes")).isEqualTo(size);
      assertThat(master.value("hiro_master_pieces")).isEqualTo(put.pieces().size());
      assertThat(master.value("hiro_master_pieces_missing")).isZero();
      assertThat(master.value("hiro_master_workers_live")).isEqualTo(3);
      assertThat(master.value("hiro_master_health")).isZero();
      assertThat(master.value("hiro_master_replication_queue")).isZero();
      assertThat(master.value("hiro_master_heartbeats_total")).isGreaterThan(masterBefore.value("hiro_master_heartbeats_total"));
      assertThat(master.value("hiro_master_journal_fsync_duration_seconds_count"))
          .isGreaterThan(masterBefore.sum("hiro_master_journal_fsync_duration_seconds_count", ""));
      assertThat(master.value("hiro_rpc_server_duration_seconds_count{code=\"OK\",method=\"hiro.v1.NamespaceService/CreateFile\"}"))
          .isEqualTo(1);
      assertThat(master.sum("hiro_rpc_server_duration_seconds_bucket", "CommitFile")).isPositive();
      // Each status code of a method has its own count.
      assertThat(master.value(
          "hiro_rpc_server_duration_seconds_count{code=\"NOT_FOUND\",method=\"hiro.v1.NamespaceService/Stat\"}"))
          .isEqualTo(2);

      List<PrometheusText> workers = scrapeWorkers(cluster);
      double received = 0;
      double read = 0;
      double forwarded = 0;
      double replicas = 0;
      for (int i = 0; i < workers.size(); i++) {
        PrometheusText worker = workers.get(i);
        received += worker.sum("hiro_rpc_server_received_bytes_total", WRITE)
            - workersBefore.get(i).sum("hiro_rpc_server_received_bytes_total", WRITE);
        read += worker.sum("hiro_rpc_server_sent_bytes_total", READ);
        forwarded += worker.sum("hiro_rpc_client_sent_bytes_total", WRITE);
        replicas += worker.value("hiro_worker_replicas");
        assertThat(worker.value("hiro_worker_heartbeats_total")).isPositive();
        assertThat(worker.value("hiro_worker_disk_free_bytes")).isPositive();
        assertThat(worker.value("hiro_worker_used_bytes")).isGreaterThanOrEqualTo(0);
        assertThat(worker.value("hiro_worker_scrub_enabled")).isEqualTo(1);
        assertThat(worker.samples()).containsKey("hiro_worker_scrub_passes_total");
      }
      // Three replicas of every byte arrived (one from the client, two down the chain), and were read once.
      assertThat(received).isGreaterThanOrEqualTo(3.0 * size);
      assertThat(forwarded).isGreaterThanOrEqualTo(2.0 * size);
      assertThat(read).isGreaterThanOrEqualTo(size);
      assertThat(replicas).isEqualTo(3.0 * put.pieces().size());
    }
  }

  private static List<PrometheusText> scrapeWorkers(TestCluster cluster) throws Exception {
    List<PrometheusText> scrapes = new ArrayList<>();
    for (int i = 0; i < cluster.workerCount(); i++) {
      WorkerServer worker = cluster.worker(i);
      scrapes.add(PrometheusText.scrape("http://127.0.0.1:" + worker.httpPort().orElseThrow() + "/metrics"));
    }
    return scrapes;
  }
}
