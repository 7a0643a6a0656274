package io.hiro.master.core;

import static io.hiro.master.core.HealingFixture.GIB;
import static io.hiro.master.core.HealingFixture.PIECE;
import static org.assertj.core.api.Assertions.assertThat;

import io.hiro.common.PieceId;
import io.hiro.common.WorkerId;
import io.hiro.master.config.MasterConfig;
import io.hiro.master.core.HealingFixture.Order;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(value = 10, unit = TimeUnit.SECONDS)
class ReplicationMonitorTest {
  /** w1..w3 hold /a (one piece, replication 3); w4 is an empty spare. */
  private static HealingFixture threeHoldersAndASpare(MasterConfig.Builder builder) {
    HealingFixture f = threeHolders(builder, "/a");
    f.register("w4", GIB);
    return f;
  }

  /** w1..w3, with a GiB free each, hold the files given (one piece each, replication 3). */
  private static HealingFixture threeHolders(MasterConfig.Builder builder, String... paths) {
    HealingFixture f = new HealingFixture(builder);
    f.register("w1", GIB);
    f.register("w2", GIB);
    f.register("w3", GIB);
    for (String path : paths) {
      f.base.put(path, PIECE);
    }
    return f;
  }

  private static HealingFixture threeHoldersAndASpare() {
    return threeHoldersAndASpare(MasterConfig.builder());
  }

  /**
   * /pair, replication 2, on w1 and w2; w1's worker reported its replica corrupt and the master
   * ordered a fresh copy from w2 to w1, the only worker that can take it.
   */
  /** Rounds with w2's heartbeats, a full scan among them: none orders a copy. */
  private static void assertNoCopyThroughAFullScan(HealingFixture f, String why) {
    for (int round = 0; round < ReplicationMonitor.FULL_SCAN_EVERY_ROUNDS; round++) {
      assertThat(f.sweepAndHeartbeat("w2")).as(why).isEmpty();
    }
  }

  /** /pair, replication 2, on w1 and w2. */
  private static HealingFixture pair() {
    HealingFixture f = new HealingFixture(MasterConfig.builder().defaultReplication(2));
    f.register("w1", GIB);
    f.register("w2", GIB);
    f.base.put("/pair", PIECE);
    return f;
  }

  /**
   * /pair, replication 2, on w1 and w2; a client reported w1's replica bad, and w1's last heartbeat
   * answer carried its delete (no copy was ordered: w1, the only target, had the delete queued).
   */
  private static HealingFixture pairWithADeleteHandedToW1() {
    HealingFixture f = pair();
    long piece = f.piece("/pair");
    f.master.reportBadReplica(new PieceId(piece), new WorkerId("w1"), "a client's checksum failed");
    assertThat(f.sweepAndHeartbeat("w1", "w2")).isEmpty();
    assertThat(f.deletes.get("w1")).containsExactly(piece);
    return f;
  }

  private static HealingFixture pairWhoseReplicaOnW1ItsWorkerFoundCorrupt() {
    HealingFixture f = pair();
    long piece = f.piece("/pair");
    f.report("w1", new ReplicaChanges(new long[0], new long[0], new long[] {piece}, List.of()));
    assertThat(f.sweepAndHeartbeat("w1", "w2")).as("w1 is the only worker that can take it")
        .containsExactly(new Order(piece, "w2", "w1"));
    return f;
  }

  @Test
  void aDeadWorkersPieceIsCopiedFromALiveHolderToTheSpareAndIsHealthyOnceTheTargetReportsIt() {
    HealingFixture f = threeHoldersAndASpare();
    long piece = f.piece("/a");

    f.pass(Duration.ofSeconds(31), "w1", "w2", "w4");
    List<Order> orders = f.sweepAndHeartbeat("w1", "w2", "w4");

    assertThat(orders).containsExactly(new Order(piece, "w1", "w4"));
    assertThat(f.master.clusterReport().pendingCopies()).isEqualTo(1);
    assertThat(f.fsck("/a").state()).isEqualTo(FsckView.UNDER_REPLICATED);

    f.stored("w4", piece);
    assertThat(f.sweepAndHeartbeat("w1", "w2", "w4")).isEmpty();

    ClusterView report = f.master.clusterReport();
    assertThat(report.pendingCopies()).isZero();
    assertThat(report.underReplicatedPieces()).isZero();
    assertThat(f.fsck("/a")).isNull();
    assertThat(f.holders("/a")).containsExactly("w1", "w2", "w4");
  }

