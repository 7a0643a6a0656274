package io.hiro.worker.core;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;

/** A clock that moves only when told; with {@link #sleeper()} a wait moves it instead of taking time. */
final class FakeClock extends Clock {
  private Instant now = Instant.ofEpochMilli(1_700_000_000_000L);

  synchronized void advance(Duration duration) {
    now = now.plus(duration);
  }

  Sleeper sleeper() {
    return this::advance;
  }

  @Override
  public synchronized Instant instant() {
    return now;
  }

  @Override
  public ZoneId getZone() {
    return ZoneOffset.UTC;
  }

  @Override
  public Clock withZone(ZoneId zone) {
    throw new UnsupportedOperationException();
  }
}
