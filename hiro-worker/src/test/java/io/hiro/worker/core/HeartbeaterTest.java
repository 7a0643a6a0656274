package io.hiro.worker.core;

import static org.assertj.core.api.Assertions.assertThat;

import io.hiro.common.PieceId;
import io.hiro.common.WorkerId;
import io.hiro.proto.DeleteOrder;
import io.hiro.proto.HeartbeatRequest;
import io.hiro.proto.HeartbeatResponse;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicBoolean;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(30)
class HeartbeaterTest {
  private static final WorkerId SELF = new WorkerId("w-1");

  /** The deletes of one answer wait for a slow disk; the heartbeats go on, telling the master how many wait. */
  @Test
  void heartbeatsGoOnWhileDeletesWaitForTheDiskAndSayHowManyWait() {
    List<HeartbeatRequest> heartbeats = new CopyOnWriteArrayList<>();
    AtomicBoolean ordered = new AtomicBoolean();
    RecordingMasterLink master = new RecordingMasterLink() {
      @Override
      public HeartbeatResponse heartbeat(HeartbeatRequest request) {
        heartbeats.add(request);
        HeartbeatResponse.Builder answer = HeartbeatResponse.newBuilder();
        if (ordered.compareAndSet(false, true)) {
          for (long pieceId : new long[] {11, 12}) {
            answer.addDeletes(DeleteOrder.newBuilder().setPieceId(pieceId).setToken(TestTokens.delete(pieceId)));
          }
        }
        return answer.build();
      }
    };
    CountDownLatch diskSlow = new CountDownLatch(1);
    List<PieceId> deleted = new CopyOnWriteArrayList<>();
    ReplicaDeletes deletes = ReplicaDeletes.inBackground(SELF, TestTokens.CHECK, pieceId -> {
      try {
        diskSlow.await();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      deleted.add(pieceId);
      return true;
    }, pieceId -> { }, Clock.systemUTC());
    ReplicaReporter reporter = new ReplicaReporter(SELF, master);
    try (Heartbeater heartbeater = new Heartbeater(SELF, "127.0.0.1:5050", master, List::of,
        () -> new WorkerUsage(100, 50, 50, 0), deletes, reporter, orders -> { }, Duration.ofMillis(10), e -> { })) {
      heartbeater.start();

      Awaitility.await("heartbeats while both deletes wait").atMost(Duration.ofSeconds(10))
          .until(() -> heartbeats.stream().filter(h -> h.getDeletesWaiting() == 2).count() >= 3);
      assertThat(deleted).isEmpty();
      diskSlow.countDown();
      Awaitility.await("a heartbeat after the deletes").atMost(Duration.ofSeconds(10))
          .until(() -> deleted.size() == 2 && heartbeats.getLast().getDeletesWaiting() == 0);
      assertThat(deleted).containsExactly(new PieceId(11), new PieceId(12));
    } finally {
      reporter.close();
    }
  }
}
