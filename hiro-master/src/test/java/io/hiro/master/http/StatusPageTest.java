package io.hiro.master.http;

import static org.assertj.core.api.Assertions.assertThat;

import io.hiro.master.core.ClusterEvent;
import io.hiro.master.core.ClusterView;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(value = 10, unit = TimeUnit.SECONDS)
class StatusPageTest {
  static final long NOW = 1_700_000_100_000L;

  static ClusterView viewWithADeadWorker() {
    return new ClusterView(List.of(
        new ClusterView.WorkerState("w1", "10.0.0.1:5050", "live", 1000, 250, 750, 3, NOW - 2_000),
        new ClusterView.WorkerState("w2<script>", "evil\"host:5050", "dead", 1000, 950, 50, 2, NOW - 45_000),
        new ClusterView.WorkerState("", "10.0.0.9:5050", "missing", 0, 0, 0, 0, 0)),
        4, 1, 5, 2, 0, 0, 1234, false, 0, 1, 0, NOW,
        List.of(new ClusterEvent(NOW - 40_000, "worker-dead", "w2<script>", "", "worker w2<script> is dead", 1),
            new ClusterEvent(NOW - 5_000, "piece-re-replicated", "w1", "00000000000000aa", "piece 00aa copied", 3)));
  }

  @Test
  void thePageShowsHealthWorkersAndEventsAndEscapesWhatCameFromOutside() {
    String page = StatusPage.render(viewWithADeadWorker());

    assertThat(page).contains("<meta name=\"viewport\"", "<meta http-equiv=\"refresh\" content=\"5\">")
        .contains("class=\"health degraded\">DEGRADED</p>")
        .contains("<li>2 pieces have fewer replicas than wanted; 1 copies under way</li>", "<li>1 worker dead</li>")
        .contains("w2&lt;script&gt;", "evil&quot;host:5050", "heartbeat 45 s ago", "heartbeat 2 s ago")
        .contains("width:25%", "width:95%\"", "class=\"full\"")
        .contains("expected (--workers), never registered")
        .contains("(and 2 more like it)")
        .doesNotContain("<script>", "http://", "https://");
    // Newest event first.
    assertThat(page.indexOf("piece 00aa copied")).isLessThan(page.indexOf("is dead"));
  }

  @Test
  void relativeTimesReadAsAPersonSaysThem() {
    assertThat(StatusPage.ago(300)).isEqualTo("just now");
    assertThat(StatusPage.ago(3_400)).isEqualTo("3 s ago");
    assertThat(StatusPage.ago(5 * 60_000)).isEqualTo("5 min ago");
    assertThat(StatusPage.ago(3 * 3_600_000)).isEqualTo("3 h ago");
    assertThat(StatusPage.ago(3 * 86_400_000L)).isEqualTo("3 days ago");
  }

  @Test
  void theJsonHasTheDocumentedFieldsInOrder() {
    String json = StatusJson.render(viewWithADeadWorker());

    assertThat(json).startsWith("{\"health\":\"DEGRADED\",\"healthReasons\":[\"2 pieces have fewer replicas than "
        + "wanted; 1 copies under way\",\"1 worker dead\",\"1 worker missing\"],\"reportMillis\":" + NOW
        + ",\"workers\":[{\"workerId\":\"w1\",\"address\":\"10.0.0.1:5050\",\"state\":\"live\",\"capacityBytes\":1000,"
        + "\"usedBytes\":250,\"freeBytes\":750,\"replicaCount\":3,\"lastHeartbeatMillis\":" + (NOW - 2_000) + "},");
    assertThat(json).contains("\"workerId\":\"w2<script>\",\"address\":\"evil\\\"host:5050\"")
        .contains("],\"fileCount\":4,\"directoryCount\":1,\"bytesStored\":1234,\"pieceCount\":5,"
            + "\"underReplicatedPieces\":2,\"lastReplicaPieces\":0,\"missingPieces\":0,\"pendingCopies\":1,"
            + "\"surplusReplicas\":0,\"safeMode\":false,\"safeModeRemainingMillis\":0,\"events\":[{\"atMillis\":")
        .endsWith("\"kind\":\"piece-re-replicated\",\"workerId\":\"w1\",\"pieceId\":\"00000000000000aa\","
            + "\"message\":\"piece 00aa copied\",\"count\":3}]}");
  }
}
