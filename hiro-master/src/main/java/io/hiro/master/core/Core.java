package io.hiro.master.core;

import io.hiro.master.config.MasterConfig;
import java.time.InstantSource;
import java.util.Set;
import java.util.concurrent.locks.ReentrantReadWriteLock;
import java.util.function.Supplier;
import java.util.random.RandomGenerator;

/**
 * What the master's facades ({@link Master}, {@link Uploads}, {@link Membership}) share: the
 * settings, the clock and randomness handed in, the two tables and the one lock around them.
 * One read-write lock is the simplest correct approach: writes are short and in memory; reads
 * (Stat, List, report) share it.
 */
final class Core {
  final MasterConfig config;
  final InstantSource clock;
  final RandomGenerator random;
  final MasterState state = new MasterState();
  final Cluster cluster;
  private final ReentrantReadWriteLock lock = new ReentrantReadWriteLock();

  Core(MasterConfig config, InstantSource clock, RandomGenerator random) {
    this.config = config;
    this.clock = clock;
    this.random = random;
    this.cluster = new Cluster(config.deadAfterMillis());
  }

  long nowMillis() {
    return clock.millis();
  }

  /**
   * True while the master, after a restart, waits for the workers it knew to report: no replica
   * deletion or re-replication decision is made then. (Filled in with the journal.)
   */
  boolean inSafeMode(long nowMillis) {
    return false;
  }

  /** How much longer safe mode lasts at most; 0 when not in safe mode. */
  long safeModeRemainingMillis(long nowMillis) {
    return 0;
  }

  <T> T write(Supplier<T> action) {
    lock.writeLock().lock();
    try {
      return action.get();
    } finally {
      lock.writeLock().unlock();
    }
  }

  <T> T read(Supplier<T> action) {
    lock.readLock().lock();
    try {
      return action.get();
    } finally {
      lock.readLock().unlock();
    }
  }

  /** Applies an operation and acts on what it dropped (queues replica deletes). Caller holds the write lock. */
  MasterState.Applied apply(Operation operation) {
    MasterState.Applied applied = state.apply(operation);
    applied.dropped().forEach(cluster::drop);
    return applied;
  }

  /** A random non-zero piece id owned by nothing, not recently dropped and not in {@code taken}. */
  long freshPieceId(Set<Long> taken) {
    while (true) {
      long id = random.nextLong();
      if (id != 0 && state.ownerOf(id) == null && !cluster.deletes.recentlyDropped(id) && !taken.contains(id)) {
        return id;
      }
    }
  }

  long freshUploadId() {
    while (true) {
      long id = random.nextLong();
      if (id != 0 && !state.uploads().containsKey(id)) {
        return id;
      }
    }
  }
}
