package io.hiro.master.core;

import io.hiro.common.WorkerId;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;

/**
 * Replicas that workers or clients reported corrupt, per piece, until the piece has its wanted
 * replication again from good replicas (then the monitor forgets them). Fsck counts them; the monitor
 * never copies from one. A corrupt replica is normally dropped from the replica map at once; only
 * the last live one of a piece is kept there (and listed here), because a bad block may be all that
 * is wrong with it. Bounded by {@link #PIECES_MAX}: past it, new reports are not remembered
 * (the replica is still dropped; only fsck's count is short).
 */
final class CorruptReplicas {
  static final int PIECES_MAX = 1_000_000;
  private final Map<Long, Set<WorkerId>> byPiece = new HashMap<>();

  void add(long pieceId, WorkerId worker) {
    if (byPiece.size() < PIECES_MAX || byPiece.containsKey(pieceId)) {
      byPiece.computeIfAbsent(pieceId, p -> new HashSet<>(2)).add(worker);
    }
  }

  boolean isCorrupt(long pieceId, WorkerId worker) {
    Set<WorkerId> workers = byPiece.get(pieceId);
    return workers != null && workers.contains(worker);
  }

  Set<WorkerId> workers(long pieceId) {
    return byPiece.getOrDefault(pieceId, Set.of());
  }

  int count(long pieceId) {
    return workers(pieceId).size();
  }

  void forget(long pieceId) {
    byPiece.remove(pieceId);
  }

  /** A worker stored a fresh replica of the piece (e.g. a copy to it): its old one is no longer the question. */
  void forget(long pieceId, WorkerId worker) {
    Set<WorkerId> workers = byPiece.get(pieceId);
    if (workers != null && workers.remove(worker) && workers.isEmpty()) {
      byPiece.remove(pieceId);
    }
  }

  Set<Long> pieces() {
    return byPiece.keySet();
  }
}
