package io.hiro.master.core;

import io.hiro.common.Checks;
import io.hiro.common.WorkerId;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Predicate;

/**
 * Re-replication copies the master ordered and the targets have not confirmed yet. A copy is in
 * flight from the moment it is ordered until the target reports the replica, the source reports
 * the copy failed, or its deadline passes; the orders a source has not been handed yet wait in
 * {@code unsent} until its next heartbeat. Also remembers, per piece, the targets a copy to has
 * failed recently, so that a retry goes elsewhere.
 *
 * <p>Invariants: every copy in {@code unsent} is in {@code byPiece}; {@code outgoing} and
 * {@code incomingBytes} are the per-source count and per-target byte sum of {@code byPiece}; at
 * most one copy per (piece, target). Bounded: a source has at most copiesPerWorkerMax copies in
 * flight (the monitor checks before it adds), and the failed-target memory keeps at most
 * {@link #FAILED_PIECES_MAX} pieces.
 */
final class PendingCopies {
  static final int FAILED_PIECES_MAX = 100_000;

  /** One ordered copy of a piece's replica from {@code source} to {@code target}. */
  record Copy(long pieceId, WorkerId source, WorkerId target, long lengthBytes, long deadlineMillis) {}

  private final Map<Long, List<Copy>> byPiece = new HashMap<>();
  private final Map<WorkerId, ArrayDeque<Copy>> unsent = new HashMap<>();
  private final Map<WorkerId, Integer> outgoing = new HashMap<>();
  private final Map<WorkerId, Long> incomingBytes = new HashMap<>();
  private final LinkedHashMap<Long, Set<WorkerId>> failedTargets = new LinkedHashMap<>();
  private int count;
  /** Told when a copy ends (done, failed, abandoned), so the monitor looks at its piece again. */
  private final ChangedPieces changed;

  PendingCopies(ChangedPieces changed) {
    this.changed = changed;
  }

  void add(Copy copy) {
    Checks.check(!targets(copy.pieceId()).contains(copy.target()), "copy of %s to %s ordered twice",
        copy.pieceId(), copy.target());
    byPiece.computeIfAbsent(copy.pieceId(), p -> new ArrayList<>(2)).add(copy);
    unsent.computeIfAbsent(copy.source(), w -> new ArrayDeque<>()).add(copy);
    outgoing.merge(copy.source(), 1, Integer::sum);
    incomingBytes.merge(copy.target(), copy.lengthBytes(), Long::sum);
    count++;
  }

  /** The target now holds the piece: the copy is done. Returns it, or null if none was pending. */
  Copy complete(long pieceId, WorkerId target) {
    List<Copy> copies = byPiece.get(pieceId);
    if (copies == null) {
      return null;
    }
    for (Copy copy : copies) {
      if (copy.target().equals(target)) {
        remove(copy);
        return copy;
      }
    }
    return null;
  }

  /** The copy failed: forget it and remember not to pick that target again soon. */
  Copy fail(long pieceId, WorkerId target) {
    Copy copy = complete(pieceId, target);
    if (copy != null) {
      rememberFailure(pieceId, target);
    }
    return copy;
  }

  void rememberFailure(long pieceId, WorkerId target) {
    failedTargets.computeIfAbsent(pieceId, p -> new HashSet<>()).add(target);
    if (failedTargets.size() > FAILED_PIECES_MAX) {
      failedTargets.pollFirstEntry();
    }
  }

  /** Removes every pending copy matching {@code condition} and returns them. */
  List<Copy> removeIf(Predicate<Copy> condition) {
    List<Copy> removed = new ArrayList<>();
    for (List<Copy> copies : byPiece.values()) {
      for (Copy copy : copies) {
        if (condition.test(copy)) {
          removed.add(copy);
        }
      }
    }
    removed.forEach(this::remove);
    return removed;
  }

  /** Hands out the orders a source has not been given yet. */
  List<Copy> takeUnsent(WorkerId source) {
    ArrayDeque<Copy> queue = unsent.remove(source);
    return queue == null ? List.of() : List.copyOf(queue);
  }

  List<WorkerId> targets(long pieceId) {
    List<Copy> copies = byPiece.get(pieceId);
    return copies == null ? List.of() : copies.stream().map(Copy::target).toList();
  }

  boolean hasPending(long pieceId) {
    return byPiece.containsKey(pieceId);
  }

  Set<WorkerId> failedTargets(long pieceId) {
    return failedTargets.getOrDefault(pieceId, Set.of());
  }

  /** The piece is healthy again: its failed targets may be tried for later copies. */
  void forgetFailures(long pieceId) {
    failedTargets.remove(pieceId);
  }

  int outgoing(WorkerId source) {
    return outgoing.getOrDefault(source, 0);
  }

  long incomingBytes(WorkerId target) {
    return incomingBytes.getOrDefault(target, 0L);
  }

  int count() {
    return count;
  }

  private void remove(Copy copy) {
    List<Copy> copies = byPiece.get(copy.pieceId());
    Checks.check(copies != null && copies.remove(copy), "copy %s not pending", copy);
    if (copies.isEmpty()) {
      byPiece.remove(copy.pieceId());
    }
    ArrayDeque<Copy> queue = unsent.get(copy.source());
    if (queue != null && queue.remove(copy) && queue.isEmpty()) {
      unsent.remove(copy.source());
    }
    outgoing.computeIfPresent(copy.source(), (w, n) -> n <= 1 ? null : n - 1);
    incomingBytes.computeIfPresent(copy.target(), (w, n) -> n <= copy.lengthBytes() ? null : n - copy.lengthBytes());
    count--;
    changed.mark(copy.pieceId());
  }
}
