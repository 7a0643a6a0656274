package io.hiro.master.core;

import io.hiro.common.Limits;
import io.hiro.common.WorkerId;
import java.util.ArrayDeque;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Iterator;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.SequencedSet;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Replicas waiting to be deleted, per worker, handed out in heartbeat replies at most
 * {@link Limits#DELETES_PER_HEARTBEAT_MAX} at a time; and a bounded memory of recently dropped
 * piece ids, so that a worker reporting one later (it was down when the delete went out) is told
 * to delete it then. Both are bounded: past the bound the oldest entry is forgotten, which can
 * only leave an orphan replica on a disk, never delete a wanted one.
 *
 * <p>A worker's deletes count as {@link #isQueued queued} until its heartbeat after the one whose
 * answer carried them: the worker takes the orders in (and notes which replica each is about)
 * before it sends that heartbeat, so a copy of the piece ordered to it from then on is never the
 * replica a waiting delete removes. When that heartbeat says the answer was lost, or the worker
 * registers again, they are {@link #handAgain queued again} instead.
 */
final class DeleteQueue {
  static final int PENDING_PER_WORKER_MAX = 1_000_000;
  static final int RECENTLY_DROPPED_MAX = 1_000_000;
  private static final Logger LOG = LoggerFactory.getLogger(DeleteQueue.class);

  private final Map<WorkerId, SequencedSet<Long>> pending = new HashMap<>();
  /** The deletes of each worker's last heartbeat answer, until its next heartbeat. */
  private final Map<WorkerId, Set<Long>> handedOut = new HashMap<>();
  private final SequencedSet<Long> recentlyDropped = new LinkedHashSet<>();

  void queue(WorkerId worker, long pieceId) {
    SequencedSet<Long> queue = pending.computeIfAbsent(worker, w -> new LinkedHashSet<>());
    if (queue.add(pieceId) && queue.size() > PENDING_PER_WORKER_MAX) {
      long forgotten = queue.removeFirst();
      LOG.warn("master: more than {} deletes pending for worker {}; piece {} stays on its disk until a scrub",
          PENDING_PER_WORKER_MAX, worker, forgotten);
    }
  }

  /**
   * The deletes handed to a worker in its last heartbeat answer, now that it sent another: it has
   * taken them in, and they no longer count as queued.
   */
  Set<Long> settle(WorkerId worker) {
    Set<Long> settled = handedOut.remove(worker);
    return settled == null ? Set.of() : settled;
  }

  /**
   * The deletes handed to a worker in its last heartbeat answer, which it may never have got (that
   * call failed on its side, or it restarted): queued again, to go out in its next answer. An order
   * that arrives twice finds nothing the second time.
   */
  void handAgain(WorkerId worker) {
    for (long pieceId : settle(worker)) {
      queue(worker, pieceId);
    }
  }

  /**
   * Removes and returns up to {@link Limits#DELETES_PER_HEARTBEAT_MAX} deletes for one worker, less
   * the {@code waiting} ones it still has to carry out from earlier answers; they count as queued
   * until the worker's deletes are {@link #settle settled}.
   */
  long[] take(WorkerId worker, int waiting) {
    SequencedSet<Long> queue = pending.get(worker);
    if (queue == null) {
      return new long[0];
    }
    int room = Math.max(0, Limits.DELETES_PER_HEARTBEAT_MAX - waiting);
    long[] batch = new long[Math.min(queue.size(), room)];
    Iterator<Long> it = queue.iterator();
    for (int i = 0; i < batch.length; i++) {
      batch[i] = it.next();
      it.remove();
    }
    if (queue.isEmpty()) {
      pending.remove(worker);
    }
    if (batch.length > 0) {
      Set<Long> sent = handedOut.computeIfAbsent(worker, w -> new HashSet<>());
      for (long pieceId : batch) {
        sent.add(pieceId);
      }
    }
    return batch;
  }

  /** Whether a delete of the piece waits for the worker, or was handed to it and may not be taken in yet. */
  boolean isQueued(WorkerId worker, long pieceId) {
    SequencedSet<Long> queue = pending.get(worker);
    Set<Long> sent = handedOut.get(worker);
    return queue != null && queue.contains(pieceId) || sent != null && sent.contains(pieceId);
  }

  int pendingCount(WorkerId worker) {
    SequencedSet<Long> queue = pending.get(worker);
    return queue == null ? 0 : queue.size();
  }

  void rememberDropped(long pieceId) {
    recentlyDropped.remove(pieceId);
    recentlyDropped.addLast(pieceId);
    if (recentlyDropped.size() > RECENTLY_DROPPED_MAX) {
      recentlyDropped.removeFirst();
    }
  }

  boolean recentlyDropped(long pieceId) {
    return recentlyDropped.contains(pieceId);
  }
}
