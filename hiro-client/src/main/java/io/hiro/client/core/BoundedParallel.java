package io.hiro.client.core;

import io.hiro.common.HiroException;
import java.io.IOException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.IntConsumer;

/**
 * Runs {@code count} tasks on virtual threads with at most {@code limit} running at once. The
 * first failure stops new tasks from starting, interrupts those running, and is rethrown once
 * they all ended. A single task runs on the caller's thread (a one-piece file: no thread to start
 * and hand over to).
 */
final class BoundedParallel {
  private BoundedParallel() {}

  static void run(int count, int limit, IntConsumer task) {
    if (count == 1) {
      task.accept(0);
      return;
    }
    AtomicReference<Throwable> failure = new AtomicReference<>();
    Semaphore slots = new Semaphore(limit);
    ExecutorService executor = Executors.newVirtualThreadPerTaskExecutor();
    try {
      for (int i = 0; i < count && failure.get() == null; i++) {
        slots.acquire();
        int index = i;
        if (!start(executor, () -> runOne(task, index, failure, executor, slots))) {
          slots.release(); // a task failed and shut the executor down
          break;
        }
      }
      slots.acquire(limit);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      failure.compareAndSet(null, HiroException.unavailable("interrupted"));
    } finally {
      executor.shutdownNow();
    }
    if (failure.get() != null) {
      throw unchecked(failure.get());
    }
  }

  private static boolean start(ExecutorService executor, Runnable work) {
    try {
      executor.execute(work);
      return true;
    } catch (RejectedExecutionException e) {
      return false;
    }
  }

  private static void runOne(IntConsumer task, int index, AtomicReference<Throwable> failure,
                             ExecutorService executor, Semaphore slots) {
    try {
      if (failure.get() == null) {
        task.accept(index);
      }
    } catch (Throwable t) {
      if (failure.compareAndSet(null, t)) {
        executor.shutdownNow(); // interrupts the tasks still running
      }
    } finally {
      slots.release();
    }
  }

  /**
   * Waits until {@code executor}, shut down, has ended its tasks, at most {@code seconds}; an
   * interrupt does not cut the wait short (interrupting a file write would close its channel) and is kept.
   */
  static void awaitEnded(ExecutorService executor, long seconds) {
    boolean interrupted = false;
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
    while (!executor.isTerminated() && System.nanoTime() < deadline) {
      try {
        executor.awaitTermination(deadline - System.nanoTime(), TimeUnit.NANOSECONDS);
      } catch (InterruptedException e) {
        interrupted = true;
      }
    }
    if (interrupted) {
      Thread.currentThread().interrupt();
    }
  }

  /**
   * Waits for {@code task} and returns its result; its failure is rethrown as it was, an
   * IOException as such. {@code doing} names the wait in the error an interrupt makes.
   */
  static <T> T await(Future<T> task, String doing) throws IOException {
    try {
      return task.get();
    } catch (ExecutionException e) {
      if (e.getCause() instanceof IOException io) {
        throw io;
      }
      throw unchecked(e.getCause());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw HiroException.unavailable("interrupted while " + doing);
    }
  }

  static RuntimeException unchecked(Throwable t) {
    if (t instanceof RuntimeException e) {
      return e;
    }
    if (t instanceof Error e) {
      throw e;
    }
    return new IllegalStateException("unexpected checked exception", t);
  }
}
