package io.hiro.master.core;

import static io.hiro.master.core.MasterFixture.PIECE;
import static io.hiro.master.core.MasterFixture.path;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.hiro.common.HostPort;
import io.hiro.common.WorkerId;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.CountDownLatch;
import java.util.function.Consumer;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * What a network thread may read or change without blocking ({@link Core#readIfReady}, {@link
 * Master#statIfReady}, {@link Core#writeIfReady}, {@link Uploads#createFileIfReady}, {@link
 * Membership#reportReplicasIfReady}).
 * The journal's side, a change waiting for its fsync, is in the store's {@code GroupCommitTest}.
 */
@Timeout(30)
class ReadIfReadyTest {
  private final MasterFixture fixture = new MasterFixture();
  private final Core core =
      new Core(fixture.config, fixture.clock, new SplittableRandom(1), null, MasterFixture.TOKENS);

  @Test
  void aReadWhileAChangeHoldsTheLockIsNotReadyAndIsOnceTheChangeIsDone() throws Exception {
    CountDownLatch release = new CountDownLatch(1);
    Thread writer = holding(release, entered -> core.write(() -> entered.get()));
    try {
      assertThat(core.readIfReady(() -> "read")).isEmpty();
    } finally {
      release.countDown();
    }
    writer.join();
    assertThat(core.readIfReady(() -> "read")).contains("read");
  }

  @Test
  void aReadDoesNotGoAheadOfAChangeWaitingForTheLock() throws Exception {
    CountDownLatch release = new CountDownLatch(1);
    Thread reader = holding(release, entered -> core.read(() -> entered.get()));
    Thread writer;
    try {
      assertThat(core.readIfReady(() -> "read")).as("readers share the lock").contains("read");
      writer = Thread.startVirtualThread(() -> core.write(() -> null));
      while (writer.getState() != Thread.State.WAITING) { // queued for the write lock
        Thread.onSpinWait();
      }
      assertThat(core.readIfReady(() -> "read")).as("behind the queued change").isEmpty();
    } finally {
      release.countDown();
    }
    reader.join();
    writer.join();
    assertThat(core.readIfReady(() -> "read")).contains("read");
  }

  @Test
  void aChangeThatMustNotWaitIsNotMadeWhileAnotherHoldsTheLockAndIsOnceItIsDone() throws Exception {
    CountDownLatch release = new CountDownLatch(1);
    Thread writer = holding(release, entered -> core.write(() -> entered.get()));
    boolean[] ran = new boolean[1];
    List<Object> answers = new ArrayList<>();
    try {
      assertThat(core.writeIfReady(() -> ran[0] = true, (result, failure) -> answers.add(result))).isFalse();
      assertThat(ran[0]).as("nothing run").isFalse();
      assertThat(answers).as("nothing answered").isEmpty();
    } finally {
      release.countDown();
    }
    writer.join();
    assertThat(core.writeIfReady(() -> "made", (result, failure) -> answers.add(result))).isTrue();
    assertThat(answers).as("without a store, answered at once").containsExactly("made");
  }

  @Test
  void aChangeThatMustNotWaitAndFailsIsAnsweredWithItsFailure() {
    List<RuntimeException> failures = new ArrayList<>();
    assertThat(core.writeIfReady(() -> {
      throw new IllegalStateException("refused");
    }, (result, failure) -> failures.add(failure))).isTrue();
    assertThat(failures).singleElement().satisfies(f -> assertThat(f).hasMessage("refused"));
  }

  @Test
  void aStatThatWouldSignTokensForManyPiecesIsNotReadyButWithoutPiecesItIs() {
    fixture.registerWorkers(3);
    fixture.put("/small", Master.PIECES_READY_MAX * PIECE);
    fixture.put("/large", (Master.PIECES_READY_MAX + 1) * PIECE);

    assertThat(fixture.master.statIfReady(path("/small"), true))
        .hasValueSatisfying(view -> assertThat(view.pieces()).hasSize(Master.PIECES_READY_MAX));
    assertThat(fixture.master.statIfReady(path("/large"), true)).isEmpty();
    assertThat(fixture.master.statIfReady(path("/large"), false))
        .hasValueSatisfying(view -> assertThat(view.sizeBytes()).isEqualTo((Master.PIECES_READY_MAX + 1) * PIECE));
    assertThat(fixture.master.stat(path("/large"), true).pieces()).hasSize(Master.PIECES_READY_MAX + 1);
  }

  @Test
  void anUploadThatMustNotWaitIsNotOpenedWhileAChangeHoldsTheLockNorWithManyPiecesToSign() throws Exception {
    Membership membership = new Membership(core);
    for (int i = 1; i <= 3; i++) {
      membership.register(new WorkerRegistration(new WorkerId("w" + i), HostPort.parse("10.0.0." + i + ":5050"),
          4 * MasterFixture.GIB, MasterFixture.GIB, 3 * MasterFixture.GIB, new long[0]));
    }
    Uploads uploads = new Uploads(core);
    CountDownLatch release = new CountDownLatch(1);
    Thread writer = holding(release, entered -> core.write(() -> entered.get()));
    try {
      assertThat(uploads.createFileIfReady(path("/a"), PIECE, 3, 0, false)).isEmpty();
    } finally {
      release.countDown();
    }
    writer.join();
    assertThat(core.state.uploads()).as("nothing opened while the lock was held").isEmpty();

    assertThat(uploads.createFileIfReady(path("/a"), PIECE, 3, 0, false))
        .hasValueSatisfying(upload -> assertThat(upload.pieces()).singleElement()
            .satisfies(piece -> assertThat(piece.replicas()).hasSize(3)));
    long large = (Master.PIECES_READY_MAX + 1) * PIECE;
    assertThat(uploads.createFileIfReady(path("/large"), large, 3, 0, false)).isEmpty();
    assertThat(core.state.uploads()).as("only /a opened").hasSize(1);
    assertThat(uploads.createFile(path("/large"), large, 3, 0, false).pieces()).hasSize(Master.PIECES_READY_MAX + 1);
    assertThatThrownBy(() -> uploads.createFileIfReady(path("/bad"), PIECE, 3, 1, false))
        .as("a bad request fails at once, as on a virtual thread").hasMessageContaining("piece size 1 bytes");
  }

  @Test
  void aReplicaReportThatMustNotWaitIsNotMadeWhileAChangeHoldsTheLockNorWhenLarge() throws Exception {
    Membership membership = new Membership(core);
    WorkerId worker = new WorkerId("w1");
    membership.register(new WorkerRegistration(worker, HostPort.parse("10.0.0.1:5050"), 4 * MasterFixture.GIB,
        MasterFixture.GIB, 3 * MasterFixture.GIB, new long[0]));
    List<RuntimeException> answers = new ArrayList<>();
    CountDownLatch release = new CountDownLatch(1);
    Thread writer = holding(release, entered -> core.write(() -> entered.get()));
    try {
      assertThat(membership.reportReplicasIfReady(worker, ReplicaChanges.of(new long[] {7}, new long[0]), answers::add))
          .isFalse();
    } finally {
      release.countDown();
    }
    writer.join();
    assertThat(answers).as("nothing answered").isEmpty();
    assertThat(core.cluster.orphans.count()).as("nothing made while the lock was held").isZero();

    assertThat(membership.reportReplicasIfReady(worker, ReplicaChanges.of(new long[] {7}, new long[0]), answers::add))
        .isTrue();
    assertThat(answers).as("without a store, answered at once, without a failure").containsExactly((RuntimeException) null);
    assertThat(core.cluster.orphans.count()).as("the piece nothing owns, seen as an orphan").isEqualTo(1);

    long[] many = new long[Master.PIECES_READY_MAX + 1];
    for (int i = 0; i < many.length; i++) {
      many[i] = 100 + i;
    }
    assertThat(membership.reportReplicasIfReady(worker, ReplicaChanges.of(many, new long[0]), answers::add)).isFalse();
    assertThat(core.cluster.orphans.count()).as("the large report left to a thread that may wait").isEqualTo(1);
    membership.reportReplicas(worker, ReplicaChanges.of(many, new long[0]));
    assertThat(core.cluster.orphans.count()).isEqualTo(1 + many.length);

    assertThat(membership.reportReplicasIfReady(new WorkerId("w9"), ReplicaChanges.of(new long[] {8}, new long[0]),
        answers::add)).as("an unknown worker's report fails, and is answered so at once").isTrue();
    assertThat(answers.get(answers.size() - 1)).hasMessageContaining("not registered");
  }

  /**
   * Starts {@code locker} on a thread of its own, and returns once it runs the action it was
   * handed, which then waits for {@code release}.
   */
  private static Thread holding(CountDownLatch release, Consumer<Supplier<Object>> locker)
      throws InterruptedException {
    CountDownLatch entered = new CountDownLatch(1);
    Thread thread = Thread.startVirtualThread(() -> locker.accept(() -> {
      entered.countDown();
      try {
        release.await();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      return null;
    }));
    entered.await();
    return thread;
  }
}
