package io.hiro.master.core;

import io.hiro.common.HiroException;
import io.hiro.common.PieceId;
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
 * who is registered, who is live, which replicas each holds, which deletes and copies each still has
 * to do, which replicas were reported corrupt and which are orphans. A worker is live while its last
 * heartbeat is at most {@code deadAfterMillis} old; replicas on a dead worker stay in the map (it may
 * come back) but never count. A replica reported corrupt never counts as good. Not thread-safe:
 * callers hold {@link Master}'s lock.
 */
final class Cluster {
  private static final Logger LOG = LoggerFactory.getLogger(Cluster.class);
  static final String NO_LIVE_WORKER =
      "no live worker; start one with 'hiro worker --port 5050 --master HOST:PORT'";

  private final long deadAfterMillis;
  /**
   * A worker that missed this much heartbeat time is suspect: still live, but new chains and copies
   * use it only where too few prompt workers can ({@link Placement}).
   */
  private final long suspectAfterMillis;
  private final Map<WorkerId, WorkerInfo> workers = new TreeMap<>();
  /** Pieces whose replicas or copies changed since the replication monitor last looked. */
  final ChangedPieces changed = new ChangedPieces();
  final ReplicaMap replicas = new ReplicaMap(changed);
  final DeleteQueue deletes = new DeleteQueue();
  final PendingCopies copies = new PendingCopies(changed);
  final CorruptReplicas corrupt = new CorruptReplicas();
  final OrphanReplicas orphans = new OrphanReplicas();
  /** Tests force safe mode here while the real one (journal replay, {@link Core#inSafeMode}) is elsewhere. */
  boolean safeModeForced;
  /** Bumped whenever a worker goes dead or comes back. */
  long livenessVersion;
  /** Workers that went dead since the replication monitor last looked. */
  final List<WorkerId> newlyDead = new ArrayList<>();

  private final ClusterEvents events;