  @Test
  void theMostEndangeredPieceIsCopiedFirstWithinTheByteBudget() {
    HealingFixture f = new HealingFixture(MasterConfig.builder().replicationBandwidthBytesPerSecond(PIECE));
    f.register("w1", GIB);
    f.register("w2", GIB);
    f.register("w3", GIB);
    f.base.put("/a", PIECE);
    f.base.put("/z", PIECE);
    long pieceA = f.piece("/a");
    long pieceZ = f.piece("/z");
    // /z keeps two replicas (w1, w2), /a only one (w1): /a comes first whatever the walk's order.
    f.register("w2", GIB, pieceZ);
    f.register("w3", GIB);
    f.register("w4", GIB);

    List<Order> first = f.sweepAndHeartbeat("w1", "w2");
    f.clock.advance(Duration.ofMillis(500));
    List<Order> halfASecondLater = f.sweepAndHeartbeat("w1", "w2");
    f.clock.advance(Duration.ofMillis(500));
    List<Order> aSecondLater = f.sweepAndHeartbeat("w1", "w2");
    f.clock.advance(Duration.ofSeconds(1));
    List<Order> twoSecondsLater = f.sweepAndHeartbeat("w1", "w2");

    assertThat(first).singleElement().satisfies(o -> assertThat(o.pieceId()).isEqualTo(pieceA));
    assertThat(halfASecondLater).as("the budget of 1 MiB/s allows no second piece yet").isEmpty();
    assertThat(aSecondLater).singleElement().satisfies(o -> assertThat(o.pieceId()).isEqualTo(pieceA));
    assertThat(twoSecondsLater).as("w1 has its 2 copies in flight: /z comes from w2, to the worker with most room")
        .containsExactly(new Order(pieceZ, "w2", "w4"));
  }

  /** A round checks the pieces that changed, not the whole namespace (every piece, at scale, under the lock). */
  @Test
  void afterTheFirstRoundARoundChecksOnlyThePiecesThatChangedAndAllOfThemNowAndThen() {
    HealingFixture f = threeHoldersAndASpare();
    for (int i = 0; i < 40; i++) {
      f.base.put("/many/f" + i, PIECE);
    }
    f.sweepAndHeartbeat("w1", "w2", "w3", "w4");
    long afterFirst = f.master.piecesCheckedByMonitor();
    assertThat(afterFirst).as("the first round checks every piece").isGreaterThanOrEqualTo(41);

    f.sweepAndHeartbeat("w1", "w2", "w3", "w4");
    long afterQuiet = f.master.piecesCheckedByMonitor();
    f.base.put("/new", PIECE);
    f.stored("w1", f.piece("/new"));
    f.sweepAndHeartbeat("w1", "w2", "w3", "w4");
    long afterPut = f.master.piecesCheckedByMonitor();

    assertThat(afterQuiet - afterFirst).as("nothing changed").isZero();
    assertThat(afterPut - afterQuiet).as("the new file's piece").isEqualTo(1);
    for (int round = 0; round < ReplicationMonitor.FULL_SCAN_EVERY_ROUNDS; round++) {
      f.sweepAndHeartbeat("w1", "w2", "w3", "w4");
    }
    assertThat(f.master.piecesCheckedByMonitor() - afterPut).as("one full scan in %d rounds",
        ReplicationMonitor.FULL_SCAN_EVERY_ROUNDS).isEqualTo(42);
  }

