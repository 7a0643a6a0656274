package io.hiro.master.core;

import static io.hiro.master.core.MasterFixture.path;
import static org.assertj.core.api.Assertions.assertThat;

import io.hiro.common.HostPort;
import io.hiro.master.config.MasterConfig;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(value = 10, unit = TimeUnit.SECONDS)
class WorkerLivenessTest {
  private static ClusterView.WorkerState state(ClusterView view, String address) {
    return view.workers().stream().filter(w -> w.address().equals(address)).findFirst().orElseThrow();
  }

  @Test
  void aWorkerIsDeadAfterDeadAfterAndItsReplicasStopCounting() {
    MasterFixture fixture = new MasterFixture();
    fixture.registerWorkers(3);
    fixture.put("/f", 1);

    fixture.clock.advance(Duration.ofSeconds(20));
    fixture.heartbeat("w1");
    fixture.heartbeat("w2");
    fixture.clock.advance(Duration.ofSeconds(10));
    assertThat(state(fixture.master.clusterReport(), "10.0.0.3:5050").state()).isEqualTo("suspect");
    fixture.clock.advance(Duration.ofMillis(1));
    fixture.heartbeat("w1");
    fixture.heartbeat("w2");
    fixture.master.sweep();

    ClusterView view = fixture.master.clusterReport();
    assertThat(state(view, "10.0.0.3:5050").state()).isEqualTo("dead");
    assertThat(state(view, "10.0.0.1:5050").state()).isEqualTo("live");
    assertThat(view.underReplicatedPieces()).isEqualTo(1);
    assertThat(view.missingPieces()).isZero();
    assertThat(fixture.master.stat(path("/f"), true).pieces().getFirst().replicas())
        .extracting(r -> r.id().value()).containsExactlyInAnyOrder("w1", "w2");
  }

  @Test
  void aWorkerLateWithItsHeartbeatIsSuspectAndGetsNoNewChainWhileOthersCan() {
    MasterFixture fixture = new MasterFixture(MasterConfig.builder().defaultReplication(2));
    fixture.registerWorkers(3);
    fixture.clock.advance(Duration.ofSeconds(8));
    fixture.heartbeat("w1");
    fixture.heartbeat("w2");

    assertThat(state(fixture.master.clusterReport(), "10.0.0.3:5050").state()).isEqualTo("suspect");
    for (int i = 0; i < 5; i++) {
      assertThat(fixture.create("/s" + i, 1, false).pieces().getFirst().replicas())
          .extracting(r -> r.id().value()).containsExactlyInAnyOrder("w1", "w2");
    }
    fixture.heartbeat("w3");
    assertThat(state(fixture.master.clusterReport(), "10.0.0.3:5050").state()).isEqualTo("live");
  }

  /** Under load two of three workers can be a few seconds late: a put must still get its replicas. */
  @Test
  void lateWorkersFillAChainThatPromptOnesCannotWithAPromptPrimary() {
    MasterFixture fixture = new MasterFixture();
    fixture.registerWorkers(3);
    fixture.clock.advance(Duration.ofSeconds(8));
    fixture.heartbeat("w2");

    for (int i = 0; i < 5; i++) {
      UploadView upload = fixture.create("/s" + i, 1, false);
      assertThat(upload.minReplicas()).isEqualTo(2);
      assertThat(upload.pieces().getFirst().replicas()).extracting(r -> r.id().value())
          .as("the prompt worker first, then both suspects").containsExactly("w2", "w1", "w3");
    }
  }

  @Test
  void aDeadWorkerIsNotPlacedAndCountsAgainWhenItComesBack() {
    MasterFixture fixture = new MasterFixture(MasterConfig.builder().defaultReplication(2));
    fixture.registerWorkers(2);
    fixture.put("/f", 1);
    fixture.clock.advance(Duration.ofSeconds(31));
    fixture.heartbeat("w1");

    assertThat(fixture.create("/g", 1, false).pieces().getFirst().replicas())
        .extracting(r -> r.id().value()).containsExactly("w1");
    assertThat(fixture.master.clusterReport().underReplicatedPieces()).isEqualTo(1);

    fixture.heartbeat("w2");
    assertThat(fixture.master.clusterReport().underReplicatedPieces()).isZero();
  }

  @Test
  void allWorkersDeadMeansEveryPieceIsMissingAndPutsAreUnavailable() {
    MasterFixture fixture = new MasterFixture();
    fixture.registerWorkers(1);
    fixture.put("/f", 1);
    fixture.clock.advance(Duration.ofMinutes(1));

    assertThat(fixture.master.clusterReport().missingPieces()).isEqualTo(1);
    org.assertj.core.api.Assertions.assertThatThrownBy(() -> fixture.create("/g", 1, false))
        .hasMessageContaining("no live worker");
  }

  @Test
  void anExpectedWorkerIsShownMissingUntilItRegisters() {
    MasterFixture fixture = new MasterFixture(MasterConfig.builder()
        .expectedWorkers(List.of(HostPort.parse("10.0.0.1:5050"), HostPort.parse("10.0.0.9:5050"))));
    fixture.registerWorkers(1);

    ClusterView view = fixture.master.clusterReport();

    assertThat(view.workers()).hasSize(2);
    assertThat(state(view, "10.0.0.9:5050").state()).isEqualTo("missing");
    assertThat(state(view, "10.0.0.9:5050").workerId()).isEmpty();
    assertThat(state(view, "10.0.0.1:5050").state()).isEqualTo("live");
  }

  @Test
  void aHeartbeatFromAnUnknownWorkerAsksItToRegisterAgain() {
    MasterFixture fixture = new MasterFixture();

    assertThat(fixture.heartbeat("w-stranger").registerAgain()).isTrue();
  }

  @Test
  void reRegisteringUpdatesTheAddressAndReplacesTheReplicaReport() {
    MasterFixture fixture = new MasterFixture();
    fixture.registerWorkers(1);
    fixture.put("/f", 1);

    fixture.register("w1", "10.0.0.77:6060", MasterFixture.GIB);

    ClusterView view = fixture.master.clusterReport();
    assertThat(view.workers()).singleElement().satisfies(w -> {
      assertThat(w.address()).isEqualTo("10.0.0.77:6060");
      assertThat(w.replicaCount()).isZero();
    });
    assertThat(view.missingPieces()).isEqualTo(1);
  }

  @Test
  void reportCountsFilesDirectoriesAndBytes() {
    MasterFixture fixture = new MasterFixture();
    fixture.registerWorkers(3);
    fixture.put("/a/b/one", 100);
    fixture.put("/a/two", 2 * MasterFixture.PIECE);

    ClusterView view = fixture.master.clusterReport();

    assertThat(view.fileCount()).isEqualTo(2);
    assertThat(view.directoryCount()).isEqualTo(2);
    assertThat(view.pieceCount()).isEqualTo(3);
    assertThat(view.bytesStored()).isEqualTo(100 + 2 * MasterFixture.PIECE);
    assertThat(view.underReplicatedPieces()).isZero();
  }
}
