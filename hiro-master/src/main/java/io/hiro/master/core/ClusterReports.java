package io.hiro.master.core;

import io.hiro.common.HostPort;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Builds the cluster report: workers (live, suspect, dead, missing), the health of committed pieces (a replica
 * reported corrupt does not count), safe mode, the replication monitor's pending work and the recent events.
 */
final class ClusterReports {
  private ClusterReports() {}

  /** Caller holds at least the read lock. Walks every piece: meant for an operator, not a hot path. */
  static ClusterView report(Core core) {
    long now = core.nowMillis();
    List<ClusterView.WorkerState> workers = new ArrayList<>();
    Set<HostPort> registeredAddresses = new HashSet<>();
    for (WorkerInfo worker : core.cluster.workers().values()) {
      registeredAddresses.add(worker.address);
      boolean live = core.cluster.isLive(worker.id, now);
      workers.add(new ClusterView.WorkerState(worker.id.value(), worker.address.toString(), state(core, worker, live, now),
          worker.capacityBytes, worker.usedBytes, worker.freeBytes, core.cluster.replicas.replicaCount(worker.id),
          worker.lastHeartbeatMillis));
    }
    for (HostPort expected : core.config.expectedWorkers()) {
      if (!registeredAddresses.contains(expected)) {
        workers.add(new ClusterView.WorkerState("", expected.toString(), "missing", 0, 0, 0, 0, 0));
      }
    }
    long pieces = 0;
    long under = 0;
    long missing = 0;
    long lastReplica = 0;
    long surplus = 0;
    for (Map.Entry<Long, Object> entry : core.state.pieceOwners().entrySet()) {
      if (entry.getValue() instanceof FileNode file) {
        pieces++;
        int good = core.cluster.goodLiveHolders(entry.getKey(), now).size();
        if (good < file.replication) {
          under++;
        }
        if (good == 0) {
          missing++;
        }
        if (good == 1 && file.replication > 1) {
          lastReplica++;
        }
        surplus += Math.max(0, good - file.replication);
      }
    }
    long[] files = {0};
    long[] bytes = {0};
    Node root = core.state.namespace().root();
    Namespace.forEachFile(root, file -> {
      files[0]++;
      bytes[0] += file.sizeBytes;
    });
    long directories = Namespace.countDirectories(root) - 1; // the root is not counted
    boolean safeMode = ReplicationMonitor.inSafeMode(core, now);
    return new ClusterView(workers, files[0], directories, pieces, under, missing, lastReplica, bytes[0], safeMode,
        safeMode ? core.safeModeRemainingMillis(now) : 0, core.cluster.copies.count(), surplus, now,
        core.events.recent());
  }

  /** live, suspect (live but late with its heartbeat: no new chain starts on it), or dead. */
  private static String state(Core core, WorkerInfo worker, boolean live, long nowMillis) {
    if (!live) {
      return "dead";
    }
    return core.cluster.isSuspect(worker, nowMillis) ? "suspect" : "live";
  }
}