  /**
   * A file committed with fewer replicas than it wants, all of them reported before the commit
   * (so no replica changes after it), is still looked at in the next round.
   */
  @Test
  void aFileCommittedShortOfReplicasWhoseReplicasWereReportedBeforeItsCommitGetsACopy() {
    HealingFixture f = threeHoldersAndASpare();
    f.sweepAndHeartbeat("w1", "w2", "w3", "w4");
    UploadView upload = f.base.create("/short", PIECE, false);
    PieceView piece = upload.pieces().getFirst();
    List<WorkerId> stored = piece.replicas().stream().map(WorkerAddress::id).limit(2).toList();
    stored.forEach(w -> f.stored(w.value(), piece.id().value()));
    f.sweepAndHeartbeat("w1", "w2", "w3", "w4"); // the reports are taken while the piece is still an upload's
    f.master.uploads().commitFile(upload.uploadId(),
        List.of(new PieceCommit(0, piece.id(), PIECE, 7, stored)), new byte[32]);

    List<Order> orders = f.sweepAndHeartbeat("w1", "w2", "w3", "w4");

    assertThat(orders).singleElement().satisfies(o -> {
      assertThat(o.pieceId()).isEqualTo(piece.id().value());
      assertThat(stored.stream().map(WorkerId::value)).contains(o.source()).doesNotContain(o.target());
    });
  }

  /** A piece that had no eligible target is served in the round after a worker joins, not at the next full scan. */
  @Test
  void aWorkerThatJoinsReceivesTheCopiesThatHadNoTargetInTheNextRound() {
    HealingFixture f = new HealingFixture(MasterConfig.builder());
    f.register("w1", GIB);
    f.register("w2", GIB);
    f.base.put("/a", PIECE); // wants 3 replicas, 2 workers live
    long piece = f.piece("/a");
    assertThat(f.sweepAndHeartbeat("w1", "w2")).isEmpty();
    assertThat(f.sweepAndHeartbeat("w1", "w2")).isEmpty();

    f.register("w3", GIB);

    assertThat(f.sweepAndHeartbeat("w1", "w2", "w3")).singleElement()
        .satisfies(o -> assertThat(o.pieceId()).isEqualTo(piece))
        .satisfies(o -> assertThat(o.target()).isEqualTo("w3"));
  }

  @Test
  void aSourceSendsAtMostCopiesPerWorkerMaxAtOnce() {
    HealingFixture f = new HealingFixture(MasterConfig.builder().defaultReplication(2)
        .replicationCopiesPerWorkerMax(1));
    f.register("w1", GIB);
    f.base.put("/a", PIECE);
    f.base.put("/b", PIECE);
    f.base.put("/c", PIECE);
    f.register("w2", GIB);

    List<Order> first = f.sweepAndHeartbeat("w1");
    List<Order> stillBusy = f.sweepAndHeartbeat("w1");
    f.stored("w2", first.getFirst().pieceId());
    List<Order> next = f.sweepAndHeartbeat("w1");

    assertThat(first).hasSize(1);
    assertThat(stillBusy).isEmpty();
    assertThat(next).singleElement().satisfies(o -> assertThat(o.pieceId()).isNotEqualTo(first.getFirst().pieceId()));
  }

  @Test
  void aFailedCopyIsRetriedOnAnotherTarget() {
    HealingFixture f = threeHoldersAndASpare();
    f.setFree("w4", 2 * GIB);
    f.register("w5", GIB);
    long piece = f.piece("/a");
    f.pass(Duration.ofSeconds(31), "w1", "w2", "w4", "w5");
    assertThat(f.sweepAndHeartbeat("w1", "w2")).containsExactly(new Order(piece, "w1", "w4"));

    f.report("w1", new ReplicaChanges(new long[0], new long[0], new long[0],
        List.of(HealingFixture.failure(piece, "w4"))));

    assertThat(f.sweepAndHeartbeat("w1", "w2")).containsExactly(new Order(piece, "w1", "w5"));
  }

