package io.hiro.master.core;

import io.hiro.common.Checks;

/**
 * A token bucket over bytes: {@code bytesPerSecond} flow in, at most one second's worth is kept.
 * A piece longer than the bucket may go once the bucket is full, leaving it in debt, so a large
 * piece waits its turn instead of never going. Clock handed in (millis), not thread-safe.
 */
final class ByteBudget {
  private final long bytesPerSecond;
  private long tokens;
  private long lastRefillMillis;

  ByteBudget(long bytesPerSecond, long nowMillis) {
    Checks.check(bytesPerSecond > 0, "budget of %d bytes/s", bytesPerSecond);
    this.bytesPerSecond = bytesPerSecond;
    this.tokens = bytesPerSecond;
    this.lastRefillMillis = nowMillis;
  }

  /** Takes {@code bytes} if the budget allows them now. */
  boolean tryTake(long bytes, long nowMillis) {
    refill(nowMillis);
    if (tokens < Math.min(bytes, bytesPerSecond)) {
      return false;
    }
    tokens -= bytes;
    return true;
  }

  private void refill(long nowMillis) {
    long elapsedMillis = Math.max(0, nowMillis - lastRefillMillis);
    lastRefillMillis = Math.max(lastRefillMillis, nowMillis);
    // A double keeps elapsed * rate from overflowing; a byte more or less does not matter here.
    long added = elapsedMillis >= 1000 ? bytesPerSecond : (long) ((double) elapsedMillis * bytesPerSecond / 1000);
    tokens = Math.min(bytesPerSecond, tokens + added);
  }
}
