package io.hiro.worker.core;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(30)
class PauseTest {
  private final Pause pause = new Pause();

  @Test
  void newWorkEndsAnAwaitAtOnce() throws Exception {
    AtomicBoolean open = new AtomicBoolean();
    Thread waiter = Thread.ofPlatform().start(() -> open.set(pause.await(Duration.ofMinutes(1))));
    awaitParked(waiter);

    pause.wake();

    waiter.join();
    assertThat(open).isTrue();
  }

  /** A loop lingering to batch its work must not be woken by each piece of it, only by closing. */
  @Test
  void newWorkLeavesASleepAloneAndClosingEndsIt() throws Exception {
    AtomicBoolean open = new AtomicBoolean(true);
    Thread sleeper = Thread.ofPlatform().start(() -> open.set(pause.sleep(Duration.ofMinutes(1))));
    for (int i = 0; i < 3; i++) {
      awaitParked(sleeper);
      pause.wake();
    }
    awaitParked(sleeper);

    pause.close();

    sleeper.join();
    assertThat(open).as("closed").isFalse();
    assertThat(pause.sleepsInterrupted()).as("wake-ups of the sleeping thread").isZero();
  }

  private static void awaitParked(Thread thread) {
    while (thread.getState() != Thread.State.TIMED_WAITING) {
      Thread.onSpinWait();
    }
  }
}
