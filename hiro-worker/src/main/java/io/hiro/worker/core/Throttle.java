package io.hiro.worker.core;

import io.hiro.common.Checks;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;

/**
 * Paces bytes to at most a rate, shared by every thread that uses it: each caller takes its
 * bytes' share of time and waits until that time has come, so over any run the bytes done divided
 * by the time taken stay at or under the rate. No burst is allowed: a pause does not bank time.
 *
 * <p>Invariant: {@code next} never moves back; callers are paced in the order they ask.
 */
public final class Throttle {
  private final long bytesPerSecond;
  private final Clock clock;
  private final Sleeper sleeper;
  private Instant next;

  public Throttle(long bytesPerSecond, Clock clock, Sleeper sleeper) {
    Checks.check(bytesPerSecond > 0, "rate %d bytes per second", bytesPerSecond);
    this.bytesPerSecond = bytesPerSecond;
    this.clock = clock;
    this.sleeper = sleeper;
    this.next = clock.instant();
  }

  /** Waits until {@code bytes} more may go at this rate. */
  public void take(long bytes) throws InterruptedException {
    Checks.check(bytes >= 0, "bytes %d", bytes);
    Duration wait;
    synchronized (this) {
      Instant now = clock.instant();
      Instant start = next.isAfter(now) ? next : now;
      next = start.plusNanos((long) ((double) bytes * 1e9 / bytesPerSecond));
      wait = Duration.between(now, next);
    }
    sleeper.sleep(wait);
  }

  public long bytesPerSecond() {
    return bytesPerSecond;
  }
}
