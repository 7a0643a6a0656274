package io.hiro.master.core;

import io.hiro.common.HiroException;
import io.hiro.common.Limits;
import io.hiro.common.PieceId;
import io.hiro.common.WorkerId;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Workers joining and staying: Register (with a full replica report), Heartbeat (answered with
 * deletes and copy orders, none in safe mode) and ReportReplicas (stored, removed, corrupt, failed
 * copies). A reported replica of a piece the master owns is added to the replica map (and completes
 * a pending copy to that worker); one of a recently dropped piece (deleted, overwritten, expired) is
 * deleted; one the master does not know at all is an orphan, deleted by the replication monitor once
 * it has been known for the orphan grace. A replica whose delete is still queued is not added back:
 * it is on its way out.
 */
public final class Membership {
  private static final Logger LOG = LoggerFactory.getLogger(Membership.class);
  private final Core core;
  private final AtomicLong heartbeats = new AtomicLong();

  Membership(Core core) {
    this.core = core;
  }

  /** Registers (or re-registers) a worker; its report replaces what the master knew. Returns the heartbeat interval. */
  public long register(WorkerRegistration registration) {
    WorkerId id = registration.id();
    int unknown = core.write(() -> {
      Cluster cluster = core.cluster;
      if (cluster.worker(id) == null && cluster.workers().size() >= Limits.WORKERS_MAX) {
        throw HiroException.exhausted("%d workers are registered, the limit; worker %s cannot join",
            Limits.WORKERS_MAX, id);
      }
      boolean joined = cluster.worker(id) == null;
      WorkerInfo worker = cluster.add(id);
      worker.address = registration.address();
      core.events.add(core.nowMillis(), joined ? ClusterEvents.WORKER_JOINED : ClusterEvents.WORKER_REGISTERED, id,
          null, "worker " + id + " (" + registration.address() + ") " + (joined ? "joined" : "registered again")
          + " with " + registration.pieceIds().length + " replicas");
      updateUsage(worker, new WorkerUsage(registration.capacityBytes(), registration.freeBytes(),
          registration.usedBytes()));
      cluster.replicas.removeWorker(id);
      // The deletes it was handed last may have been lost with a restart: they go out again, and what it
      // reports of their pieces does not count meanwhile.
      cluster.deletes.handAgain(id);
      // A worker that joins (or comes back) may be the target a piece lacked: the monitor looks at all.
      cluster.changed.markAll();
      Set<Long> orphans = new HashSet<>();
      for (long pieceId : registration.pieceIds()) {
        if (!stored(worker.id, pieceId)) {
          orphans.add(pieceId);
        }
      }
      worker.landedBytes = 0; // the copies among them are in the free space it registered with
      cluster.orphans.replaceWorker(id, orphans, core.nowMillis());
      cluster.logLivenessChanges(core.nowMillis());
      return orphans.size();
    });
    LOG.info("master: worker {} registered at {} with {} replicas ({} unknown: deleted after {} unless claimed), "
        + "{} bytes free", id, registration.address(), registration.pieceIds().length, unknown,
        core.config.orphanGrace(), registration.freeBytes());
    return core.config.heartbeatIntervalMillis();
  }

  /** Heartbeats received since the master started (metrics). */
  public long heartbeatsReceived() {
    return heartbeats.get();
  }

