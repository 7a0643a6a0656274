package io.hiro.master.core;

import static org.assertj.core.api.Assertions.assertThat;

import io.hiro.common.PieceId;
import io.hiro.common.WorkerId;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(value = 10, unit = TimeUnit.SECONDS)
class ClusterEventsTest {
  @Test
  void theRingKeepsOnlyTheNewestEvents() {
    ClusterEvents events = new ClusterEvents();
    for (int i = 0; i < ClusterEvents.EVENTS_MAX + 5; i++) {
      events.add(i, ClusterEvents.WORKER_JOINED, new WorkerId("w" + i), null, "worker w" + i + " joined");
    }

    assertThat(events.recent()).hasSize(ClusterEvents.EVENTS_MAX);
    assertThat(events.recent().getFirst().workerId()).isEqualTo("w5");
    assertThat(events.recent().getLast().message()).isEqualTo("worker w104 joined");
  }

  @Test
  void aBurstOfCopiesFoldsIntoOneEventAndCannotPushAWorkersDeathOut() {
    ClusterEvents events = new ClusterEvents();
    events.add(0, ClusterEvents.WORKER_DEAD, new WorkerId("w3"), null, "worker w3 is dead");
    for (int i = 0; i < 500; i++) {
      events.add(10 + i, ClusterEvents.PIECE_REREPLICATED, new WorkerId("w1"), new PieceId(i), "piece " + i + " copied");
    }

    assertThat(events.recent()).hasSize(2);
    assertThat(events.recent().getFirst().kind()).isEqualTo(ClusterEvents.WORKER_DEAD);
    ClusterEvent folded = events.recent().getLast();
    assertThat(folded.count()).isEqualTo(500);
    assertThat(folded.pieceId()).isEqualTo(new PieceId(499).toString());
    assertThat(folded.message()).isEqualTo("piece 499 copied");
  }

  @Test
  void eventsOfOneKindFarApartAreNotFolded() {
    ClusterEvents events = new ClusterEvents();
    events.add(0, ClusterEvents.REPLICA_CORRUPT, new WorkerId("w1"), new PieceId(1), "a");
    events.add(ClusterEvents.FOLD_MILLIS, ClusterEvents.REPLICA_CORRUPT, new WorkerId("w1"), new PieceId(2), "b");

    assertThat(events.recent()).extracting(ClusterEvent::count).containsExactly(1, 1);
  }
}
