package io.hiro.common.guard;

import java.time.Instant;
import java.time.InstantSource;

/** A clock that only moves when the test says so. */
final class FakeTime implements InstantSource {
  private long millis = 1_000_000;

  @Override
  public Instant instant() {
    return Instant.ofEpochMilli(millis);
  }

  @Override
  public long millis() {
    return millis;
  }

  void advance(long by) {
    millis += by;
  }
}
