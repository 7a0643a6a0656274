package io.hiro.master.core;

import io.hiro.common.HiroException;
import io.hiro.common.WorkerId;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.ToLongFunction;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The master's picture of its workers, not journaled (workers are the truth about their disks):
 * who is registered, who is live, which replicas each holds, which deletes each still has to do.
 * A worker is live while its last heartbeat is at most {@code deadAfterMillis} old; replicas on a
 * dead worker stay in the map (it may come back) but never count. Not thread-safe: callers hold
 * {@link Master}'s lock.
 */
final class Cluster {
  private static final Logger LOG = LoggerFactory.getLogger(Cluster.class);
  static final String NO_LIVE_WORKER =
      "no live worker; start one with 'hiro worker --port 5050 --master HOST:PORT'";

  private final long deadAfterMillis;
  private final Map<WorkerId, WorkerInfo> workers = new TreeMap<>();
  final ReplicaMap replicas = new ReplicaMap();
  final DeleteQueue deletes = new DeleteQueue();

  Cluster(long deadAfterMillis) {
    this.deadAfterMillis = deadAfterMillis;
  }

  WorkerInfo worker(WorkerId id) {
    return workers.get(id);
  }

  Map<WorkerId, WorkerInfo> workers() {
    return workers;
  }

  WorkerInfo add(WorkerId id) {
    return workers.computeIfAbsent(id, WorkerInfo::new);
  }

  boolean isLive(WorkerId id, long nowMillis) {
    WorkerInfo worker = workers.get(id);
    return worker != null && worker.isLive(nowMillis, deadAfterMillis);
  }

  List<WorkerInfo> liveWorkers(long nowMillis) {
    return workers.values().stream().filter(w -> w.isLive(nowMillis, deadAfterMillis)).toList();
  }

  /** Live holders of a piece, best first: most free space (a proxy for least busy), then id. */
  List<WorkerAddress> liveReplicas(long pieceId, long nowMillis) {
    List<WorkerInfo> live = new ArrayList<>();
    for (WorkerId id : replicas.holders(pieceId)) {
      WorkerInfo worker = workers.get(id);
      if (worker != null && worker.isLive(nowMillis, deadAfterMillis)) {
        live.add(worker);
      }
    }
    live.sort(Comparator.comparingLong((WorkerInfo w) -> w.freeBytes).reversed().thenComparing(w -> w.id));
    return live.stream().map(w -> new WorkerAddress(w.id, w.address)).toList();
  }

  int liveReplicaCount(long pieceId, long nowMillis) {
    int count = 0;
    for (WorkerId id : replicas.holders(pieceId)) {
      if (isLive(id, nowMillis)) {
        count++;
      }
    }
    return count;
  }

  /**
   * Live workers with room for {@code lengthBytes} more, their free space reduced by {@code promisedBytes}.
   * Throws UNAVAILABLE if no worker is live and RESOURCE_EXHAUSTED if none has room.
   */
  List<Placement.Candidate> candidates(long nowMillis, long lengthBytes, ToLongFunction<WorkerId> promisedBytes) {
    List<WorkerInfo> live = liveWorkers(nowMillis);
    if (live.isEmpty()) {
      throw HiroException.unavailable(NO_LIVE_WORKER);
    }
    List<Placement.Candidate> result = new ArrayList<>();
    for (WorkerInfo worker : live) {
      long free = worker.freeBytes - promisedBytes.applyAsLong(worker.id);
      if (free >= lengthBytes) {
        result.add(new Placement.Candidate(worker.id, worker.address.host(), free));
      }
    }
    if (result.isEmpty()) {
      throw HiroException.exhausted("no live worker has %d bytes free for a piece (%d live); free space or add a worker",
          lengthBytes, live.size());
    }
    return result;
  }

  /** Forgets a dropped piece's replicas and queues their deletes on every worker that has or may have one. */
  void drop(MasterState.DroppedPiece piece) {
    List<WorkerId> targets = new ArrayList<>(replicas.removePiece(piece.pieceId()));
    for (WorkerId worker : piece.chain()) {
      if (!targets.contains(worker)) {
        targets.add(worker);
      }
    }
    for (WorkerId worker : targets) {
      if (workers.containsKey(worker)) {
        deletes.queue(worker, piece.pieceId());
      }
    }
    deletes.rememberDropped(piece.pieceId());
  }

  /** Logs each worker that went dead or came back since the last check (INFO, once per change). */
  void logLivenessChanges(long nowMillis) {
    for (WorkerInfo worker : workers.values()) {
      boolean live = worker.isLive(nowMillis, deadAfterMillis);
      if (live != worker.liveLogged) {
        worker.liveLogged = live;
        if (live) {
          LOG.info("master: worker {} ({}) is back; its {} replicas count again",
              worker.id, worker.address, replicas.replicaCount(worker.id));
        } else {
          LOG.info("master: worker {} ({}) is dead: no heartbeat for {} ms; its {} replicas no longer count",
              worker.id, worker.address, nowMillis - worker.lastHeartbeatMillis, replicas.replicaCount(worker.id));
        }
      }
    }
  }
}
