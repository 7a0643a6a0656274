package io.hiro.master.core;

import io.hiro.common.PieceId;
import io.hiro.common.WorkerId;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
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
 *   <li>the committed pieces whose replicas or copies changed since the last round ({@link ChangedPieces}),
 *       those the last round could not serve, and those that had no eligible target once a worker reports
 *       room for them, are checked; every committed piece is, in the first
 *       round, after a worker went dead or came back, and every {@link #FULL_SCAN_EVERY_ROUNDS} rounds.
 *       A piece with fewer good live replicas than its file wants gets copy orders, most endangered first
 *       (one good replica before two), within replicationCopiesPerWorkerMax per source and the cluster-wide
 *       byte budget; one with more loses the surplus on the workers with the least free space, never while
 *       a copy of it is pending; one healthy again loses the replicas reported corrupt that were kept;
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
  /**
   * Pieces with no eligible target remembered to be checked again when a worker gains room; beyond
   * that (a cluster with fewer workers than its files want, say) they wait for the full scan.
   */
  static final int WAITING_MAX = 10_000;
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
  private long scannedLivenessVersion = -1;
  private int roundsSinceFullScan;
  /**
   * Set when the next round must check every piece: the first round, and one that counts what
   * healing left under-replicated.
   */
  private boolean fullScanWanted = true;
  /** Pieces the last round found wanting copies but could not serve (busy sources, byte budget). */
  private long[] carried = new long[0];
  /**
   * Pieces found wanting copies with no eligible target, and their lengths (at most
   * {@link #WAITING_MAX}). Only pieces that some live worker could take but for its room wait here;
   * they are checked again when such a worker reports more free space ({@link #freeSeen}); a
   * worker joining or coming back makes a full scan anyway.
   */
  private final LongMap<Long> waiting = new LongMap<>();
  /**
   * Each live worker's reported free space at the end of the last round (-1 while it was late with
   * its heartbeat), while some piece is {@link #waiting}.
   */
  private Map<WorkerId, Long> freeSeen = Map.of();
  /** Under-replicated pieces at the last full scan. */
  private long underReplicated;
  /** Pieces checked since the start, for tests: a round after a put should check that put's pieces only. */
  private long piecesChecked;

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
    long[] changed = cluster.changed.take();
    roundsSinceFullScan++;
    boolean full = changed == null || fullScanWanted
        || cluster.livenessVersion != scannedLivenessVersion || roundsSinceFullScan >= FULL_SCAN_EVERY_ROUNDS;
    if (full) {
      underReplicated = 0;
      waiting.clear();
      List<Need> needs = new ArrayList<>();
      Namespace.forEachFile(core.state.namespace().root(), file -> checkAll(file, nowMillis, needs));
      serve(needs, nowMillis);
      scannedLivenessVersion = cluster.livenessVersion;
      roundsSinceFullScan = 0;
      fullScanWanted = false;
    } else {
      boolean recheckWaiting = waiting.size() > 0 && someWorkerGainedRoom(nowMillis);
      if (changed.length > 0 || carried.length > 0 || recheckWaiting) {
        long counted = underReplicated; // a count over every piece: only a full scan makes it
        long[] waited = recheckWaiting ? waiting.keys() : new long[0];
        if (recheckWaiting) {
          waiting.clear();
        }
        serve(checkChanged(changed, waited, nowMillis), nowMillis);
        underReplicated = counted;
      }
    }
    noteFreeSpace(nowMillis);
    logHealed(full);
    surplus.deleteOrphans(core, nowMillis);
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

  private void checkAll(FileNode file, long nowMillis, List<Need> needs) {
    for (int i = 0; i < file.pieceCount(); i++) {
      Need need = check(file, i, nowMillis);
      if (need != null) {
        needs.add(need);
      }
    }
  }

  /** Checks the committed pieces among {@code changed} and {@code waited}, and those carried from the last round. */
  private List<Need> checkChanged(long[] changed, long[] waited, long nowMillis) {
    LongMap<Boolean> wanted = new LongMap<>();
    for (long[] pieceIds : List.of(changed, waited, carried)) {
      for (long pieceId : pieceIds) {
        wanted.put(pieceId, Boolean.TRUE);
      }
    }
    // Grouped by file, so a file with many changed pieces is walked once.
    Set<FileNode> files = Collections.newSetFromMap(new IdentityHashMap<>());
    wanted.forEach((pieceId, ignored) -> {
      if (core.state.ownerOf(pieceId) instanceof FileNode file) {
        files.add(file);
      }
    });
    List<Need> needs = new ArrayList<>();
    for (FileNode file : files) {
      for (int i = 0; i < file.pieceCount(); i++) {
        if (wanted.containsKey(file.pieceId(i))) {
          Need need = check(file, i, nowMillis);
          if (need != null) {
            needs.add(need);
          }
        }
      }
    }
    return needs;
  }

  /**
   * Orders copies for {@code needs}, most endangered first; what the sources' bounds or the byte
   * budget leave unserved is carried to the next round.
   */
  private void serve(List<Need> needs, long nowMillis) {
    // Stable: pieces with as many good replicas keep their order.
    needs.sort(Comparator.comparingInt(n -> n.good().size()));
    List<Long> left = new ArrayList<>();
    boolean budgetLeft = true;
    for (Need need : needs) {
      if (budgetLeft) {
        Served served = order(need, nowMillis);
        budgetLeft = served != Served.OUT_OF_BUDGET;
        if (served == Served.NO_TARGET && waiting.size() < WAITING_MAX && roomWouldHelp(need.pieceId(), nowMillis)) {
          waiting.put(need.pieceId(), need.lengthBytes());
        }
        if (served == Served.ORDERED || served == Served.NO_TARGET) {
          continue;
        }
      }
      left.add(need.pieceId());
    }
    carried = left.stream().mapToLong(Long::longValue).toArray();
  }

  /** Whether a live worker could take the piece but for its room: then more room may give it a target. */
  private boolean roomWouldHelp(long pieceId, long nowMillis) {
    for (WorkerInfo worker : cluster.liveWorkers(nowMillis)) {
      if (!excludedFor(pieceId, worker.id)) {
        return true;
      }
    }
    return false;
  }

  /**
   * Whether a live worker reported more free space than at the end of the last round (or caught up
   * with its heartbeats) and has room now for a {@link #waiting} piece it is not excluded for.
   * Reported free space, not room alone: room also rises when an upload's promise ends, before the
   * worker's next heartbeat says what the upload took.
   */
  private boolean someWorkerGainedRoom(long nowMillis) {
    for (WorkerInfo worker : cluster.liveWorkers(nowMillis)) {
      long before = freeSeen.getOrDefault(worker.id, -1L);
      if (cluster.isSuspect(worker, nowMillis) || worker.freeBytes <= before) {
        continue;
      }
      if (couldTakeAWaitingPiece(worker.id, cluster.roomOf(worker, core.state::promisedBytes))) {
        return true;
      }
    }
    return false;
  }

  /** Whether one of the {@link #waiting} pieces fits in {@code room} and {@code worker} is not excluded for it. */
  private boolean couldTakeAWaitingPiece(WorkerId worker, long room) {
    boolean[] found = {false};
    waiting.forEach((pieceId, length) -> {
      if (!found[0] && length <= room && !excludedFor(pieceId, worker)) {
        found[0] = true;
      }
    });
    return found[0];
  }

  /** Remembers each live worker's free space, for {@link #someWorkerGainedRoom}, while some piece is waiting. */
  private void noteFreeSpace(long nowMillis) {
    if (waiting.size() == 0) {
      freeSeen = Map.of();
      return;
    }
    Map<WorkerId, Long> free = new HashMap<>();
    for (WorkerInfo worker : cluster.liveWorkers(nowMillis)) {
      free.put(worker.id, cluster.isSuspect(worker, nowMillis) ? -1 : worker.freeBytes);
    }
    freeSeen = free;
  }

  /** Checks one committed piece, trims it if it has too many replicas; returns what it lacks, or null. */
  private Need check(FileNode file, int index, long nowMillis) {
    piecesChecked++;
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

  /** How far {@link #order} got with one piece. */
  private enum Served {
    ORDERED,
    /** Every holder is busy: this piece waits for the next round, others may go now. */
    SOURCES_BUSY,
    /** No eligible worker now; looked at again when a worker reports more room, joins or comes back, and at the periodic full scan. */
    NO_TARGET,
    /** The byte budget is spent: this piece and the rest wait for the next round. */
    OUT_OF_BUDGET
  }

  /** Orders the copies one piece needs. */
  private Served order(Need need, long nowMillis) {
    for (int k = 0; k < need.count(); k++) {
      WorkerInfo source = source(need);
      if (source == null) {
        return Served.SOURCES_BUSY;
      }
      WorkerId target = target(need, nowMillis);
      if (target == null) {
        return Served.NO_TARGET;
      }
      if (!budget.tryTake(need.lengthBytes(), nowMillis)) {
        return Served.OUT_OF_BUDGET;
      }
      long timeoutMillis = COPY_TIMEOUT_MIN_MILLIS + need.lengthBytes() * 1000 / COPY_TIMEOUT_RATE_BYTES_PER_SECOND;
      cluster.copies.add(new PendingCopies.Copy(need.pieceId(), source.id, target, need.lengthBytes(),
          nowMillis + timeoutMillis));
      LOG.debug("master: copy of piece {} ({} good replicas) ordered from worker {} to worker {}",
          new PieceId(need.pieceId()), need.good().size(), source.id, target);
    }
    return Served.ORDERED;
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
    Set<WorkerId> excluded = new HashSet<>();
    for (Placement.Candidate candidate : candidates) {
      if (excludedFor(pieceId, candidate.id())) {
        excluded.add(candidate.id());
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

  /**
   * Whether {@code worker} can never be the target of a copy of the piece now: it holds it, is about
   * to receive it, or still has a delete of it queued (its old replica is about to go; a copy now
   * could race the delete).
   */
  private boolean excludedFor(long pieceId, WorkerId worker) {
    return cluster.replicas.holders(pieceId).contains(worker) || cluster.copies.targets(pieceId).contains(worker)
        || cluster.deletes.isQueued(worker, pieceId);
  }

  long piecesChecked() {
    return piecesChecked;
  }

  /** Logs the end of re-replication; after a full scan only, whose count of what stays under-replicated is exact. */
  private void logHealed(boolean afterFullScan) {
    if (!healing.isEmpty() && carried.length == 0 && cluster.copies.count() == 0) {
      if (!afterFullScan) {
        fullScanWanted = true;
        return;
      }
      String left = underReplicated > 0
          ? "; " + underReplicated + " pieces stay under-replicated (no eligible worker)" : "";
      LOG.info("master: re-replication after the death of worker(s) {} finished{}", healing, left);
      core.events.add(core.nowMillis(), ClusterEvents.HEALING_FINISHED, null, null,
          "re-replication after the death of worker(s) " + healing + " finished" + left);
      healing.clear();
    }
  }
}
