package io.hiro.master.core;

import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.concurrent.atomic.AtomicLong;

/** A clock that moves only when a test says so. */
public final class FakeClock implements InstantSource {
  private final AtomicLong millis = new AtomicLong(1_700_000_000_000L);

  @Override
  public Instant instant() {
    return Instant.ofEpochMilli(millis.get());
  }

  public void advance(Duration duration) {
    millis.addAndGet(duration.toMillis());
  }
}