  Cluster(long deadAfterMillis, long heartbeatIntervalMillis, ClusterEvents events) {
    this.deadAfterMillis = deadAfterMillis;
    this.events = events;
    this.suspectAfterMillis = Math.min(deadAfterMillis, 2 * heartbeatIntervalMillis + heartbeatIntervalMillis / 2);
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

  int liveWorkerCount(long nowMillis) {
    int live = 0;
    for (WorkerInfo worker : workers.values()) {
      if (worker.isLive(nowMillis, deadAfterMillis)) {
        live++;
      }
    }
    return live;
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

  /** Live holders of a piece that were not reported corrupt: the replicas that truly count. */
  List<WorkerInfo> goodLiveHolders(long pieceId, long nowMillis) {
    List<WorkerInfo> good = new ArrayList<>(2);
    for (WorkerId id : replicas.holders(pieceId)) {
      WorkerInfo worker = workers.get(id);
      if (worker != null && worker.isLive(nowMillis, deadAfterMillis) && !corrupt.isCorrupt(pieceId, id)) {
        good.add(worker);
      }
    }
    return good;
  }

  /**
   * Live workers with room for {@code lengthBytes} more, their free space reduced by {@code promisedBytes}
   * and by the re-replication copies already headed their way.
   * Throws UNAVAILABLE if no worker is live and RESOURCE_EXHAUSTED if none has room.
   */
  List<Placement.Candidate> candidates(long nowMillis, long lengthBytes, ToLongFunction<WorkerId> promisedBytes) {
    List<Placement.Candidate> result = candidatesWithRoom(nowMillis, lengthBytes, promisedBytes);
    if (result.isEmpty()) {
      int live = liveWorkerCount(nowMillis);
      if (live == 0) {
        throw HiroException.unavailable(NO_LIVE_WORKER);
      }
      throw HiroException.exhausted("no live worker has %d bytes free for a piece (%d live); free space or add a worker",
          lengthBytes, live);
    }
    return result;
  }

  /**
   * As {@link #candidates} but never throws: the list may be empty. Suspect workers (late with
   * their heartbeat) are in it, marked late: {@link Placement} takes them last. Leaving them out
   * made chains shorter than the file's replication, below its min-replicas on a small cluster,
   * so a put failed whenever two of three workers were a few seconds late under load.
   */
  List<Placement.Candidate> candidatesWithRoom(long nowMillis, long lengthBytes, ToLongFunction<WorkerId> promisedBytes) {
    List<Placement.Candidate> result = new ArrayList<>();
    for (WorkerInfo worker : workers.values()) {
      if (!worker.isLive(nowMillis, deadAfterMillis)) {
        continue;
      }
      long free = roomOf(worker, promisedBytes);
      if (free >= lengthBytes) {
        result.add(new Placement.Candidate(worker.id, worker.address.host(), free, isSuspect(worker, nowMillis)));
      }
    }
    return result;
  }

  /**
   * What a worker can still take: its reported free space less what uploads and copies headed to it
   * will need, and less the copies that reached it since it reported.
   */
  long roomOf(WorkerInfo worker, ToLongFunction<WorkerId> promisedBytes) {
    return worker.freeBytes - promisedBytes.applyAsLong(worker.id) - copies.incomingBytes(worker.id)
        - worker.landedBytes;
  }

  /** Live, but its last heartbeat is late: it may be dying. */
  boolean isSuspect(WorkerInfo worker, long nowMillis) {
    return nowMillis - worker.lastHeartbeatMillis > suspectAfterMillis;
  }

  /**
   * A replica is corrupt or unreadable: remember it as corrupt, forget it and queue its delete, unless
   * no good live replica of the piece would be left. The last copy stays: a bad block may be all that
   * is wrong with it, and a later repair can still read the rest; deleting it would turn damage into
   * loss. When the worker itself found it corrupt ({@code workerRemovedIt}) it has already moved the
   * replica aside and no longer serves it, so it leaves the map whatever is left. A client's report of
   * a replica the map no longer has changes nothing: it is gone already (its worker found it corrupt
   * during that very read and moved it aside, or deleted it), and a fresh copy of the piece to that
   * worker may be under way, which a delete sent now could remove as it lands. Returns true if the
   * replica was dropped.
   */
  boolean dropBadReplica(long pieceId, WorkerId worker, String reason, long nowMillis, boolean workerRemovedIt) {
    if (!workerRemovedIt && !replicas.holds(pieceId, worker)) {
      LOG.debug("master: replica of piece {} on worker {} reported bad ({}) is no longer in the map; nothing to do",
          new PieceId(pieceId), worker, reason);
      return false;
    }
    corrupt.add(pieceId, worker);
    int left = goodLiveHolders(pieceId, nowMillis).size();
    if (workerRemovedIt) {
      replicas.remove(pieceId, worker);
    } else if (left == 0) {
      LOG.error("master: piece {} has no other good live replica than the one on worker {} reported bad ({}); "
          + "keeping it", new PieceId(pieceId), worker, reason);
      changed.mark(pieceId); // no good replica left: the monitor reports the piece missing
      return false;
    } else {
      replicas.remove(pieceId, worker);
      deletes.queue(worker, pieceId);
    }
    if (left == 0) {
      LOG.error("master: piece {} lost its last good live replica: worker {} found it corrupt and moved it aside "
          + "({}); the piece cannot be read until a worker holding a good replica comes back",
          new PieceId(pieceId), worker, reason);
    } else {
      LOG.warn("master: replica of piece {} on worker {} is bad ({}); {} good live replicas left, "
          + "re-replication follows", new PieceId(pieceId), worker, reason, left);
    }
    events.add(nowMillis, ClusterEvents.REPLICA_CORRUPT, worker, new PieceId(pieceId), "replica of piece "
        + new PieceId(pieceId) + " on worker " + worker + " is corrupt (" + reason + "); " + left
        + " good live replicas left");
    return true;
  }

  /** Forgets a dropped piece's replicas and queues their deletes on every worker that has or may have one. */
  void drop(MasterState.DroppedPiece piece) {
    corrupt.forget(piece.pieceId());
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
        livenessVersion++;
        if (live) {
          LOG.info("master: worker {} ({}) is back; its {} replicas count again",
              worker.id, worker.address, replicas.replicaCount(worker.id));
          events.add(nowMillis, ClusterEvents.WORKER_BACK, worker.id, null, "worker " + worker.id + " ("
              + worker.address + ") is back; its " + replicas.replicaCount(worker.id) + " replicas count again");
        } else {
          if (!newlyDead.contains(worker.id)) {
            newlyDead.add(worker.id);
          }
          LOG.info("master: worker {} ({}) is dead: no heartbeat for {} ms; its {} replicas no longer count",
              worker.id, worker.address, nowMillis - worker.lastHeartbeatMillis, replicas.replicaCount(worker.id));
          events.add(nowMillis, ClusterEvents.WORKER_DEAD, worker.id, null, "worker " + worker.id + " ("
              + worker.address + ") is dead: no heartbeat for " + (nowMillis - worker.lastHeartbeatMillis) / 1000
              + " s; its " + replicas.replicaCount(worker.id) + " replicas no longer count");
        }
      }
    }
  }
}
