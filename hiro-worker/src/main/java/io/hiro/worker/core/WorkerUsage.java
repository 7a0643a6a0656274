package io.hiro.worker.core;

import io.hiro.worker.store.DiskSpace;
import io.hiro.worker.store.PieceStore;

/** What a worker tells the master about its space. */
public record WorkerUsage(long capacityBytes, long freeBytes, long usedBytes, int replicaCount) {
  /**
   * Capacity is the configured one, or the disk's size when none was configured (0); free is the
   * disk's usable space, capped by what the capacity leaves.
   */
  public static WorkerUsage measure(PieceStore store, DiskSpace disk, long capacityBytesConfigured) {
    long used = store.usedBytes();
    long capacity = capacityBytesConfigured > 0 ? capacityBytesConfigured : disk.totalBytes();
    long free = Math.max(0, Math.min(disk.usableBytes(), capacity - used));
    return new WorkerUsage(capacity, free, used, store.replicaCount());
  }
}