  /**
   * A heartbeat: {@code deletesWaiting} delete orders from earlier answers the worker has not carried
   * out yet; {@code lastAnswerId} names the last answer whose deletes it took in. When that is not
   * the master's last answer to it, that answer's deletes go out again.
   */
  public HeartbeatReply heartbeat(WorkerId id, WorkerUsage usage, int deletesWaiting, long lastAnswerId) {
    heartbeats.incrementAndGet();
    return core.write(() -> {
      WorkerInfo worker = core.cluster.worker(id);
      if (worker == null) {
        LOG.debug("master: heartbeat from unknown worker {}; asking it to register again", id);
        return HeartbeatReply.empty(true);
      }
      updateUsage(worker, usage);
      long now = core.nowMillis();
      core.cluster.logLivenessChanges(now);
      for (long pieceId : core.cluster.deletes.acknowledge(id, lastAnswerId)) {
        // A worker is no target for a piece while its delete of it is queued: now it may be again.
        core.cluster.changed.mark(pieceId);
      }
      if (ReplicationMonitor.inSafeMode(core, now)) {
        return HeartbeatReply.empty(false);
      }
      List<HeartbeatReply.DeleteOrder> deletes = deleteOrders(id, deletesWaiting, now);
      return new HeartbeatReply(false, deletes, copyOrders(id), core.cluster.deletes.lastAnswerId(id));
    });
  }

  /** The deletes queued for a worker, each with a DELETE token for its piece: the worker deletes nothing without one. */
  private List<HeartbeatReply.DeleteOrder> deleteOrders(WorkerId worker, int waiting, long nowMillis) {
    List<HeartbeatReply.DeleteOrder> orders = new ArrayList<>();
    for (long pieceId : core.cluster.deletes.take(worker, waiting)) {
      orders.add(new HeartbeatReply.DeleteOrder(new PieceId(pieceId), core.tokens.delete(pieceId, nowMillis)));
    }
    return orders;
  }

  /**
   * The copy orders a source has not been given yet; those whose piece went meanwhile, or whose
   * source lost its replica (dropped as bad, say), are dropped: the monitor orders them again.
   */
  private List<HeartbeatReply.CopyOrder> copyOrders(WorkerId source) {
    List<HeartbeatReply.CopyOrder> orders = new ArrayList<>();
    for (PendingCopies.Copy copy : core.cluster.copies.takeUnsent(source)) {
      WorkerInfo target = core.cluster.worker(copy.target());
      if (!(core.state.ownerOf(copy.pieceId()) instanceof FileNode) || target == null
          || !core.cluster.replicas.holds(copy.pieceId(), source)) {
        core.cluster.copies.complete(copy.pieceId(), copy.target());
        continue;
      }
      orders.add(new HeartbeatReply.CopyOrder(new PieceId(copy.pieceId()), new WorkerAddress(target.id, target.address),
          core.tokens.copy(copy.pieceId(), copy.deadlineMillis())));
    }
    return orders;
  }

  /** Replicas a worker stored or lost since its last report. */
  public void reportReplicas(WorkerId id, long[] stored, long[] removed) {
    reportReplicas(id, ReplicaChanges.of(stored, removed));
  }

  /**
   * Replicas a worker stored, lost or found corrupt, and copies it failed, since its last report.
   * Returns without waiting for other changes' fsync ({@link Core#writeAnsweringNothing}).
   */
  public void reportReplicas(WorkerId id, ReplicaChanges changes) {
    core.writeAnsweringNothing(() -> apply(id, changes));
    logReport(id, changes);
  }

  /**
   * As {@link #reportReplicas(WorkerId, ReplicaChanges)}, for a caller that must not block (a network
   * thread): made at once if the state's lock is free and the report names at most {@link
   * Master#PIECES_READY_MAX} replicas, with {@code then} told at once, on this thread, that it was
   * taken, or why it failed: a report journals nothing and its empty answer shows nothing, so it does
   * not wait for other changes' fsync ({@link Core#writeAnsweringNothingIfReady}); false, having made
   * nothing, otherwise. A stream of small puts brings each worker's report every {@code
   * ReplicaReporter.LINGER}, a few replicas each.
   */
  public boolean reportReplicasIfReady(WorkerId id, ReplicaChanges changes, Consumer<RuntimeException> then) {
    long count = (long) changes.stored().length + changes.removed().length + changes.corrupt().length
        + changes.failedCopies().size();
    return count <= Master.PIECES_READY_MAX
        && core.writeAnsweringNothingIfReady(() -> apply(id, changes), (done, failure) -> {
          if (failure == null) {
            logReport(id, changes);
          }
          then.accept(failure);
        });
  }