  @Test
  void aTargetThatFailedBeforeIsTriedAgainWhenItIsTheOnlyEligibleWorker() {
    HealingFixture f = threeHoldersAndASpare();
    long piece = f.piece("/a");
    f.pass(Duration.ofSeconds(31), "w1", "w2", "w4");
    assertThat(f.sweepAndHeartbeat("w1", "w2")).containsExactly(new Order(piece, "w1", "w4"));

    f.report("w1", new ReplicaChanges(new long[0], new long[0], new long[0],
        List.of(HealingFixture.failure(piece, "w4"))));

    assertThat(f.sweepAndHeartbeat("w1", "w2")).as("w4 is the only worker left that can take it")
        .containsExactly(new Order(piece, "w1", "w4"));
  }

  @Test
  void aCopyThatTimesOutIsRetriedOnAnotherTarget() {
    HealingFixture f = threeHoldersAndASpare();
    f.setFree("w4", 2 * GIB);
    f.register("w5", GIB);
    long piece = f.piece("/a");
    f.pass(Duration.ofSeconds(31), "w1", "w2", "w4", "w5");
    assertThat(f.sweepAndHeartbeat("w1", "w2")).containsExactly(new Order(piece, "w1", "w4"));

    f.pass(Duration.ofSeconds(59), "w1", "w2", "w4", "w5");
    assertThat(f.orders.get("w1")).hasSize(1);
    f.pass(Duration.ofSeconds(3), "w1", "w2", "w4", "w5");
    f.heartbeat("w1");

    assertThat(f.orders.get("w1")).extracting(o -> o.target().id().value()).containsExactly("w4", "w5");
  }

  @Test
  void nothingIsCopiedOrDeletedInSafeMode() {
    HealingFixture f = threeHoldersAndASpare();
    f.base.put("/b", PIECE);
    f.master.forceSafeMode(true);
    f.pass(Duration.ofSeconds(31), "w1", "w2", "w4");
    f.master.delete(MasterFixture.path("/b"), false);

    f.pass(Duration.ofSeconds(6), "w1", "w2", "w4");

    assertThat(f.orders).isEmpty();
    assertThat(f.deletes).isEmpty();
    assertThat(f.master.clusterReport().safeMode()).isTrue();
    assertThat(f.master.fsck(MasterFixture.path("/")).safeMode()).isTrue();

    f.master.forceSafeMode(false);
    f.pass(Duration.ofSeconds(6), "w1", "w2", "w4");

    assertThat(f.orders).containsKey("w1");
    assertThat(f.deletes.get("w1")).hasSize(1);
  }

  @Test
  void aReturningWorkersSurplusReplicaIsDeletedFromTheFullestWorkerOnceNoCopyIsPending() {
    HealingFixture f = threeHoldersAndASpare();
    long piece = f.piece("/a");
    f.pass(Duration.ofSeconds(31), "w1", "w2", "w4");
    f.sweepAndHeartbeat("w1", "w2");
    f.setFree("w3", 100 * PIECE);

    f.heartbeat("w3");
    f.sweepAndHeartbeat("w1", "w2", "w3", "w4");
    assertThat(f.deletes).as("a copy to w4 is pending: nothing is surplus yet").isEmpty();
    f.stored("w4", piece);
    assertThat(f.master.clusterReport().surplusReplicas()).isEqualTo(1);
    f.sweepAndHeartbeat("w1", "w2", "w3", "w4");

    assertThat(f.deletes).containsOnlyKeys("w3");
    assertThat(f.deletes.get("w3")).containsExactly(piece);
    assertThat(f.holders("/a")).containsExactly("w1", "w2", "w4");
    assertThat(f.master.clusterReport().surplusReplicas()).isZero();
  }

  @Test
  void aReplicaItsWorkerFoundCorruptLeavesTheMapAndAGoodOneIsCopied() {
    HealingFixture f = threeHoldersAndASpare();
    long piece = f.piece("/a");

    f.report("w1", new ReplicaChanges(new long[0], new long[0], new long[] {piece}, List.of()));

    assertThat(f.holders("/a")).containsExactly("w2", "w3");
    assertThat(f.fsck("/a").corruptReplicas()).isEqualTo(1);
    assertThat(f.fsck("/a").state()).isEqualTo(FsckView.UNDER_REPLICATED);
    List<Order> orders = f.sweepAndHeartbeat("w1", "w2", "w3");
    assertThat(f.deletes.get("w1")).as("the worker already moved it aside").isNullOrEmpty();
    assertThat(orders).singleElement().satisfies(o -> assertThat(o.target()).isEqualTo("w4"));

    f.stored("w4", piece);
    f.master.sweep();

    assertThat(f.fsck("/a")).isNull();
    assertThat(f.master.fsck(MasterFixture.path("/")).files()).isEmpty();
  }

