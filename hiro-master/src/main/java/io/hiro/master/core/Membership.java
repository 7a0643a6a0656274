package io.hiro.master.core;

import io.hiro.common.HiroException;
import io.hiro.common.Limits;
import io.hiro.common.WorkerId;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Workers joining and staying: Register (with a full replica report), Heartbeat (answered with
 * deletes) and ReportReplicas. A reported replica of a piece the master owns is added to the
 * replica map; one of a recently dropped piece (deleted, overwritten, expired) is deleted; one the
 * master does not know at all is left alone for now: after a master restart the master knows
 * nothing yet, and deleting it could lose data (the journal and a grace period come next).
 */
public final class Membership {
  private static final Logger LOG = LoggerFactory.getLogger(Membership.class);
  private final Core core;

  Membership(Core core) {
    this.core = core;
  }

  /** Registers (or re-registers) a worker; its report replaces what the master knew. Returns the heartbeat interval. */
  public long register(WorkerRegistration registration) {
    WorkerId id = registration.id();
    int[] unknown = {0};
    core.write(() -> {
      Cluster cluster = core.cluster;
      if (cluster.worker(id) == null && cluster.workers().size() >= Limits.WORKERS_MAX) {
        throw HiroException.exhausted("%d workers are registered, the limit; worker %s cannot join",
            Limits.WORKERS_MAX, id);
      }
      WorkerInfo worker = cluster.add(id);
      worker.address = registration.address();
      updateUsage(worker, new WorkerUsage(registration.capacityBytes(), registration.freeBytes(),
          registration.usedBytes()));
      cluster.replicas.removeWorker(id);
      for (long pieceId : registration.pieceIds()) {
        if (!stored(worker.id, pieceId)) {
          unknown[0]++;
        }
      }
      cluster.logLivenessChanges(core.nowMillis());
      return null;
    });
    LOG.info("master: worker {} registered at {} with {} replicas ({} unknown, kept), {} bytes free",
        id, registration.address(), registration.pieceIds().length, unknown[0], registration.freeBytes());
    return core.config.heartbeatIntervalMillis();
  }

  public HeartbeatReply heartbeat(WorkerId id, WorkerUsage usage) {
    return core.write(() -> {
      WorkerInfo worker = core.cluster.worker(id);
      if (worker == null) {
        LOG.debug("master: heartbeat from unknown worker {}; asking it to register again", id);
        return new HeartbeatReply(true, new long[0]);
      }
      updateUsage(worker, usage);
      core.cluster.logLivenessChanges(core.nowMillis());
      return new HeartbeatReply(false, core.cluster.deletes.take(id));
    });
  }

  /** Replicas a worker stored or lost since its last report. */
  public void reportReplicas(WorkerId id, long[] stored, long[] removed) {
    core.write(() -> {
      if (core.cluster.worker(id) == null) {
        throw HiroException.notFound("worker %s is not registered; it registers again at its next heartbeat", id);
      }
      for (long pieceId : stored) {
        stored(id, pieceId);
      }
      for (long pieceId : removed) {
        core.cluster.replicas.remove(pieceId, id);
      }
      return null;
    });
    LOG.debug("master: worker {} reported {} stored, {} removed", id, stored.length, removed.length);
  }

  /** Records one reported replica; false if the master knows nothing of the piece. */
  private boolean stored(WorkerId worker, long pieceId) {
    if (core.state.ownerOf(pieceId) != null) {
      core.cluster.replicas.add(pieceId, worker);
      return true;
    }
    if (core.cluster.deletes.recentlyDropped(pieceId)) {
      core.cluster.deletes.queue(worker, pieceId);
      return true;
    }
    return false;
  }

  private void updateUsage(WorkerInfo worker, WorkerUsage usage) {
    worker.capacityBytes = usage.capacityBytes();
    worker.freeBytes = usage.freeBytes();
    worker.usedBytes = usage.usedBytes();
    worker.lastHeartbeatMillis = core.nowMillis();
  }
}
