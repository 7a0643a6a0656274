package io.hiro.master.core;

import io.hiro.common.WorkerId;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Replicas a worker reported that no file or open upload owns and that were not recently dropped,
 * with when the master first heard of each. They are deleted once known for the orphan grace
 * (never in safe mode): a grace rather than at once, because a report can race a commit or a
 * restart. Bounded by {@link #TRACKED_MAX}: past it, further orphans are not tracked until the
 * worker reports them again (they stay on disk meanwhile, never a loss).
 */
final class OrphanReplicas {
  static final int TRACKED_MAX = 1_000_000;
  private static final Logger LOG = LoggerFactory.getLogger(OrphanReplicas.class);

  record Orphan(long pieceId, WorkerId worker) {}

  private final LinkedHashMap<Orphan, Long> firstSeenMillis = new LinkedHashMap<>();
  private boolean fullLogged;

  void seen(long pieceId, WorkerId worker, long nowMillis) {
    Orphan orphan = new Orphan(pieceId, worker);
    if (firstSeenMillis.containsKey(orphan)) {
      return;
    }
    if (firstSeenMillis.size() >= TRACKED_MAX) {
      if (!fullLogged) {
        fullLogged = true;
        LOG.warn("master: {} orphan replicas tracked, the limit; more stay on disk until reported again", TRACKED_MAX);
      }
      return;
    }
    firstSeenMillis.put(orphan, nowMillis);
  }

  void forget(long pieceId, WorkerId worker) {
    firstSeenMillis.remove(new Orphan(pieceId, worker));
  }

  /** A worker's full report: its orphans are exactly {@code reported} now; those still there keep their age. */
  void replaceWorker(WorkerId worker, Set<Long> reported, long nowMillis) {
    firstSeenMillis.keySet().removeIf(o -> o.worker().equals(worker) && !reported.contains(o.pieceId()));
    for (long pieceId : reported) {
      seen(pieceId, worker, nowMillis);
    }
  }

  /** Removes and returns the orphans known for at least {@code graceMillis}. */
  List<Orphan> takeExpired(long nowMillis, long graceMillis) {
    List<Orphan> expired = new ArrayList<>();
    Iterator<Map.Entry<Orphan, Long>> entries = firstSeenMillis.entrySet().iterator();
    while (entries.hasNext()) {
      Map.Entry<Orphan, Long> entry = entries.next();
      if (nowMillis - entry.getValue() >= graceMillis) {
        expired.add(entry.getKey());
        entries.remove();
      }
    }
    return expired;
  }

  int count() {
    return firstSeenMillis.size();
  }
}