  @Test
  void theLastReplicaItsWorkerFoundCorruptIsNeverASourceAndTheFileIsReportedMissing() {
    HealingFixture f = new HealingFixture(MasterConfig.builder().defaultReplication(1));
    f.register("w1", GIB);
    f.base.put("/solo", PIECE);
    long piece = f.piece("/solo");
    f.register("w2", GIB);

    f.report("w1", new ReplicaChanges(new long[0], new long[0], new long[] {piece}, List.of()));
    f.sweepAndHeartbeat("w1", "w2");

    assertThat(f.deletes).isEmpty();
    assertThat(f.orders).as("a corrupt replica is no source").isEmpty();
    assertThat(f.holders("/solo")).as("its worker no longer serves it").isEmpty();
    FsckView view = f.master.fsck(MasterFixture.path("/"));
    assertThat(view.filesUnreadable()).isEqualTo(1);
    assertThat(view.files()).singleElement().satisfies(file -> {
      assertThat(file.state()).isEqualTo(FsckView.MISSING);
      assertThat(file.corruptReplicas()).isEqualTo(1);
    });
  }

  @Test
  void aWorkerWhoseReplicaWasCorruptCountsAgainOnceAFreshCopyReachesIt() {
    HealingFixture f = pairWhoseReplicaOnW1ItsWorkerFoundCorrupt();
    long piece = f.piece("/pair");
    f.stored("w1", piece);
    f.master.sweep();

    assertThat(f.fsck("/pair")).as("healthy again").isNull();
    assertThat(f.master.clusterReport().underReplicatedPieces()).isZero();
    assertThat(f.sweepAndHeartbeat("w1", "w2")).isEmpty();
  }

  @Test
  void aClientsReportOfAReplicaItsWorkerAlreadyMovedAsideQueuesNoDeleteThatWouldMeetTheCopyUnderWay() {
    // w1's worker finds its replica corrupt while serving a read: it moves it aside and reports it,
    // and the master orders a fresh copy to w1 ...
    HealingFixture f = pairWhoseReplicaOnW1ItsWorkerFoundCorrupt();
    long piece = f.piece("/pair");
    // ... before the report of the client that got that read's DATA_LOSS arrives.
    f.master.reportBadReplica(new PieceId(piece), new WorkerId("w1"), "worker w1: replica is corrupt");
    f.stored("w1", piece);
    f.sweepAndHeartbeat("w1", "w2");

    assertThat(f.deletes).as("no delete may reach w1 after its fresh copy").isEmpty();
    assertThat(f.holders("/pair")).containsExactly("w1", "w2");
    assertThat(f.fsck("/pair")).as("healthy again").isNull();
  }

  /**
   * A worker takes the delete orders of a heartbeat answer in before its next heartbeat: until then a
   * copy of the piece sent to it could land first and be the replica that delete removes.
   */
  @Test
  void aWorkerIsNoCopyTargetForAPieceUntilItsHeartbeatAfterTheOneThatCarriedTheDelete() {
    HealingFixture f = pairWithADeleteHandedToW1();
    long piece = f.piece("/pair");
    assertNoCopyThroughAFullScan(f, "w1 has not heartbeated since it was handed the delete");
    f.heartbeat("w1");
    assertThat(f.sweepAndHeartbeat("w2")).containsExactly(new Order(piece, "w2", "w1"));
  }

