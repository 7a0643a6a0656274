package io.hiro.master.core;

import io.hiro.common.PieceId;
import io.hiro.common.WorkerId;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The deletes the replication monitor decides: surplus replicas (a dead worker came back after its
 * pieces were copied elsewhere), corrupt replicas kept until their piece was whole again, and orphans.
 * Each one leaves the replica map at once and is queued for its worker's next heartbeat. Callers check
 * safe mode and hold the write lock.
 */
final class SurplusRemoval {
  private static final Logger LOG = LoggerFactory.getLogger(SurplusRemoval.class);
  /** Fewest free bytes first: the fullest disks give back space; ties on the id for determinism. */
  private static final Comparator<WorkerInfo> LEAST_FREE_FIRST =
      Comparator.comparingLong((WorkerInfo w) -> w.freeBytes).thenComparing(w -> w.id);

  private final Cluster cluster;

  SurplusRemoval(Cluster cluster) {
    this.cluster = cluster;
  }

  /** Deletes good replicas beyond {@code wanted}, from the workers with the least free space. */
  void trim(long pieceId, List<WorkerInfo> good, int wanted) {
    List<WorkerInfo> byFree = new ArrayList<>(good);
    byFree.sort(LEAST_FREE_FIRST);
    for (WorkerInfo worker : byFree.subList(0, Math.max(0, byFree.size() - wanted))) {
      cluster.replicas.remove(pieceId, worker.id);
      cluster.deletes.queue(worker.id, pieceId);
      LOG.info("master: piece {} has {} good live replicas, {} wanted; deleting the surplus one on worker {}",
          new PieceId(pieceId), good.size(), wanted, worker.id);
    }
  }

  /** The piece is whole again from good replicas: the corrupt ones kept meanwhile go, and are forgotten. */
  void deleteReplacedCorrupt(long pieceId, ClusterEvents events, long nowMillis) {
    if (!cluster.corrupt.workers(pieceId).isEmpty()) {
      events.add(nowMillis, ClusterEvents.PIECE_REPAIRED, null, new PieceId(pieceId), "piece " + new PieceId(pieceId)
          + " repaired: its replicas found corrupt on worker(s) " + cluster.corrupt.workers(pieceId)
          + " are replaced by good copies");
    }
    for (WorkerId worker : cluster.corrupt.workers(pieceId)) {
      if (cluster.replicas.remove(pieceId, worker)) {
        cluster.deletes.queue(worker, pieceId);
        LOG.info("master: piece {} has its good replicas back; deleting the corrupt one kept on worker {}",
            new PieceId(pieceId), worker);
      }
    }
    cluster.corrupt.forget(pieceId);
  }

  /** Deletes the orphan replicas known for the orphan grace that still belong to nothing. */
  void deleteOrphans(Core core, long nowMillis) {
    long graceMillis = core.config.orphanGrace().toMillis();
    int deleted = 0;
    for (OrphanReplicas.Orphan orphan : cluster.orphans.takeExpired(nowMillis, graceMillis)) {
      if (core.state.ownerOf(orphan.pieceId()) == null && cluster.worker(orphan.worker()) != null) {
        cluster.deletes.queue(orphan.worker(), orphan.pieceId());
        deleted++;
        LOG.debug("master: orphan replica of piece {} on worker {} deleted", new PieceId(orphan.pieceId()),
            orphan.worker());
      }
    }
    if (deleted > 0) {
      LOG.info("master: deleting {} orphan replicas (no file or upload owns them; known for {})", deleted,
          core.config.orphanGrace());
    }
  }
}
