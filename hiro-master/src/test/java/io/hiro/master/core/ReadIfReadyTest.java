package io.hiro.master.core;

import static io.hiro.master.core.MasterFixture.PIECE;
import static io.hiro.master.core.MasterFixture.path;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.SplittableRandom;
import java.util.concurrent.CountDownLatch;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * What a network thread may read without blocking ({@link Core#readIfReady}, {@link Master#statIfReady}).
 * The journal's side, a change waiting for its fsync, is in the store's {@code GroupCommitTest}.
 */
@Timeout(30)
class ReadIfReadyTest {
  private final MasterFixture fixture = new MasterFixture();

  @Test
  void aReadWhileAChangeHoldsTheLockIsNotReadyAndIsOnceTheChangeIsDone() throws Exception {
    Core core = new Core(fixture.config, fixture.clock, new SplittableRandom(1), null, MasterFixture.TOKENS);
    CountDownLatch holding = new CountDownLatch(1);
    CountDownLatch release = new CountDownLatch(1);
    Thread writer = Thread.startVirtualThread(() -> core.write(() -> {
      holding.countDown();
      try {
        release.await();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      return null;
    }));
    holding.await();

    assertThat(core.readIfReady(() -> "read")).isEmpty();

    release.countDown();
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
}
