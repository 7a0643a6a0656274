package io.hiro.master.http;

import io.hiro.common.metrics.Metrics;
import io.hiro.master.core.ClusterHealth;
import io.hiro.master.core.ClusterView;
import io.hiro.master.core.Membership;
import java.util.function.Supplier;

/**
 * The master's own metrics, read at each scrape from the same snapshot as the status page (so a scrape
 * and a look at the page within a second walk the pieces once) and from the core's counters. The RPC
 * metrics and the journal's fsync histogram are registered where those happen ({@code MasterServer}).
 */
public final class MasterMetrics {
  private MasterMetrics() {}

  public static void register(Metrics metrics, Supplier<ClusterView> snapshot, Membership membership) {
    metrics.counter("hiro_master_heartbeats", "Heartbeats received from workers", membership::heartbeatsReceived);
    for (String state : new String[] {"live", "suspect", "dead", "missing"}) {
      metrics.gauge("hiro_master_workers_" + state, "Workers " + state + " now",
          () -> snapshot.get().workers().stream().filter(w -> w.state().equals(state)).count());
    }
    metrics.gauge("hiro_master_files", "Files in the namespace", () -> snapshot.get().fileCount());
    metrics.gauge("hiro_master_stored_bytes", "Bytes of the committed files (before replication)",
        () -> snapshot.get().bytesStored());
    metrics.gauge("hiro_master_pieces", "Pieces of committed files", () -> snapshot.get().pieceCount());
    metrics.gauge("hiro_master_pieces_under_replicated", "Pieces with fewer good live replicas than wanted",
        () -> snapshot.get().underReplicatedPieces());
    metrics.gauge("hiro_master_pieces_last_replica", "Pieces with one good live replica left of two or more wanted",
        () -> snapshot.get().lastReplicaPieces());
    metrics.gauge("hiro_master_pieces_missing", "Pieces with no good live replica",
        () -> snapshot.get().missingPieces());
    metrics.gauge("hiro_master_replication_queue", "Re-replication copies ordered and not yet confirmed",
        () -> snapshot.get().pendingCopies());
    metrics.gauge("hiro_master_safe_mode", "1 while the master waits for workers after a restart",
        () -> snapshot.get().safeMode() ? 1 : 0);
    metrics.gauge("hiro_master_health", "0 OK, 1 DEGRADED, 2 AT RISK",
        () -> ClusterHealth.of(snapshot.get()).level().ordinal());
  }
}
