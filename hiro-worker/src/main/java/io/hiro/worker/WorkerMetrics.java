package io.hiro.worker;

import io.hiro.common.metrics.Metrics;
import io.hiro.worker.core.Heartbeater;
import io.hiro.worker.core.PieceWrites;
import io.hiro.worker.core.ScrubProgress;
import io.hiro.worker.core.Scrubber;
import io.hiro.worker.core.WorkerUsage;
import io.hiro.worker.store.DiskSpace;
import io.hiro.worker.store.PieceStore;
import java.util.function.Supplier;

/**
 * A worker's own metrics, read at each scrape from its parts; bytes in and out are the RPC metrics
 * ({@link io.hiro.common.metrics.RpcMetrics}): WritePiece received, ReadPiece sent, and the
 * WritePiece calls it makes itself (forwarding, copies).
 */
final class WorkerMetrics {
  private WorkerMetrics() {}

  static void register(Metrics metrics, PieceStore store, DiskSpace disk, Supplier<WorkerUsage> usage,
      Heartbeater heartbeater, PieceWrites writes, Scrubber scrubber) {
    metrics.gauge("hiro_worker_replicas", "Replicas (pieces) stored on this worker", store::replicaCount);
    metrics.gauge("hiro_worker_used_bytes", "Bytes of replicas stored", store::usedBytes);
    metrics.gauge("hiro_worker_free_bytes", "Bytes this worker may still take (capacity, reserve and writes "
        + "in flight counted)", () -> usage.get().freeBytes());
    metrics.gauge("hiro_worker_capacity_bytes", "Bytes this worker may use in all", () -> usage.get().capacityBytes());
    metrics.gauge("hiro_worker_disk_free_bytes", "Free bytes on the disk of the data directory", disk::usableBytes);
    metrics.gauge("hiro_worker_piece_streams", "Incoming piece streams now", writes::streamsInUse);
    metrics.counter("hiro_worker_heartbeats", "Heartbeats the master answered", heartbeater::heartbeatsSent);
    metrics.counter("hiro_worker_heartbeats_failed", "Heartbeats that failed", heartbeater::heartbeatsFailed);
    Supplier<ScrubProgress> scrub = () -> scrubber == null ? new ScrubProgress(0, 0, 0, 0, 0) : scrubber.progress();
    metrics.gauge("hiro_worker_scrub_enabled", "1 if the scrubber runs", () -> scrubber == null ? 0 : 1);
    metrics.counter("hiro_worker_scrub_passes", "Scrub passes finished", () -> scrub.get().passesDone());
    metrics.gauge("hiro_worker_scrub_pass_replicas", "Replicas verified in the current scrub pass",
        () -> scrub.get().replicasChecked());
    metrics.gauge("hiro_worker_scrub_pass_bytes", "Bytes verified in the current scrub pass",
        () -> scrub.get().bytesChecked());
    metrics.counter("hiro_worker_scrub_corrupt_replicas", "Corrupt replicas the scrubber found",
        () -> scrub.get().corruptFoundTotal());
  }
}
