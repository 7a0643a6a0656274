package io.hiro.worker.core;

import static org.assertj.core.api.Assertions.assertThat;

import io.hiro.common.HiroException;
import io.hiro.common.PieceId;
import io.hiro.common.WorkerId;
import io.hiro.proto.CopyOrder;
import io.hiro.proto.DeleteOrder;
import io.hiro.proto.HeartbeatRequest;
import io.hiro.proto.HeartbeatResponse;
import io.hiro.proto.RegisterRequest;
import io.hiro.proto.RegisterResponse;
import io.hiro.proto.ReplicaMeta;
import io.hiro.worker.store.ForwardingPieceStore;
import io.hiro.worker.store.MemoryPieceStore;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(30)
class HeartbeaterTest {
  private static final WorkerId SELF = new WorkerId("w-1");

  /** A master that records registrations and heartbeats, and answers the first heartbeat with {@code first}. */
  private static final class FirstAnswerMaster extends RecordingMasterLink {
    final List<RegisterRequest> registrations = new CopyOnWriteArrayList<>();
    final List<HeartbeatRequest> heartbeats = new CopyOnWriteArrayList<>();
    private final AtomicReference<HeartbeatResponse> first;

    FirstAnswerMaster(HeartbeatResponse first) {
      this.first = new AtomicReference<>(first);
    }

    @Override
    public RegisterResponse register(RegisterRequest request) {
      registrations.add(request);
      return RegisterResponse.getDefaultInstance();
    }

    @Override
    public HeartbeatResponse heartbeat(HeartbeatRequest request) {
      heartbeats.add(request);
      HeartbeatResponse answer = first.getAndSet(null);
      return answer != null ? answer : HeartbeatResponse.getDefaultInstance();
    }
  }

  private static DeleteOrder deleteOrder(long pieceId) {
    return DeleteOrder.newBuilder().setPieceId(pieceId).setToken(TestTokens.delete(pieceId)).build();
  }

