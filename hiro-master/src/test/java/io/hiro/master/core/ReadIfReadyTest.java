package io.hiro.master.core;

import static io.hiro.master.core.MasterFixture.PIECE;
import static io.hiro.master.core.MasterFixture.path;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.SplittableRandom;
import java.util.concurrent.CountDownLatch;
import java.util.function.Consumer;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * What a network thread may read without blocking ({@link Core#readIfReady}, {@link Master#statIfReady}).
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
