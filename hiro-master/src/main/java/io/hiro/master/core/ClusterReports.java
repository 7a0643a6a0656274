package io.hiro.master.core;

import io.hiro.common.HostPort;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** Builds the cluster report: workers (live, dead, missing) and the health of committed pieces. */
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
      workers.add(new ClusterView.WorkerState(worker.id.value(), worker.address.toString(), live ? "live" : "dead",
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
    for (Map.Entry<Long, Object> entry : core.state.pieceOwners().entrySet()) {
      if (entry.getValue() instanceof FileNode file) {
        pieces++;
        int live = core.cluster.liveReplicaCount(entry.getKey(), now);
        if (live < file.replication) {
          under++;
        }
        if (live == 0) {
          missing++;
        }
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
    return new ClusterView(workers, files[0], directories, pieces, under, missing, bytes[0]);
  }
}