  /**
   * Background deletes over a store holding pieces 11 and 12, whose "disk" blocks until {@code diskSlow}
   * opens; each delete is added to {@code deleted}.
   */
  private static ReplicaDeletes deletingOnceOpen(CountDownLatch diskSlow, List<PieceId> deleted) {
    MemoryPieceStore store = new MemoryPieceStore();
    for (long pieceId : new long[] {11, 12}) {
      store.begin(ReplicaMeta.newBuilder().setPieceId(pieceId).setLength(0).build()).commit();
    }
    return ReplicaDeletes.inBackground(SELF, TestTokens.CHECK, new ForwardingPieceStore(store) {
      @Override
      public boolean delete(ReplicaMeta replica) {
        try {
          diskSlow.await();
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
        deleted.add(new PieceId(replica.getPieceId()));
        return super.delete(replica);
      }
    }, pieceId -> { }, meta -> { }, Clock.systemUTC());
  }

  /** The deletes of one answer wait for a slow disk; the heartbeats go on, telling the master how many wait. */
  @Test
  void heartbeatsGoOnWhileDeletesWaitForTheDiskAndSayHowManyWait() {
    FirstAnswerMaster master = new FirstAnswerMaster(
        HeartbeatResponse.newBuilder().addDeletes(deleteOrder(11)).addDeletes(deleteOrder(12)).build());
    List<HeartbeatRequest> heartbeats = master.heartbeats;
    CountDownLatch diskSlow = new CountDownLatch(1);
    List<PieceId> deleted = new CopyOnWriteArrayList<>();
    ReplicaDeletes deletes = deletingOnceOpen(diskSlow, deleted);
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

  /**
   * A master whose n-th heartbeat answer has the id 100 + n, the first one with {@code first}'s
   * orders; the heartbeat call numbered {@code failing} fails.
   */
  private static RecordingMasterLink numberingMaster(List<HeartbeatRequest> heartbeats, HeartbeatResponse first,
      int failing) {
    return new RecordingMasterLink() {
      @Override
      public HeartbeatResponse heartbeat(HeartbeatRequest request) {
        heartbeats.add(request);
        int n = heartbeats.size();
        if (n == failing) {
          throw HiroException.unavailable("master 127.0.0.1:8080 unreachable (Connection reset by peer)");
        }
        return (n == 1 ? first.toBuilder() : HeartbeatResponse.newBuilder()).setAnswerId(100 + n).build();
      }
    };
  }

  /** Each heartbeat sends back the id of the last answer it got; after a failed call, the one before. */
  @Test
  void eachHeartbeatSendsBackTheLastAnswerItGotSoALostOneIsSentAgain() {
    List<HeartbeatRequest> heartbeats = new CopyOnWriteArrayList<>();
    RecordingMasterLink master = numberingMaster(heartbeats, HeartbeatResponse.getDefaultInstance(), 2);
    ReplicaReporter reporter = new ReplicaReporter(SELF, master);
    try (Heartbeater heartbeater = new Heartbeater(SELF, "127.0.0.1:5050", master, List::of,
        () -> new WorkerUsage(100, 50, 50, 0), deletingOnceOpen(new CountDownLatch(0), new CopyOnWriteArrayList<>()),
        reporter, orders -> { }, Duration.ofMillis(10), e -> { })) {
      heartbeater.start();

      Awaitility.await("four heartbeats").atMost(Duration.ofSeconds(10)).until(() -> heartbeats.size() >= 4);
      assertThat(List.copyOf(heartbeats).subList(0, 4)).extracting(HeartbeatRequest::getLastAnswerId)
          .containsExactly(0L, 101L, 101L, 103L);
    } finally {
      reporter.close();
    }
  }

  /** A fault in handling one answer (here: its copy orders) is logged, and the heartbeats go on. */
  @Test
  void heartbeatsGoOnAfterAnAnswerFailedToBeHandled() {
    List<HeartbeatRequest> heartbeats = new CopyOnWriteArrayList<>();
    RecordingMasterLink master = numberingMaster(heartbeats, HeartbeatResponse.newBuilder()
        .addCopies(CopyOrder.newBuilder().setPieceId(11)).build(), 0);
    ReplicaDeletes deletes = deletingOnceOpen(new CountDownLatch(0), new CopyOnWriteArrayList<>());
    ReplicaReporter reporter = new ReplicaReporter(SELF, master);
    AtomicInteger copyOrders = new AtomicInteger();
    try (Heartbeater heartbeater = new Heartbeater(SELF, "127.0.0.1:5050", master, List::of,
        () -> new WorkerUsage(100, 50, 50, 0), deletes, reporter, orders -> {
          copyOrders.incrementAndGet();
          throw new IllegalStateException("a bug in taking copy orders");
        }, Duration.ofMillis(10), e -> { })) {
      heartbeater.start();

      Awaitility.await("heartbeats after the one whose answer failed").atMost(Duration.ofSeconds(10))
          .until(() -> heartbeats.size() >= 3);
      assertThat(copyOrders).hasValue(1);
      assertThat(List.copyOf(heartbeats).subList(0, 3)).extracting(HeartbeatRequest::getLastAnswerId)
          .as("the failed answer's id is not sent back: its deletes may not all have been taken in")
          .containsExactly(0L, 0L, 102L);
    } finally {
      reporter.close();
    }
  }

  /** The master dropped the replica when it sent the delete: registering again meanwhile must not bring it back. */
  @Test
  void aRegistrationWhileADeleteWaitsLeavesThatReplicaOut() {
    FirstAnswerMaster master = new FirstAnswerMaster(HeartbeatResponse.newBuilder()
        .setRegisterAgain(true) // as after a master restart
        .addDeletes(deleteOrder(11)).build());
    List<RegisterRequest> registrations = master.registrations;
    CountDownLatch diskSlow = new CountDownLatch(1);
    ReplicaDeletes deletes = deletingOnceOpen(diskSlow, new CopyOnWriteArrayList<>());
    List<ReplicaMeta> held = List.of(ReplicaMeta.newBuilder().setPieceId(11).setLength(4).build(),
        ReplicaMeta.newBuilder().setPieceId(12).setLength(4).build());
    ReplicaReporter reporter = new ReplicaReporter(SELF, master);
    try (Heartbeater heartbeater = new Heartbeater(SELF, "127.0.0.1:5050", master, () -> held,
        () -> new WorkerUsage(100, 50, 50, 2), deletes, reporter, orders -> { }, Duration.ofMillis(10), e -> { })) {
      heartbeater.start();

      Awaitility.await("a second registration").atMost(Duration.ofSeconds(10)).until(() -> registrations.size() >= 2);
      assertThat(registrations.getFirst().getReplicasList()).extracting(r -> r.getPieceId()).containsExactly(11L, 12L);
      assertThat(registrations.get(1).getReplicasList()).extracting(r -> r.getPieceId()).containsExactly(12L);
      diskSlow.countDown();
    } finally {
      reporter.close();
    }
  }
}
