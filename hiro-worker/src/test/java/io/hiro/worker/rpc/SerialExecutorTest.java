package io.hiro.worker.rpc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(30)
class SerialExecutorTest {
  private final ExecutorService pool = Executors.newFixedThreadPool(4);

  @AfterEach
  void stop() {
    pool.shutdownNow();
  }

  @Test
  void tasksRunOneAtATimeInTheOrderGivenOnAPoolOfManyThreads() throws InterruptedException {
    SerialExecutor serial = new SerialExecutor(pool);
    int count = 20_000;
    List<Integer> ran = new ArrayList<>();
    AtomicInteger running = new AtomicInteger();
    AtomicInteger overlaps = new AtomicInteger();
    CountDownLatch done = new CountDownLatch(count);
    for (int i = 0; i < count; i++) {
      int task = i;
      serial.execute(() -> {
        if (running.incrementAndGet() > 1) {
          overlaps.incrementAndGet();
        }
        ran.add(task); // not thread-safe on purpose: the executor must make it safe
        running.decrementAndGet();
        done.countDown();
      });
    }

    assertThat(done.await(20, TimeUnit.SECONDS)).isTrue();
    assertThat(overlaps).hasValue(0);
    assertThat(ran).hasSize(count);
    for (int i = 0; i < count; i++) {
      assertThat(ran.get(i)).isEqualTo(i);
    }
  }

  @Test
  void aTaskThatThrowsEvenAnErrorDoesNotStopTheNext() throws InterruptedException {
    SerialExecutor serial = new SerialExecutor(pool);
    CountDownLatch next = new CountDownLatch(1);

    serial.execute(() -> {
      throw new IllegalStateException("expected by the test");
    });
    serial.execute(() -> {
      throw new AssertionError("an Error, expected by the test");
    });
    serial.execute(next::countDown);

    assertThat(next.await(5, TimeUnit.SECONDS)).isTrue();
  }

  @Test
  void aRefusingPoolFailsTheCallAndLeavesTheExecutorUsable() throws InterruptedException {
    AtomicBoolean refuse = new AtomicBoolean(true);
    SerialExecutor serial = new SerialExecutor(task -> {
      if (refuse.get()) {
        throw new RejectedExecutionException("pool stopped");
      }
      pool.execute(task);
    });
    AtomicBoolean refusedTaskRan = new AtomicBoolean();

    assertThatThrownBy(() -> serial.execute(() -> refusedTaskRan.set(true)))
        .isInstanceOf(RejectedExecutionException.class);
    refuse.set(false);
    CountDownLatch later = new CountDownLatch(1);
    serial.execute(later::countDown);

    assertThat(later.await(5, TimeUnit.SECONDS)).as("a task given after the refusal runs").isTrue();
    assertThat(refusedTaskRan).as("the refused task is dropped").isFalse();
  }
}
