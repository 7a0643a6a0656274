package io.hiro.master.core;

import static org.assertj.core.api.Assertions.assertThat;

import io.hiro.master.config.MasterConfig;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(value = 10, unit = TimeUnit.SECONDS)
class ClusterHealthTest {
  @Test
  void aClusterWithEveryWorkerLiveAndEveryPieceWholeIsOk() {
    MasterFixture fixture = new MasterFixture();
    fixture.registerWorkers(3);
    fixture.put("/f", 1);

    ClusterHealth health = fixture.master.clusterReport().health();

    assertThat(health.level()).isEqualTo(ClusterHealth.Level.OK);
    assertThat(health.line()).isEqualTo("OK");
  }

  @Test
  void aDeadWorkerMakesTheClusterDegradedWhileTwoReplicasAreLeft() {
    MasterFixture fixture = new MasterFixture();
    fixture.registerWorkers(3);
    fixture.put("/f", 1);
    killWorker3(fixture);

    ClusterView view = fixture.master.clusterReport();

    assertThat(view.health().level()).isEqualTo(ClusterHealth.Level.DEGRADED);
    assertThat(view.health().reasons()).containsExactly("1 piece has fewer replicas than wanted", "1 worker dead");
    assertThat(view.events()).filteredOn(e -> e.kind().equals(ClusterEvents.WORKER_DEAD)).singleElement()
        .satisfies(e -> assertThat(e.message()).startsWith("worker w3 (10.0.0.3:5050) is dead"));
    assertThat(view.events().getLast().kind()).isEqualTo(ClusterEvents.HEALING_FINISHED);
  }

  @Test
  void aPieceWithOneReplicaLeftOfTwoWantedPutsTheClusterAtRisk() {
    MasterFixture fixture = new MasterFixture(MasterConfig.builder().defaultReplication(2));
    fixture.register("w1", "10.0.0.1:5050", MasterFixture.GIB);
    fixture.register("w3", "10.0.0.3:5050", MasterFixture.GIB);
    fixture.put("/f", 1);
    killWorker3(fixture);

    ClusterView view = fixture.master.clusterReport();

    assertThat(view.lastReplicaPieces()).isEqualTo(1);
    assertThat(view.health().level()).isEqualTo(ClusterHealth.Level.AT_RISK);
    assertThat(view.health().line()).startsWith("AT RISK: 1 piece has a single good replica left");
  }

  @Test
  void aPieceWithNoLiveReplicaPutsTheClusterAtRiskAndAFreshMasterWithoutWorkersIsOnlyDegraded() {
    MasterFixture empty = new MasterFixture();
    assertThat(empty.master.clusterReport().health().level()).isEqualTo(ClusterHealth.Level.DEGRADED);

    MasterFixture fixture = new MasterFixture(MasterConfig.builder().defaultReplication(1));
    fixture.register("w3", "10.0.0.3:5050", MasterFixture.GIB);
    fixture.put("/f", 1);
    fixture.clock.advance(Duration.ofSeconds(31));
    fixture.master.sweep();

    ClusterView view = fixture.master.clusterReport();
    assertThat(view.missingPieces()).isEqualTo(1);
    assertThat(view.health().level()).isEqualTo(ClusterHealth.Level.AT_RISK);
    assertThat(view.health().reasons()).contains("no worker is live: nothing can be read or written");
    assertThat(view.events()).extracting(ClusterEvent::kind).contains(ClusterEvents.PIECE_MISSING);
  }

  /** w3 stops heartbeating; the others go on until it is dead. */
  private static void killWorker3(MasterFixture fixture) {
    for (int i = 0; i < 11; i++) {
      fixture.clock.advance(Duration.ofSeconds(3));
      fixture.heartbeat("w1");
      if (fixture.master.clusterReport().workers().size() > 2) {
        fixture.heartbeat("w2");
      }
    }
    fixture.master.sweep();
  }
}
