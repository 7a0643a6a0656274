package io.hiro.master.core;

import io.hiro.common.PieceId;
import io.hiro.common.WorkerId;
import java.util.ArrayDeque;
import java.util.List;
import java.util.Set;

/**
 * The recent events of the cluster, newest last, in a ring of at most {@link #EVENTS_MAX}: what the
 * status page shows under "recent events". Kinds that come in bursts (a dead worker's pieces copied one
 * by one) fold into the newest event of the same kind while it is younger than {@link #FOLD_MILLIS}, so
 * a burst cannot push the worker's death out of the ring. Thread-safe (its own lock): events are added
 * under the master's write lock, but also from reads that notice safe mode ending.
 */
public final class ClusterEvents {
  public static final int EVENTS_MAX = 100;
  static final long FOLD_MILLIS = 60_000;

  public static final String WORKER_JOINED = "worker-joined";
  public static final String WORKER_REGISTERED = "worker-registered";
  public static final String WORKER_DEAD = "worker-dead";
  public static final String WORKER_BACK = "worker-back";
  public static final String PIECE_REREPLICATED = "piece-re-replicated";
  public static final String REPLICA_CORRUPT = "replica-corrupt";
  public static final String PIECE_REPAIRED = "piece-repaired";
  public static final String PIECE_MISSING = "piece-missing";
  public static final String HEALING_FINISHED = "re-replication-finished";
  public static final String SAFE_MODE_LEFT = "safe-mode-left";
  private static final Set<String> FOLDED = Set.of(PIECE_REREPLICATED, REPLICA_CORRUPT, PIECE_REPAIRED, PIECE_MISSING);

  private final ArrayDeque<ClusterEvent> ring = new ArrayDeque<>(EVENTS_MAX);

  /** Records an event about a worker and/or a piece (either may be null). */
  public synchronized void add(long atMillis, String kind, WorkerId worker, PieceId piece, String message) {
    String workerId = worker == null ? "" : worker.value();
    String pieceId = piece == null ? "" : piece.toString();
    ClusterEvent last = ring.peekLast();
    if (last != null && FOLDED.contains(kind) && last.kind().equals(kind) && atMillis - last.atMillis() < FOLD_MILLIS) {
      ring.pollLast();
      ring.addLast(new ClusterEvent(atMillis, kind, workerId, pieceId, message, last.count() + 1));
      return;
    }
    if (ring.size() == EVENTS_MAX) {
      ring.pollFirst();
    }
    ring.addLast(new ClusterEvent(atMillis, kind, workerId, pieceId, message, 1));
  }

  /** The events, oldest first. */
  public synchronized List<ClusterEvent> recent() {
    return List.copyOf(ring);
  }
}
