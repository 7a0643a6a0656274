package io.hiro.worker.core;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class DeadlinesTest {
  private final AtomicLong now = new AtomicLong(1_000);
  private final Deadlines deadlines = new Deadlines(now::get);

  @Test
  void aWaitEndsInATimeoutAtTheFirstSweepAfterItsDeadlineAndLeavesTheAwaitedFutureAlone() {
    CompletableFuture<String> answer = new CompletableFuture<>();
    CompletableFuture<String> waited = deadlines.within(answer, Duration.ofNanos(500));

    now.addAndGet(499);
    deadlines.expire();
    assertThat(waited).as("before its deadline").isNotDone();
    now.addAndGet(1);
    assertThat(waited).as("no sweep yet").isNotDone();
    deadlines.expire();

    assertThat(waited).failsWithin(Duration.ZERO).withThrowableThat().withCauseInstanceOf(TimeoutException.class);
    assertThat(answer).isNotDone();
    assertThat(deadlines.waiting()).isZero();
  }

  @Test
  void aWaitThatEndsInTimeIsForgotten() {
    CompletableFuture<String> answer = new CompletableFuture<>();
    CompletableFuture<String> waited = deadlines.within(answer, Duration.ofNanos(500));
    assertThat(deadlines.waiting()).isOne();

    answer.complete("stored");
    now.addAndGet(1_000);
    deadlines.expire();

    assertThat(waited).isCompletedWithValue("stored");
    assertThat(deadlines.waiting()).isZero();
    assertThat(deadlines.within(CompletableFuture.completedFuture("done"), Duration.ZERO))
        .isCompletedWithValue("done");
    assertThat(deadlines.waiting()).as("a future already done is not watched").isZero();
  }
}
