package io.hiro.worker.core;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import com.google.protobuf.ByteString;
import io.hiro.common.PieceId;
import io.hiro.common.WorkerId;
import io.hiro.common.security.PieceOperation;
import io.hiro.proto.DeleteOrder;
import io.hiro.proto.ReplicaMeta;
import io.hiro.worker.store.ForwardingPieceStore;
import io.hiro.worker.store.MemoryPieceStore;
import io.hiro.worker.store.PieceStore;
import io.hiro.worker.store.PieceWrite;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.slf4j.LoggerFactory;

/** A worker deletes a replica only on a delete order with the master's DELETE token for that piece. */
@Timeout(20)
class ReplicaDeletesTest {
  private static final WorkerId SELF = new WorkerId("w-1");
  private static final long PIECE = 0x7e7e000000000011L;

  private final MemoryPieceStore store = new MemoryPieceStore();
  private final List<PieceId> reportedRemoved = new ArrayList<>();
  private final List<ReplicaMeta> reportedStored = new CopyOnWriteArrayList<>();
  private final FakeClock clock = new FakeClock();
  private final ReplicaDeletes deletes = new ReplicaDeletes(SELF, TestTokens.CHECK, store,
      reportedRemoved::add, reportedStored::add, clock);
  private final ListAppender<ILoggingEvent> log = new ListAppender<>();

  @BeforeEach
  void captureLog() {
    log.start();
    ((Logger) LoggerFactory.getLogger(ReplicaDeletes.class)).addAppender(log);
  }

  @AfterEach
  void releaseLog() {
    ((Logger) LoggerFactory.getLogger(ReplicaDeletes.class)).detachAppender(log);
  }

  private ReplicaMeta storeReplica(long pieceId) {
    PieceWrite write = store.begin(ReplicaMeta.newBuilder().setPieceId(pieceId).setLength(4).build());
    write.append(ByteBuffer.wrap(new byte[] {1, 2, 3, 4}));
    return write.commit();
  }

  /** The store, whose deletes wait until {@code diskSlow} opens. */
  private PieceStore slowDisk(CountDownLatch diskSlow) {
    return new ForwardingPieceStore(store) {
      @Override
      public boolean delete(ReplicaMeta replica) {
        awaitQuietly(diskSlow);
        return super.delete(replica);
      }
    };
  }

  private static DeleteOrder order(long pieceId, ByteString token) {
    return DeleteOrder.newBuilder().setPieceId(pieceId).setToken(token).build();
  }

  private List<String> warnings() {
    return log.list.stream().filter(e -> e.getLevel() == Level.WARN).map(ILoggingEvent::getFormattedMessage).toList();
  }

  @Test
  void aDeleteWithTheMastersDeleteTokenRemovesTheReplicaAndIsReported() {
    storeReplica(PIECE);

    deletes.apply(List.of(order(PIECE, TestTokens.delete(PIECE))));

    assertThat(store.meta(new PieceId(PIECE))).isEmpty();
    assertThat(reportedRemoved).containsExactly(new PieceId(PIECE));
    assertThat(deletes.refusedCount()).isZero();
    assertThat(warnings()).isEmpty();
  }

