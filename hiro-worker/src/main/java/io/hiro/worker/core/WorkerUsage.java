package io.hiro.worker.core;

import io.hiro.worker.store.DiskSpace;
import io.hiro.worker.store.PieceStore;

/** What a worker tells the master about its space. */
public record WorkerUsage(long capacityBytes, long freeBytes, long usedBytes, int replicaCount) {
  /** Most of the disk kept free of replicas, so the OS and logs never find it full: 256 MiB ... */
  public static final long DISK_RESERVE_BYTES_MAX = 256L * 1024 * 1024;
  /** ... or 1% of the disk when that is less (small disks, tests). */
  public static final int DISK_RESERVE_PERCENT = 1;

  /**
   * Capacity is the configured one, or the disk's size when none was configured (0); free is the
   * disk's usable space less the reserve, capped by what the capacity leaves. A worker whose used
   * bytes reach its capacity has none free.
   */
  public static WorkerUsage measure(PieceStore store, DiskSpace disk, long capacityBytesConfigured) {
    long used = store.usedBytes();
    long total = disk.totalBytes();
    long capacity = capacityBytesConfigured > 0 ? capacityBytesConfigured : total;
    long reserve = Math.min(DISK_RESERVE_BYTES_MAX, total / 100 * DISK_RESERVE_PERCENT);
    long free = Math.max(0, Math.min(disk.usableBytes() - reserve, capacity - used));
    return new WorkerUsage(capacity, free, used, store.replicaCount());
  }

  /** The same usage with {@code promisedBytes} (writes in flight) no longer free. */
  public WorkerUsage lessFree(long promisedBytes) {
    return new WorkerUsage(capacityBytes, Math.max(0, freeBytes - promisedBytes), usedBytes, replicaCount);
  }
}
