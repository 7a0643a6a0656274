package io.hiro.common.guard;

import java.time.InstantSource;

/**
 * Lets one log line through per interval, and counts the ones it held back, so that a flood of
 * refusals costs one WARN every few seconds instead of one per refusal (which would fill the disk
 * with the attacker's help).
 */
public final class WarnThrottle {
  private final InstantSource clock;
  private final long intervalMillis;
  private long nextMillis = Long.MIN_VALUE;
  private long heldBack;

  public WarnThrottle(InstantSource clock, long intervalMillis) {
    this.clock = clock;
    this.intervalMillis = intervalMillis;
  }

  /**
   * -1 when this line should be held back; otherwise how many were held back since the last line
   * that went through (the caller says so in the line it logs now).
   */
  public synchronized long tryLog() {
    long now = clock.millis();
    if (now < nextMillis) {
      heldBack++;
      return -1;
    }
    nextMillis = now + intervalMillis;
    long held = heldBack;
    heldBack = 0;
    return held;
  }
}