  /** While the deletes of an answer the worker lost go out again, the worker stays no copy target for their pieces. */
  @Test
  void aWorkerIsNoCopyTargetForAPieceWhileTheDeleteOfAnAnswerItLostGoesOutAgain() {
    HealingFixture f = pairWithADeleteHandedToW1();
    long piece = f.piece("/pair");

    f.heartbeat("w1", true);
    assertNoCopyThroughAFullScan(f, "w1's delete went out again");
    assertThat(f.deletes.get("w1")).containsExactly(piece, piece);
    f.heartbeat("w1");
    assertThat(f.sweepAndHeartbeat("w2")).containsExactly(new Order(piece, "w2", "w1"));
  }

  /** In safe mode a heartbeat hands out nothing, but it still says the worker took in the last answer's deletes. */
  @Test
  void aHeartbeatInSafeModeEndsTheWaitForTheDeletesHandedOutBefore() {
    HealingFixture f = pairWithADeleteHandedToW1();
    long piece = f.piece("/pair");

    f.master.forceSafeMode(true);
    f.heartbeat("w1");
    f.master.forceSafeMode(false);

    assertThat(f.sweepAndHeartbeat("w2")).containsExactly(new Order(piece, "w2", "w1"));
  }

  @Test
  void anOrphanReplicaIsDeletedOnlyAfterTheOrphanGraceAndNeverInSafeMode() {
    HealingFixture f = new HealingFixture(MasterConfig.builder());
    f.register("w1", GIB, 0x1234L);

    f.pass(Duration.ofSeconds(57), "w1");
    assertThat(f.deletes).isEmpty();
    f.master.forceSafeMode(true);
    f.pass(Duration.ofSeconds(6), "w1");
    assertThat(f.deletes).isEmpty();
    f.master.forceSafeMode(false);
    f.pass(Duration.ofSeconds(3), "w1");
    f.heartbeat("w1");

    assertThat(f.deletes.get("w1")).containsExactly(0x1234L);
  }

  @Test
  void anOrphanKeepsItsAgeWhenItsWorkerRegistersAgainAndIsForgottenWhenRemoved() {
    HealingFixture f = new HealingFixture(MasterConfig.builder());
    f.register("w1", GIB, 0x1234L, 0x5678L);
    f.pass(Duration.ofSeconds(30), "w1");
    f.register("w1", GIB, 0x1234L, 0x5678L);
    f.master.membership().reportReplicas(new io.hiro.common.WorkerId("w1"), new long[0], new long[] {0x5678L});

    f.pass(Duration.ofSeconds(33), "w1");
    f.heartbeat("w1");

    assertThat(f.deletes.get("w1")).containsExactly(0x1234L);
  }

  /**
   * A worker without room for the piece is no target; once it gains room, the piece is served in the
   * next round, not at the next full scan.
   */
  @Test
  void aWorkerWithoutRoomIsNoTargetUntilItGainsRoomAndThenServedInTheNextRound() {
    HealingFixture f = threeHoldersAndASpare();
    f.setFree("w4", PIECE / 2);
    long piece = f.piece("/a");
    f.pass(Duration.ofSeconds(31), "w1", "w2", "w4");
    assertThat(f.sweepAndHeartbeat("w1", "w2", "w4")).isEmpty();
    long checked = f.master.piecesCheckedByMonitor();
    assertThat(f.sweepAndHeartbeat("w1", "w2", "w4")).isEmpty();
    assertThat(f.master.piecesCheckedByMonitor()).as("no worker gained room: the piece is not checked again")
        .isEqualTo(checked);

    f.setFree("w4", PIECE);
    f.heartbeat("w4");

    assertThat(f.sweepAndHeartbeat("w1", "w2", "w4")).singleElement()
        .satisfies(o -> assertThat(o.pieceId()).isEqualTo(piece))
        .satisfies(o -> assertThat(o.target()).isEqualTo("w4"));
  }

