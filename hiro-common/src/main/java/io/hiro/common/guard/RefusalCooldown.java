package io.hiro.common.guard;

import io.hiro.common.Checks;
import java.net.InetAddress;
import java.time.InstantSource;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;

/**
 * Per remote address (one IPv6 /64, see {@link AddressGroups}), how many of its calls were refused for
 * want of a valid credential or token. An address refused more than {@code refusalsMax} times within
 * one window of {@code windowMillis} (counted from its first refusal in that window) cools down for
 * {@code cooldownMillis}: while it does, its calls are to be refused at once, before any check and
 * without a log line each. Callers that hold the secret are never refused, so they are never slowed.
 *
 * <p>Invariants: at most {@code addressesMax} addresses are tracked (when full, those whose window and
 * cooldown are over are forgotten; if none is, a new address goes untracked and its calls are refused
 * one by one as before); {@link #coolingDown} takes no lock, as it runs on every call.
 */
public final class RefusalCooldown {
  /** One address's window and cooldown. Written under the lock of the {@link RefusalCooldown}. */
  private static final class Tally {
    long windowStartMillis;
    int refusals;
    volatile long cooldownEndMillis;
  }

  private final InstantSource clock;
  private final int refusalsMax;
  private final long windowMillis;
  private final long cooldownMillis;
  private final int addressesMax;
  private final Map<InetAddress, Tally> tallies = new ConcurrentHashMap<>();
  private long cooldowns;
  private final LongAdder refusedCoolingDown = new LongAdder();

  public RefusalCooldown(InstantSource clock, int refusalsMax, long windowMillis, long cooldownMillis,
      int addressesMax) {
    Checks.check(refusalsMax > 0 && windowMillis > 0 && cooldownMillis > 0 && addressesMax > 0,
        "cooldown after %d refusals in %d ms for %d ms, %d addresses", refusalsMax, windowMillis, cooldownMillis,
        addressesMax);
    this.clock = clock;
    this.refusalsMax = refusalsMax;
    this.windowMillis = windowMillis;
    this.cooldownMillis = cooldownMillis;
    this.addressesMax = addressesMax;
  }

  /** Whether {@code remote} cools down now; if so, the caller refuses its call at once and this counts it. */
  public boolean coolingDown(InetAddress remote) {
    Tally tally = tallies.get(AddressGroups.groupOf(remote));
    if (tally == null || clock.millis() >= tally.cooldownEndMillis) {
      return false;
    }
    refusedCoolingDown.increment();
    return true;
  }

  /**
   * A call from {@code remote} was refused for its credential or token. True when this refusal starts
   * a cooldown: the one time per cooldown the caller logs it.
   */
  public synchronized boolean refused(InetAddress remote) {
    long now = clock.millis();
    InetAddress group = AddressGroups.groupOf(remote);
    Tally tally = tallies.get(group);
    if (tally == null) {
      if (tallies.size() >= addressesMax && !forgetFinished(now)) {
        return false;
      }
      tally = new Tally();
      tally.windowStartMillis = now;
      tallies.put(group, tally);
    } else if (now - tally.windowStartMillis >= windowMillis) {
      tally.windowStartMillis = now;
      tally.refusals = 0;
    }
    tally.refusals++;
    if (tally.refusals <= refusalsMax || now < tally.cooldownEndMillis) {
      return false;
    }
    tally.cooldownEndMillis = now + cooldownMillis;
    tally.refusals = 0;
    tally.windowStartMillis = tally.cooldownEndMillis;
    cooldowns++;
    return true;
  }

  /** Forgets every address whose window and cooldown are over; true if that made room. */
  private boolean forgetFinished(long now) {
    tallies.values().removeIf(t -> now - t.windowStartMillis >= windowMillis && now >= t.cooldownEndMillis);
    return tallies.size() < addressesMax;
  }

  /** Addresses cooling down now. */
  public synchronized int addressesCoolingDown() {
    long now = clock.millis();
    return (int) tallies.values().stream().filter(t -> now < t.cooldownEndMillis).count();
  }

  /** Cooldowns started since the start. */
  public synchronized long cooldowns() {
    return cooldowns;
  }

  /** Calls refused because their address was cooling down, since the start. */
  public long refusedCoolingDown() {
    return refusedCoolingDown.sum();
  }

  public long cooldownMillis() {
    return cooldownMillis;
  }

  public int refusalsMax() {
    return refusalsMax;
  }
}