  /** A heartbeat hands the orders over and goes on: the deletes wait for the disk on their own thread. */
  @Test
  void inTheBackgroundApplyReturnsWhileTheDiskIsSlowAndTheWaitingOrdersAreCounted() throws Exception {
    long other = PIECE + 1;
    storeReplica(PIECE);
    storeReplica(other);
    CountDownLatch diskSlow = new CountDownLatch(1);
    List<PieceId> removed = new CopyOnWriteArrayList<>();
    try (ReplicaDeletes background = ReplicaDeletes.inBackground(SELF, TestTokens.CHECK, slowDisk(diskSlow),
        removed::add, reportedStored::add, clock)) {
      background.apply(List.of(order(PIECE, TestTokens.delete(PIECE)), order(other, TestTokens.delete(other)),
          order(other + 1, ByteString.EMPTY)));

      assertThat(background.waiting()).as("the two orders with a token, not yet carried out").isEqualTo(2);
      assertThat(store.meta(new PieceId(PIECE))).isPresent();
      diskSlow.countDown();
      Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> background.waiting() == 0);
      assertThat(removed).containsExactly(new PieceId(PIECE), new PieceId(other));
      assertThat(store.meta(new PieceId(PIECE))).isEmpty();
      assertThat(store.meta(new PieceId(other))).isEmpty();
      assertThat(background.refusedCount()).isEqualTo(1);
    }
  }

  /**
   * The master may order a fresh copy of a piece to this worker once the heartbeat after the one that
   * carried the delete of the old replica has gone: a copy that lands while the delete waits for the
   * disk is kept and not reported removed.
   */
  @Test
  void aReplicaStoredAgainWhileItsDeleteWaitsIsKeptAndNotReportedRemoved() {
    storeReplica(PIECE);
    CountDownLatch diskSlow = new CountDownLatch(1);
    List<PieceId> removed = new CopyOnWriteArrayList<>();
    try (ReplicaDeletes background = ReplicaDeletes.inBackground(SELF, TestTokens.CHECK, slowDisk(diskSlow),
        removed::add, reportedStored::add, clock)) {
      background.apply(List.of(order(PIECE, TestTokens.delete(PIECE))));
      ReplicaMeta fresh = storeReplica(PIECE);
      diskSlow.countDown();
      Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> background.waiting() == 0);

      assertThat(store.meta(new PieceId(PIECE))).containsSame(fresh);
      assertThat(removed).isEmpty();
      assertThat(reportedStored).as("reported again: a registration meanwhile left it out").containsExactly(fresh);
    }
  }

  /** None listed when the order came (moved aside as corrupt, say): a copy that lands before the delete runs stays. */
  @Test
  void aReplicaStoredAfterAnOrderThatFoundNoneIsKept() {
    deletes.apply(List.of(order(PIECE, TestTokens.delete(PIECE))));
    assertThat(reportedRemoved).as("nothing held: removed, as the master expects").containsExactly(new PieceId(PIECE));

    CountDownLatch copyLanded = new CountDownLatch(1);
    List<PieceId> removed = new CopyOnWriteArrayList<>();
    PieceStore watched = new ForwardingPieceStore(store) {
      @Override
      public Optional<ReplicaMeta> meta(PieceId pieceId) {
        if (Thread.currentThread().getName().startsWith("replica-deletes-")) {
          awaitQuietly(copyLanded); // the delete's own look, once the copy is in
        }
        return super.meta(pieceId);
      }
    };
    try (ReplicaDeletes background = ReplicaDeletes.inBackground(SELF, TestTokens.CHECK, watched, removed::add,
        reportedStored::add, clock)) {
      background.apply(List.of(order(PIECE, TestTokens.delete(PIECE))));
      ReplicaMeta fresh = storeReplica(PIECE);
      copyLanded.countDown();
      Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> background.waiting() == 0);

      assertThat(store.meta(new PieceId(PIECE))).containsSame(fresh);
      assertThat(removed).isEmpty();
      assertThat(reportedStored).containsExactly(fresh);
    }
  }

  /** A copy that lands just after the delete: reported stored after the removal, so the master counts it. */
  @Test
  void aReplicaStoredJustAfterTheDeleteIsReportedAfterTheRemoval() {
    storeReplica(PIECE);
    List<String> reports = new CopyOnWriteArrayList<>();
    ReplicaMeta[] fresh = new ReplicaMeta[1];
    PieceStore copyLandsAfterDelete = new ForwardingPieceStore(store) {
      @Override
      public boolean delete(ReplicaMeta replica) {
        boolean deleted = super.delete(replica);
        fresh[0] = storeReplica(PIECE);
        return deleted;
      }
    };
    ReplicaDeletes deletesBeforeACopy = new ReplicaDeletes(SELF, TestTokens.CHECK, copyLandsAfterDelete,
        pieceId -> reports.add("removed " + pieceId), meta -> reports.add("stored " + new PieceId(meta.getPieceId())
            + (meta == fresh[0] ? " (fresh)" : "")), clock);

    deletesBeforeACopy.apply(List.of(order(PIECE, TestTokens.delete(PIECE))));

    assertThat(store.meta(new PieceId(PIECE))).containsSame(fresh[0]);
    assertThat(reports).containsExactly("removed " + new PieceId(PIECE), "stored " + new PieceId(PIECE) + " (fresh)");
  }

  /**
   * The newer replica is found corrupt and moved aside (its worker reporting that) just as the delete
   * reports it stored, a report that would override that one: it is reported removed after it.
   */
  @Test
  void aNewerReplicaMovedAsideAsItIsReportedIsReportedRemovedAfter() {
    storeReplica(PIECE);
    boolean[] looked = new boolean[1];
    PieceStore landsAfterTheOrder = new ForwardingPieceStore(store) {
      @Override
      public Optional<ReplicaMeta> meta(PieceId pieceId) {
        boolean first = !looked[0];
        looked[0] = true;
        return first ? Optional.empty() : super.meta(pieceId); // not there yet when the order came
      }
    };
    List<String> reports = new ArrayList<>();
    ReplicaDeletes deletesRacingTheScrubber = new ReplicaDeletes(SELF, TestTokens.CHECK, landsAfterTheOrder,
        pieceId -> reports.add("removed"), meta -> {
          reports.add("stored");
          assertThat(store.moveAsideCorrupt(meta)).isPresent(); // the scrubber, right then
        }, clock);

    deletesRacingTheScrubber.apply(List.of(order(PIECE, TestTokens.delete(PIECE))));

    assertThat(reports).containsExactly("stored", "removed");
  }

  private static void awaitQuietly(CountDownLatch latch) {
    try {
      latch.await();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  @Test
  void aDeleteWithAMissingWrongExpiredOrForeignTokenKeepsTheReplica() {
    storeReplica(PIECE);
    Map<String, ByteString> bad = new LinkedHashMap<>(TestTokens.bad(PIECE, PieceOperation.DELETE,
        PieceOperation.COPY));
    bad.put("a READ token", TestTokens.read(PIECE));
    bad.put("a WRITE token", TestTokens.write(PIECE));
    bad.put("a DELETE token that expired just now", TestTokens.issue(PIECE, PieceOperation.DELETE,
        Instant.now().minusSeconds(1)));

    bad.forEach((what, token) -> {
      deletes.apply(List.of(order(PIECE, token)));
      assertThat(store.meta(new PieceId(PIECE))).as(what).isPresent();
    });

    assertThat(reportedRemoved).isEmpty();
    assertThat(deletes.refusedCount()).isEqualTo(bad.size());
  }

  @Test
  void aRefusedDeleteDoesNotStopTheValidOnesInTheSameAnswer() {
    long other = PIECE + 1;
    storeReplica(PIECE);
    storeReplica(other);

    deletes.apply(List.of(order(PIECE, TestTokens.delete(other)), order(other, TestTokens.delete(other))));

    assertThat(store.meta(new PieceId(PIECE))).isPresent();
    assertThat(store.meta(new PieceId(other))).isEmpty();
    assertThat(reportedRemoved).containsExactly(new PieceId(other));
  }

  @Test
  void refusalsAreWarnedAboutNamingThePieceAtMostOncePerInterval() {
    storeReplica(PIECE);
    List<DeleteOrder> forged = new ArrayList<>();
    for (long i = 0; i < 1000; i++) {
      forged.add(order(PIECE + i, ByteString.EMPTY));
    }

    deletes.apply(forged);
    clock.advance(ReplicaDeletes.REFUSAL_WARN_INTERVAL.minusSeconds(1));
    deletes.apply(forged);
    assertThat(warnings()).singleElement().asString()
        .contains("piece " + new PieceId(PIECE)).contains("kept its replica").contains("no piece token");

    clock.advance(Duration.ofSeconds(1));
    deletes.apply(List.of(order(PIECE, ByteString.EMPTY)));

    assertThat(warnings()).hasSize(2).last().asString().contains("1999 other delete orders refused since the last warning");
    assertThat(store.meta(new PieceId(PIECE))).isPresent();
    assertThat(deletes.refusedCount()).isEqualTo(2001);
  }
}
