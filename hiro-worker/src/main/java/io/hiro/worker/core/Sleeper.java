package io.hiro.worker.core;

import java.time.Duration;

/** Waits; handed to core classes so tests can replace real waiting with a fake clock. */
@FunctionalInterface
public interface Sleeper {
  /** Waits {@code duration}; an interrupt (the owner closing) ends the wait early. */
  void sleep(Duration duration) throws InterruptedException;

  static Sleeper real() {
    return duration -> {
      if (!duration.isNegative() && !duration.isZero()) {
        Thread.sleep(duration);
      }
    };
  }
}
