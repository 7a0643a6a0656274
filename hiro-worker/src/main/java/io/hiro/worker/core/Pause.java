package io.hiro.worker.core;

import java.time.Duration;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * A wait that ends early when its owner closes or has new work, so background loops stop promptly.
 * New work wakes only a thread in {@link #await}: one in {@link #sleep} is left alone, or a loop that
 * lingers to batch its work would be woken for nothing by every piece of it (session 18: a worker's
 * replica reporter was, once per replica stored).
 */
final class Pause {
  private final ReentrantLock lock = new ReentrantLock();
  /** Signalled by new work and by closing: what {@link #await} waits for. */
  private final Condition changed = lock.newCondition();
  /** Signalled by closing only: what {@link #sleep} waits for. */
  private final Condition closing = lock.newCondition();
  private boolean closed;
  private boolean woken;
  /** Times a {@link #sleep} woke before its end and not closed: spurious wake-ups only (for tests). */
  private int sleepsInterrupted;

  /** Waits up to {@code duration}; returns false once closed. */
  boolean await(Duration duration) {
    lock.lock();
    try {
      long nanos = duration.toNanos();
      while (!closed && !woken && nanos > 0) {
        nanos = changed.awaitNanos(nanos);
      }
      woken = false;
      return !closed;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      closed = true;
      return false;
    } finally {
      lock.unlock();
    }
  }

  /** Waits the whole {@code duration} whatever new work arrives, unless closed; returns false once closed. */
  boolean sleep(Duration duration) {
    lock.lock();
    try {
      long nanos = duration.toNanos();
      while (!closed && nanos > 0) {
        nanos = closing.awaitNanos(nanos);
        if (!closed && nanos > 0) {
          sleepsInterrupted++;
        }
      }
      return !closed;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      closed = true;
      return false;
    } finally {
      lock.unlock();
    }
  }

  void wake() {
    lock.lock();
    try {
      woken = true;
      changed.signalAll();
    } finally {
      lock.unlock();
    }
  }

  void close() {
    lock.lock();
    try {
      closed = true;
      changed.signalAll();
      closing.signalAll();
    } finally {
      lock.unlock();
    }
  }

  boolean isClosed() {
    lock.lock();
    try {
      return closed;
    } finally {
      lock.unlock();
    }
  }

  int sleepsInterrupted() {
    lock.lock();
    try {
      return sleepsInterrupted;
    } finally {
      lock.unlock();
    }
  }

  static Duration doubled(Duration backoff, Duration max) {
    Duration next = backoff.multipliedBy(2);
    return next.compareTo(max) > 0 ? max : next;
  }

  /** Closes this pause and waits (briefly) for the loop thread that waits on it to end. */
  void stop(Thread loop) {
    close();
    if (loop.getState() == Thread.State.NEW) {
      return;
    }
    try {
      loop.join(Duration.ofSeconds(2));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