  /**
   * A copy that reached its target takes room there before the target's next heartbeat reports it:
   * it gives no reason to look at the waiting piece again, and when another worker does, the
   * target is not counted as having the room it had before the copy.
   */
  @Test
  void aCopyThatLandsBeforeItsTargetsHeartbeatStillTakesItsRoom() {
    HealingFixture f = threeHolders(MasterConfig.builder(), "/a", "/b");
    f.register("w4", PIECE + PIECE / 2);
    f.register("w5", PIECE / 2);
    f.pass(Duration.ofSeconds(31), "w1", "w2", "w4", "w5"); // w3 dies: room on w4 for one of the two
    f.sweepAndHeartbeat("w1", "w2", "w4", "w5");
    List<HeartbeatReply.CopyOrder> first = f.orders.values().stream().flatMap(List::stream).toList();
    assertThat(first).singleElement().satisfies(o -> assertThat(o.target().id().value()).isEqualTo("w4"));
    long landed = first.getFirst().pieceId().value();
    long waiting = landed == f.piece("/a") ? f.piece("/b") : f.piece("/a");

    f.setFree("w4", PIECE / 2);
    f.stored("w4", landed); // reported at once; w4's heartbeat, with its new free space, comes later
    assertThat(f.sweepAndHeartbeat("w1", "w2")).isEmpty();
    f.setFree("w5", PIECE);
    f.heartbeat("w5");

    assertThat(f.sweepAndHeartbeat("w1", "w2")).singleElement()
        .satisfies(o -> assertThat(o.pieceId()).isEqualTo(waiting))
        .satisfies(o -> assertThat(o.target()).isEqualTo("w5"));
  }

  /**
   * A worker that registers again with a copy among its replicas reports free space that already
   * holds it: the copy is not taken off its room a second time, and a new file's chain can use it.
   */
  @Test
  void aCopyAmongTheReplicasOfAWorkerThatRegistersAgainTakesItsRoomOnce() {
    HealingFixture f = threeHolders(MasterConfig.builder(), "/a");
    f.register("w4", 2 * PIECE);
    f.pass(Duration.ofSeconds(31), "w1", "w2", "w4"); // w3 dies: /a is copied to w4
    f.sweepAndHeartbeat("w1", "w2", "w4");
    assertThat(f.orders.values().stream().flatMap(List::stream))
        .singleElement().satisfies(o -> assertThat(o.target().id().value()).isEqualTo("w4"));

    f.register("w4", PIECE, f.piece("/a")); // restarted after the copy landed, before reporting it

    UploadView upload = f.base.create("/b", PIECE, false);
    assertThat(upload.pieces().getFirst().replicas()).extracting(r -> r.id().value())
        .containsExactlyInAnyOrder("w1", "w2", "w4");
  }

  /** Only a worker that could take the waiting piece but for its room makes the monitor look at it again. */
  @Test
  void aWaitingPieceIsNotCheckedAgainWhenAHolderOrAWorkerStillShortOfRoomReportsMoreFreeSpace() {
    HealingFixture f = threeHoldersAndASpare();
    f.setFree("w4", PIECE / 2);
    f.pass(Duration.ofSeconds(31), "w1", "w2", "w4");
    assertThat(f.sweepAndHeartbeat("w1", "w2", "w4")).isEmpty();
    long checked = f.master.piecesCheckedByMonitor();

    f.setFree("w1", GIB + 1); // a holder
    f.heartbeat("w1");
    assertThat(f.sweepAndHeartbeat("w1", "w2", "w4")).isEmpty();
    f.setFree("w4", PIECE / 2 + 1); // more, but still short of the piece
    f.heartbeat("w4");
    assertThat(f.sweepAndHeartbeat("w1", "w2", "w4")).isEmpty();

    assertThat(f.master.piecesCheckedByMonitor()).isEqualTo(checked);
  }

  @Test
  void copiesAlreadyHeadedToAWorkerCountAgainstItsRoom() {
    HealingFixture f = new HealingFixture(MasterConfig.builder().defaultReplication(2));
    f.register("w1", GIB);
    f.base.put("/a", PIECE);
    f.base.put("/b", PIECE);
    f.register("w2", PIECE + PIECE / 2);

    List<Order> orders = f.sweepAndHeartbeat("w1");

    assertThat(orders).hasSize(1);
  }
}
