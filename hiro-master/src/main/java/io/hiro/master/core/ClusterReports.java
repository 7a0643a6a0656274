package io.hiro.master.core;

import io.hiro.common.HostPort;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
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
    long[] counts = new long[5]; // pieces, under-replicated, missing, on their last replica, surplus
    core.state.pieceOwners().forEach((pieceId, owner) -> {
      if (owner instanceof FileNode file) {
        int good = core.cluster.goodLiveHolders(pieceId, now).size();
        counts[0]++;
        counts[1] += good < file.replication ? 1 : 0;
        counts[2] += good == 0 ? 1 : 0;
        counts[3] += good == 1 && file.replication > 1 ? 1 : 0;
        counts[4] += Math.max(0, good - file.replication);
      }
    });
    long pieces = counts[0];
    long under = counts[1];
    long missing = counts[2];
    long lastReplica = counts[3];
    long surplus = counts[4];
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

  /** live, suspect (live but late with its heartbeat: new chains use it last), or dead. */
  private static String state(Core core, WorkerInfo worker, boolean live, long nowMillis) {
    if (!live) {
      return "dead";
    }
    return core.cluster.isSuspect(worker, nowMillis) ? "suspect" : "live";
  }
}
