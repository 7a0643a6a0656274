package io.hiro.master.core;

import io.hiro.common.WorkerId;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Which workers hold a replica of each piece, as the workers reported it. Not journaled: it is
 * rebuilt from the workers' reports after a restart. Holders are kept in small shared arrays, in
 * a map without boxed keys, to stay compact (a few dozen bytes per piece). Liveness is not decided
 * here: callers filter holders.
 *
 * <p>Invariants: no piece maps to an empty array; no worker appears twice for one piece;
 * {@code replicaCounts} equals the number of pieces each worker appears for.
 */
final class ReplicaMap {
  private static final WorkerId[] NONE = new WorkerId[0];
  /** Distinct holder sets kept before the cache starts over (a cluster has few: one per set of workers). */
  private static final int SHARED_SETS_MAX = 4_096;
  private final LongMap<WorkerId[]> holders = new LongMap<>();
  /**
   * One array per distinct set of holders, sorted, shared by every piece held by that set: most
   * pieces of a cluster sit on the same few sets of workers, so a piece costs a reference, not an
   * array. Arrays in here or in {@code holders} are never changed in place.
   */
  private final Map<List<WorkerId>, WorkerId[]> sharedSets = new HashMap<>();
  private final Map<WorkerId, Long> replicaCounts = new HashMap<>();
  /** Told of every change, so the replication monitor checks only what moved. */
  private final ChangedPieces changed;

  ReplicaMap(ChangedPieces changed) {
    this.changed = changed;
  }

  void add(long pieceId, WorkerId worker) {
    WorkerId[] current = holders.getOrDefault(pieceId, NONE);
    for (WorkerId existing : current) {
      if (existing.equals(worker)) {
        return;
      }
    }
    WorkerId[] next = Arrays.copyOf(current, current.length + 1);
    next[current.length] = worker;
    holders.put(pieceId, shared(next));
    replicaCounts.merge(worker, 1L, Long::sum);
    changed.mark(pieceId);
  }

  /** Removes one replica; true if it was there. */
  boolean remove(long pieceId, WorkerId worker) {
    WorkerId[] current = holders.get(pieceId);
    if (current == null || !Arrays.asList(current).contains(worker)) {
      return false;
    }
    WorkerId[] rest = without(current, worker);
    if (rest.length == 0) {
      holders.remove(pieceId);
    } else {
      holders.put(pieceId, rest);
    }
    decrement(worker);
    changed.mark(pieceId);
    return true;
  }

  /** Forgets a piece and returns the workers that held it. */
  List<WorkerId> removePiece(long pieceId) {
    WorkerId[] current = holders.remove(pieceId);
    if (current == null) {
      return List.of();
    }
    for (WorkerId worker : current) {
      decrement(worker);
    }
    changed.mark(pieceId);
    return List.of(current);
  }

  /** Forgets every replica of one worker (before its full report replaces them). Scans the map: rare. */
  void removeWorker(WorkerId worker) {
    if (!replicaCounts.containsKey(worker)) {
      return;
    }
    for (long pieceId : piecesOf(worker)) {
      WorkerId[] rest = without(holders.get(pieceId), worker);
      if (rest.length == 0) {
        holders.remove(pieceId);
      } else {
        holders.put(pieceId, rest);
      }
    }
    replicaCounts.remove(worker);
    changed.markAll();
  }

  /** The pieces one worker holds a replica of. Scans the map: for rare events (a worker's death). */
  List<Long> piecesOf(WorkerId worker) {
    List<Long> pieces = new ArrayList<>();
    if (replicaCounts.containsKey(worker)) {
      holders.forEach((pieceId, current) -> {
        if (Arrays.asList(current).contains(worker)) {
          pieces.add(pieceId);
        }
      });
    }
    return pieces;
  }

  List<WorkerId> holders(long pieceId) {
    return List.of(holders.getOrDefault(pieceId, NONE));
  }

  boolean holds(long pieceId, WorkerId worker) {
    return Arrays.asList(holders.getOrDefault(pieceId, NONE)).contains(worker);
  }

  long replicaCount(WorkerId worker) {
    return replicaCounts.getOrDefault(worker, 0L);
  }

  private void decrement(WorkerId worker) {
    replicaCounts.computeIfPresent(worker, (w, count) -> count <= 1 ? null : count - 1);
  }

  private WorkerId[] without(WorkerId[] current, WorkerId worker) {
    return shared(Arrays.stream(current).filter(w -> !w.equals(worker)).toArray(WorkerId[]::new));
  }

  /** The shared array holding the same workers as {@code workers}, sorted. */
  private WorkerId[] shared(WorkerId[] workers) {
    if (workers.length == 0) {
      return NONE;
    }
    WorkerId[] sorted = workers.clone();
    Arrays.sort(sorted);
    List<WorkerId> key = List.of(sorted);
    WorkerId[] existing = sharedSets.get(key);
    if (existing != null) {
      return existing;
    }
    if (sharedSets.size() >= SHARED_SETS_MAX) {
      sharedSets.clear(); // arrays in use stay valid; sharing starts over
    }
    sharedSets.put(key, sorted);
    return sorted;
  }
}
