package io.hiro.master.core;

import io.hiro.common.WorkerId;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;

/**
 * Which workers hold a replica of each piece, as the workers reported it. Not journaled: it is
 * rebuilt from the workers' reports after a restart. Holders are kept in small arrays (one to a
 * few entries per piece) to stay compact. Liveness is not decided here: callers filter holders.
 *
 * <p>Invariants: no piece maps to an empty array; no worker appears twice for one piece;
 * {@code replicaCounts} equals the number of pieces each worker appears for.
 */
final class ReplicaMap {
  private static final WorkerId[] NONE = new WorkerId[0];
  private final Map<Long, WorkerId[]> holders = new HashMap<>();
  private final Map<WorkerId, Long> replicaCounts = new HashMap<>();
  /** Bumped on every change, so the replication monitor can tell whether anything moved since its last scan. */
  private long version;

  void add(long pieceId, WorkerId worker) {
    WorkerId[] current = holders.getOrDefault(pieceId, NONE);
    for (WorkerId existing : current) {
      if (existing.equals(worker)) {
        return;
      }
    }
    WorkerId[] next = Arrays.copyOf(current, current.length + 1);
    next[current.length] = worker;
    holders.put(pieceId, next);
    replicaCounts.merge(worker, 1L, Long::sum);
    version++;
  }

  /** Removes one replica; true if it was there. */
  boolean remove(long pieceId, WorkerId worker) {
    WorkerId[] current = holders.get(pieceId);
    if (current == null) {
      return false;
    }
    List<WorkerId> rest = new ArrayList<>(Arrays.asList(current));
    if (!rest.remove(worker)) {
      return false;
    }
    if (rest.isEmpty()) {
      holders.remove(pieceId);
    } else {
      holders.put(pieceId, rest.toArray(NONE));
    }
    decrement(worker);
    version++;
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
    version++;
    return List.of(current);
  }

  /** Forgets every replica of one worker (before its full report replaces them). Scans the map: rare. */
  void removeWorker(WorkerId worker) {
    if (!replicaCounts.containsKey(worker)) {
      return;
    }
    Iterator<Map.Entry<Long, WorkerId[]>> entries = holders.entrySet().iterator();
    while (entries.hasNext()) {
      Map.Entry<Long, WorkerId[]> entry = entries.next();
      WorkerId[] current = entry.getValue();
      if (Arrays.asList(current).contains(worker)) {
        WorkerId[] rest = Arrays.stream(current).filter(w -> !w.equals(worker)).toArray(WorkerId[]::new);
        if (rest.length == 0) {
          entries.remove();
        } else {
          entry.setValue(rest);
        }
      }
    }
    replicaCounts.remove(worker);
    version++;
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

  long version() {
    return version;
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
}
