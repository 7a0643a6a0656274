package io.hiro.common.guard;

import io.hiro.common.Checks;
import java.net.InetAddress;
import java.util.HashMap;
import java.util.Map;

/**
 * How many connections one listening port holds open: at most {@code perAddressMax} from one remote
 * address (one IPv6 /64, see {@link AddressGroups}) and {@code totalMax} in all. A connection over a
 * bound is to be closed at once by the caller, before any byte of it is read.
 *
 * <p>Invariants: {@link #open()} is the sum of the per-address counts; an address has an entry only
 * while it has a connection open, so the map never holds more than {@code totalMax} entries.
 */
public final class ConnectionBounds {
  /** What to do with a new connection. */
  public enum Admission { ADMITTED, OVER_ADDRESS_BOUND, OVER_TOTAL_BOUND }

  private final int perAddressMax;
  private final int totalMax;
  private final Map<InetAddress, Integer> openByAddress = new HashMap<>();
  private int open;
  private long refused;

  public ConnectionBounds(int perAddressMax, int totalMax) {
    Checks.check(perAddressMax > 0 && totalMax >= perAddressMax, "bounds %d per address, %d in all", perAddressMax,
        totalMax);
    this.perAddressMax = perAddressMax;
    this.totalMax = totalMax;
  }

  /** Counts a new connection from {@code remote} if both bounds allow it; {@link #release} it when it closes. */
  public synchronized Admission admit(InetAddress remote) {
    InetAddress group = AddressGroups.groupOf(remote);
    int fromAddress = openByAddress.getOrDefault(group, 0);
    if (fromAddress >= perAddressMax) {
      refused++;
      return Admission.OVER_ADDRESS_BOUND;
    }
    if (open >= totalMax) {
      refused++;
      return Admission.OVER_TOTAL_BOUND;
    }
    openByAddress.put(group, fromAddress + 1);
    open++;
    return Admission.ADMITTED;
  }

  /** An admitted connection from {@code remote} closed. */
  public synchronized void release(InetAddress remote) {
    InetAddress group = AddressGroups.groupOf(remote);
    Integer fromAddress = openByAddress.get(group);
    Checks.check(fromAddress != null && open > 0, "a connection from %s closed that was never admitted", remote);
    if (fromAddress == 1) {
      openByAddress.remove(group);
    } else {
      openByAddress.put(group, fromAddress - 1);
    }
    open--;
  }

  /** Connections open now (admitted and not yet released). */
  public synchronized int open() {
    return open;
  }

  /** Connections open now from {@code remote}'s address (or /64). */
  public synchronized int openFrom(InetAddress remote) {
    return openByAddress.getOrDefault(AddressGroups.groupOf(remote), 0);
  }

  /** Connections refused since the start, over either bound. */
  public synchronized long refused() {
    return refused;
  }

  public int perAddressMax() {
    return perAddressMax;
  }

  public int totalMax() {
    return totalMax;
  }
}
