package io.hiro.master.core;

/**
 * The pieces whose replicas or pending copies changed since the {@link ReplicationMonitor} last
 * took them, so a round checks those rather than every piece of the namespace (at 300,000 files
 * a full scan took the master's lock for ~55 ms, and puts changed something every round). Bounded:
 * past {@link #TRACKED_MAX} pieces, or after a change to many at once, it only remembers that
 * everything must be looked at.
 */
final class ChangedPieces {
  static final int TRACKED_MAX = 100_000;

  private LongMap<Boolean> pieces = new LongMap<>();
  private boolean all;

  void mark(long pieceId) {
    if (all) {
      return;
    }
    pieces.put(pieceId, Boolean.TRUE);
    if (pieces.size() > TRACKED_MAX) {
      markAll();
    }
  }

  /** Everything may have changed (a worker's replicas dropped at once, a cap reached). */
  void markAll() {
    all = true;
    pieces = new LongMap<>();
  }

  /** The pieces changed since the last call, or null if everything must be looked at; starts over. */
  long[] take() {
    long[] taken = all ? null : pieces.keys();
    all = false;
    if (taken == null || taken.length > 0) {
      pieces = new LongMap<>();
    }
    return taken;
  }
}