  /** The report's changes to the cluster's view; the caller holds the write lock. */
  private Void apply(WorkerId id, ReplicaChanges changes) {
    Cluster cluster = core.cluster;
    if (cluster.worker(id) == null) {
      throw HiroException.notFound("worker %s is not registered; it registers again at its next heartbeat", id);
    }
    long now = core.nowMillis();
    for (long pieceId : changes.stored()) {
      // A fresh write or copy: whatever was corrupt on this worker before, this replica is new.
      cluster.corrupt.forget(pieceId, id);
      if (!stored(id, pieceId)) {
        cluster.orphans.seen(pieceId, id, now);
      }
    }
    for (long pieceId : changes.removed()) {
      cluster.replicas.remove(pieceId, id);
      cluster.orphans.forget(pieceId, id);
    }
    for (long pieceId : changes.corrupt()) {
      corrupt(id, pieceId, now);
    }
    for (ReplicaChanges.CopyFailure failure : changes.failedCopies()) {
      if (cluster.copies.fail(failure.pieceId().value(), failure.target()) != null) {
        LOG.warn("master: worker {} failed to copy piece {} to worker {} ({}); it will be retried elsewhere",
            id, failure.pieceId(), failure.target(), failure.reason());
      }
    }
    return null;
  }

  private static void logReport(WorkerId id, ReplicaChanges changes) {
    LOG.debug("master: worker {} reported {} stored, {} removed, {} corrupt, {} failed copies", id,
        changes.stored().length, changes.removed().length, changes.corrupt().length, changes.failedCopies().size());
  }

  /** A worker found its replica corrupt: as a bad-replica report, but a piece nothing owns is simply deleted. */
  private void corrupt(WorkerId id, long pieceId, long now) {
    Cluster cluster = core.cluster;
    if (core.state.ownerOf(pieceId) == null) {
      cluster.replicas.remove(pieceId, id);
      cluster.orphans.forget(pieceId, id);
      cluster.deletes.queue(id, pieceId);
      return;
    }
    // The worker has already moved it aside and no longer serves it: it is gone from the map, last or not.
    cluster.dropBadReplica(pieceId, id, "its worker found it corrupt", now, true);
  }

  /** Records one reported replica; false if the master knows nothing of the piece (an orphan). */
  private boolean stored(WorkerId worker, long pieceId) {
    Cluster cluster = core.cluster;
    if (core.state.ownerOf(pieceId) == null && cluster.deletes.recentlyDropped(pieceId)) {
      // Its file went: delete it, again if the delete handed out last arrived before this replica (a write
      // or copy still under way then) and so left it alone.
      cluster.deletes.queue(worker, pieceId);
      return true;
    }
    if (cluster.deletes.isQueued(worker, pieceId)) {
      return true; // on its way out (surplus, corrupt, dropped): it must not count again
    }
    if (core.state.ownerOf(pieceId) != null) {
      cluster.replicas.add(pieceId, worker);
      PendingCopies.Copy copy = cluster.copies.complete(pieceId, worker);
      if (copy != null) {
        cluster.worker(worker).landedBytes += copy.lengthBytes();
        LOG.debug("master: copy of piece {} to worker {} done", new PieceId(pieceId), worker);
        core.events.add(core.nowMillis(), ClusterEvents.PIECE_REREPLICATED, worker, new PieceId(pieceId),
            "piece " + new PieceId(pieceId) + " re-replicated from worker " + copy.source() + " to worker " + worker);
      }
      return true;
    }
    return false;
  }

  private void updateUsage(WorkerInfo worker, WorkerUsage usage) {
    worker.capacityBytes = usage.capacityBytes();
    worker.freeBytes = usage.freeBytes();
    worker.usedBytes = usage.usedBytes();
    worker.landedBytes = 0;
    worker.lastHeartbeatMillis = core.nowMillis();
  }
}
