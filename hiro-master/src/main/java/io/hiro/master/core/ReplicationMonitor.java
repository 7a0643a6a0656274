package io.hiro.master.core;

import io.hiro.common.PieceId;
import io.hiro.common.WorkerId;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Restores and trims replication. {@link Master#sweep()} runs one round every heartbeat interval,
 * under the master's write lock, with the clock's time:
 * <ol>
 *   <li>pending copies that timed out, whose source or target died, or whose piece is gone are forgotten
 *       (the first two as failures, so the retry picks another target);
 *   <li>in safe mode the round stops there: no copy and no delete is decided;
 *   <li>when anything changed since the last scan (or every {@link #FULL_SCAN_EVERY_ROUNDS} rounds), every
 *       committed piece is checked: one with fewer good live replicas than its file wants gets copy orders,
 *       most endangered first (one good replica before two), within replicationCopiesPerWorkerMax per
 *       source and the cluster-wide byte budget; one with more loses the surplus on the workers with the
 *       least free space, never while a copy of it is pending; one healthy again loses the replicas
 *       reported corrupt that were kept;
 *   <li>orphan replicas known for the orphan grace are deleted.
 * </ol>
 * Invariant: no delete decided here takes a piece below its file's replication in good live replicas.
 * The orders are handed out by {@link Membership#heartbeat}, which also holds back deletes in safe mode.
 */
final class ReplicationMonitor {
  static final long COPY_TIMEOUT_MIN_MILLIS = 60_000;
  /** A copy is given the time to move its piece at this slow rate, on top of the minimum. */
  static final long COPY_TIMEOUT_RATE_BYTES_PER_SECOND = 1L << 20;
  static final int FULL_SCAN_EVERY_ROUNDS = 20;
  static final int MISSING_LOGGED_MAX = 100_000;
  private static final Logger LOG = LoggerFactory.getLogger(ReplicationMonitor.class);

  /** A piece that wants {@code count} more replicas, with its good live holders (the possible sources). */
  private record Need(long pieceId, long lengthBytes, List<WorkerInfo> good, int count) {}

  private final Core core;
  private final Cluster cluster;
  private final ByteBudget budget;
  private final Set<Long> missingLogged = new HashSet<>();
  /** Dead workers whose pieces are being re-replicated, for the "finished" log line. */
  private final Set<WorkerId> healing = new TreeSet<>();
  private final SurplusRemoval surplus;
  private long scannedReplicasVersion = -1;
  private long scannedLivenessVersion = -1;
  private long scannedCopiesVersion = -1;
  private int roundsSinceScan;
  private boolean workLeft;
  private long underReplicated;

  ReplicationMonitor(Core core) {
    this.core = core;
    this.cluster = core.cluster;
    this.budget = new ByteBudget(core.config.replicationBandwidthBytesPerSecond(), core.nowMillis());
    this.surplus = new SurplusRemoval(core.cluster);
  }

  /** True while no copy and no delete may be decided: the master's safe mode (or a test forcing it). */
  static boolean inSafeMode(Core core, long nowMillis) {
    return core.cluster.safeModeForced || core.inSafeMode(nowMillis);
  }

  /** One round; the caller holds the write lock. */
  void run(long nowMillis) {
    expireCopies(nowMillis);
    reportDeaths(nowMillis);
    if (inSafeMode(core, nowMillis)) {
      return;
    }
    if (needsScan()) {
      scan(nowMillis);
      scannedReplicasVersion = cluster.replicas.version();
      scannedLivenessVersion = cluster.livenessVersion;
      scannedCopiesVersion = cluster.copies.version();
      roundsSinceScan = 0;
      logHealed();
    }
    surplus.deleteOrphans(core, nowMillis);
  }

  private boolean needsScan() {
    roundsSinceScan++;
    return workLeft || roundsSinceScan >= FULL_SCAN_EVERY_ROUNDS
        || cluster.replicas.version() != scannedReplicasVersion
        || cluster.livenessVersion != scannedLivenessVersion
        || cluster.copies.version() != scannedCopiesVersion;
  }

  private void expireCopies(long nowMillis) {
    for (PendingCopies.Copy copy : cluster.copies.removeIf(c -> !(core.state.ownerOf(c.pieceId()) instanceof FileNode))) {
      LOG.debug("master: copy of piece {} to worker {} abandoned: the piece was deleted",
          new PieceId(copy.pieceId()), copy.target());
    }
    for (PendingCopies.Copy copy : cluster.copies.removeIf(c -> nowMillis >= c.deadlineMillis()
        || !cluster.isLive(c.source(), nowMillis) || !cluster.isLive(c.target(), nowMillis))) {
      cluster.copies.rememberFailure(copy.pieceId(), copy.target());
      String why = nowMillis >= copy.deadlineMillis() ? "timed out" : "lost a dead worker";
      LOG.warn("master: copy of piece {} from worker {} to worker {} {}; it will be retried elsewhere",
          new PieceId(copy.pieceId()), copy.source(), copy.target(), why);
    }
  }

  private void reportDeaths(long nowMillis) {
    for (WorkerId dead : cluster.newlyDead) {
      long under = 0;
      for (long pieceId : cluster.replicas.piecesOf(dead)) {
        if (core.state.ownerOf(pieceId) instanceof FileNode file
            && cluster.goodLiveHolders(pieceId, nowMillis).size() < file.replication) {
          under++;
        }
      }
      LOG.info("master: worker {} dead: {} pieces under-replicated{}", dead, under,
          under > 0 ? "; re-replication starts" : "");
      if (under > 0) {
        healing.add(dead);
      }
    }
    cluster.newlyDead.clear();
  }

  private void scan(long nowMillis) {
    List<Need> needs = new ArrayList<>();
    underReplicated = 0;
    Namespace.forEachFile(core.state.namespace().root(), file -> {
      for (int i = 0; i < file.pieceCount(); i++) {
        Need need = check(file, i, nowMillis);
        if (need != null) {
          needs.add(need);
        }
      }
    });
    // Stable: pieces with as many good replicas keep the namespace's order.
    needs.sort(Comparator.comparingInt(n -> n.good().size()));
    workLeft = false;
    for (Need need : needs) {
      if (!order(need, nowMillis)) {
        workLeft = true;
        break;
      }
    }
  }

  /** Checks one committed piece, trims it if it has too many replicas; returns what it lacks, or null. */
  private Need check(FileNode file, int index, long nowMillis) {
    long pieceId = file.pieceId(index);
    List<WorkerInfo> good = cluster.goodLiveHolders(pieceId, nowMillis);
    if (good.isEmpty()) {
      if (missingLogged.size() < MISSING_LOGGED_MAX && missingLogged.add(pieceId)) {
        LOG.error("master: piece {} (index {} of file {}) has no good live replica; it cannot be read or copied "
            + "until a worker holding it comes back", new PieceId(pieceId), index, String.format("%x", file.fileId));
        core.events.add(nowMillis, ClusterEvents.PIECE_MISSING, null, new PieceId(pieceId), "piece "
            + new PieceId(pieceId) + " (index " + index + " of file " + String.format("%x", file.fileId)
            + ") has no good live replica; see 'hiro admin fsck'");
      }
      return null;
    }
    missingLogged.remove(pieceId);
    if (good.size() < file.replication) {
      underReplicated++;
      int count = file.replication - good.size() - cluster.copies.targets(pieceId).size();
      return count > 0 ? new Need(pieceId, file.pieceLength(index), good, count) : null;
    }
    cluster.copies.forgetFailures(pieceId);
    surplus.deleteReplacedCorrupt(pieceId, core.events, nowMillis);
    if (good.size() > file.replication && !cluster.copies.hasPending(pieceId)) {
      surplus.trim(pieceId, good, file.replication);
    }
    return null;
  }

  /** Orders the copies one piece needs; false if the byte budget or the sources' bounds stop the round. */
  private boolean order(Need need, long nowMillis) {
    for (int k = 0; k < need.count(); k++) {
      WorkerInfo source = source(need);
      if (source == null) {
        workLeft = true; // every holder is busy: this piece waits for the next round, others may go now
        return true;
      }
      WorkerId target = target(need, nowMillis);
      if (target == null) {
        return true; // no eligible worker now; the periodic full scan looks again
      }
      if (!budget.tryTake(need.lengthBytes(), nowMillis)) {
        return false;
      }
      long timeoutMillis = COPY_TIMEOUT_MIN_MILLIS + need.lengthBytes() * 1000 / COPY_TIMEOUT_RATE_BYTES_PER_SECOND;
      cluster.copies.add(new PendingCopies.Copy(need.pieceId(), source.id, target, need.lengthBytes(),
          nowMillis + timeoutMillis));
      LOG.debug("master: copy of piece {} ({} good replicas) ordered from worker {} to worker {}",
          new PieceId(need.pieceId()), need.good().size(), source.id, target);
    }
    return true;
  }

  /** The good holder with the fewest copies in flight (below the bound), then the most free space. */
  private WorkerInfo source(Need need) {
    int max = core.config.replicationCopiesPerWorkerMax();
    return need.good().stream()
        .filter(w -> cluster.copies.outgoing(w.id) < max)
        .min(Comparator.comparingInt((WorkerInfo w) -> cluster.copies.outgoing(w.id))
            .thenComparing(Comparator.comparingLong((WorkerInfo w) -> w.freeBytes).reversed())
            .thenComparing(w -> w.id))
        .orElse(null);
  }

  /**
   * A target for one more replica. Workers that hold the piece, are about to receive it, or still
   * have a delete of it queued are never chosen. Workers a copy of it recently failed to, or whose
   * replica of it was corrupt, are only avoided: when no other worker is eligible they are tried
   * again, or a piece could stay under-replicated for good after a few unlucky failures.
   */
  private WorkerId target(Need need, long nowMillis) {
    long pieceId = need.pieceId();
    List<Placement.Candidate> candidates = cluster.candidatesWithRoom(nowMillis, need.lengthBytes(),
        core.state::promisedBytes);
    Set<WorkerId> excluded = new HashSet<>(cluster.replicas.holders(pieceId));
    excluded.addAll(cluster.copies.targets(pieceId));
    for (Placement.Candidate candidate : candidates) {
      if (cluster.deletes.isQueued(candidate.id(), pieceId)) {
        excluded.add(candidate.id()); // its old replica is about to go; a copy now could race the delete
      }
    }
    Set<String> hostsHolding = new HashSet<>();
    need.good().forEach(w -> hostsHolding.add(w.address.host()));
    Set<WorkerId> avoided = new HashSet<>(excluded);
    avoided.addAll(cluster.copies.failedTargets(pieceId));
    avoided.addAll(cluster.corrupt.workers(pieceId));
    WorkerId preferred = Placement.target(candidates, avoided, hostsHolding);
    return preferred != null ? preferred : Placement.target(candidates, excluded, hostsHolding);
  }

  private void logHealed() {
    if (!healing.isEmpty() && !workLeft && cluster.copies.count() == 0) {
      String left = underReplicated > 0
          ? "; " + underReplicated + " pieces stay under-replicated (no eligible worker)" : "";
      LOG.info("master: re-replication after the death of worker(s) {} finished{}", healing, left);
      core.events.add(core.nowMillis(), ClusterEvents.HEALING_FINISHED, null, null,
          "re-replication after the death of worker(s) " + healing + " finished" + left);
      healing.clear();
    }
  }
}
