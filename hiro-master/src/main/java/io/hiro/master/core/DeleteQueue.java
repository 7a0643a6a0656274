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
import java.util.concurrent.ThreadLocalRandom;
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
 * replica a waiting delete removes. Each answer with deletes has an id, which the worker sends back
 * once it took them in; when the next heartbeat does not carry it (that call failed on the worker's
 * side, handling the answer did, or the heartbeat is older than that answer), or the worker
 * registers again, they are {@link #handAgain queued again} instead.
 */
final class DeleteQueue {
  static final int PENDING_PER_WORKER_MAX = 1_000_000;
  static final int RECENTLY_DROPPED_MAX = 1_000_000;
  private static final Logger LOG = LoggerFactory.getLogger(DeleteQueue.class);

  private final Map<WorkerId, SequencedSet<Long>> pending = new HashMap<>();
  /** The deletes of each worker's last heartbeat answer, until its next heartbeat. */
  private final Map<WorkerId, Batch> handedOut = new HashMap<>();
  /**
   * The next answer's id. It starts anywhere, so that an id a worker echoes from before a master
   * restart names no answer of this master.
   */
  private long nextAnswerId = ThreadLocalRandom.current().nextLong();
  private final SequencedSet<Long> recentlyDropped = new LinkedHashSet<>();

  void queue(WorkerId worker, long pieceId) {
    SequencedSet<Long> queue = pending.computeIfAbsent(worker, w -> new LinkedHashSet<>());
    if (queue.add(pieceId) && queue.size() > PENDING_PER_WORKER_MAX) {
      long forgotten = queue.removeFirst();
      LOG.warn("master: more than {} deletes pending for worker {}; piece {} stays on its disk until a scrub",
          PENDING_PER_WORKER_MAX, worker, forgotten);
    }
  }

  /** The deletes of one heartbeat answer, and its id. */
  private record Batch(long answerId, Set<Long> pieceIds) {}

  /**
   * A heartbeat from {@code worker}, which took in the deletes of the answer {@code lastAnswerId}
   * names: if that is its last answer, those deletes no longer count as queued, and are returned;
   * else they are {@link #handAgain queued again}, and none is returned.
   */
  Set<Long> acknowledge(WorkerId worker, long lastAnswerId) {
    Batch batch = handedOut.get(worker);
    if (batch == null) {
      return Set.of();
    }
    if (batch.answerId() == lastAnswerId) {
      handedOut.remove(worker);
      return batch.pieceIds();
    }
    handAgain(worker);
    return Set.of();
  }

  /** The id of the last answer that handed {@code worker} deletes it has not acknowledged; 0 if none. */
  long lastAnswerId(WorkerId worker) {
    Batch batch = handedOut.get(worker);
    return batch == null ? 0 : batch.answerId();
  }

  /**
   * The deletes handed to a worker in its last heartbeat answer, which it may never have taken in:
   * queued again, to go out in its next answer. Another order for a replica finds the same one or none.
   */
  void handAgain(WorkerId worker) {
    Batch batch = handedOut.remove(worker);
    if (batch != null) {
      for (long pieceId : batch.pieceIds()) {
        queue(worker, pieceId);
      }
    }
  }

  /**
   * Removes and returns up to {@link Limits#DELETES_PER_HEARTBEAT_MAX} deletes for one worker, less
   * the {@code waiting} ones it still has to carry out from earlier answers; they count as queued
   * until the worker {@link #acknowledge acknowledges} them, under the id {@link #lastAnswerId} gives.
   */
  long[] take(WorkerId worker, int waiting) {
    handAgain(worker); // none normally: a heartbeat acknowledges the last answer before it takes
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
      Set<Long> sent = new HashSet<>();
      for (long pieceId : batch) {
        sent.add(pieceId);
      }
      if (++nextAnswerId == 0) {
        nextAnswerId++;
      }
      handedOut.put(worker, new Batch(nextAnswerId, sent));
    }
    return batch;
  }

  /** Whether a delete of the piece waits for the worker, or was handed to it and may not be taken in yet. */
  boolean isQueued(WorkerId worker, long pieceId) {
    SequencedSet<Long> queue = pending.get(worker);
    Batch sent = handedOut.get(worker);
    return queue != null && queue.contains(pieceId) || sent != null && sent.pieceIds().contains(pieceId);
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
