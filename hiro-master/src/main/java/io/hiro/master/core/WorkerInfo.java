package io.hiro.master.core;

import io.hiro.common.HostPort;
import io.hiro.common.WorkerId;

/** What the master knows about one registered worker, from its register call and heartbeats. */
final class WorkerInfo {
  final WorkerId id;
  HostPort address;
  long capacityBytes;
  long freeBytes;
  long usedBytes;
  long lastHeartbeatMillis;
  /**
   * Bytes of copies that reached this worker since its last heartbeat: its reported free space does
   * not show them yet, and they no longer count as incoming.
   */
  long landedBytes;
  /** The state last logged, so that going dead and coming back are each logged once. */
  boolean liveLogged = true;

  WorkerInfo(WorkerId id) {
    this.id = id;
  }

  boolean isLive(long nowMillis, long deadAfterMillis) {
    return nowMillis - lastHeartbeatMillis <= deadAfterMillis;
  }
}
