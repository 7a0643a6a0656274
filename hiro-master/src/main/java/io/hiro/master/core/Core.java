package io.hiro.master.core;

import io.hiro.common.HiroException;
import io.hiro.common.WorkerId;
import io.hiro.common.security.PieceTokens;
import io.hiro.master.config.MasterConfig;
import io.hiro.master.store.CheckpointReader;
import io.hiro.master.store.CheckpointWriter;
import io.hiro.master.store.MasterStore;
import java.io.IOException;
import java.time.InstantSource;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.ReentrantReadWriteLock;
import java.util.function.BiConsumer;
import java.util.function.LongSupplier;
import java.util.function.Supplier;
import java.util.random.RandomGenerator;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What the master's facades ({@link Master}, {@link Uploads}, {@link Membership}) share: the
 * settings, the clock and randomness handed in, the two tables and the one lock around them.
 * One read-write lock is the simplest correct approach: writes are short and in memory; reads
 * (Stat, List, report) share it.
 *
 * <p>Durability (when built with a {@link MasterStore}): every operation is applied and appended
 * to the journal under the write lock, and {@link #write} returns only once its records are
 * fsynced, waiting outside the lock so that concurrent changes share one fsync. A master whose
 * journal failed takes no more changes. Without a store (unit tests) the state lives in memory only.
 *
 * <p>Safe mode: after a restart with prior state, until every known worker registered again or
 * the grace passed, {@link #inSafeMode} is true and no replica may be deleted or re-replicated.
 */
final class Core {
  private static final Logger LOG = LoggerFactory.getLogger(Core.class);

  final MasterConfig config;
  final InstantSource clock;
  final RandomGenerator random;
  final MasterState state;
  final Cluster cluster;
  final TokenIssuer tokens;
  /** What a person watching the cluster wants to know happened; not journaled. */
  final ClusterEvents events = new ClusterEvents();
  private final ReentrantReadWriteLock lock = new ReentrantReadWriteLock();
  private final MasterStore store;
  private final AtomicBoolean safeMode = new AtomicBoolean();
  private final long safeModeEndMillis;
  private final Set<WorkerId> safeModeWaitsFor;
  private int workersJournaled;

  Core(MasterConfig config, InstantSource clock, RandomGenerator random, MasterStore store, PieceTokens tokens) {
    this.config = config;
    this.tokens = new TokenIssuer(tokens);
    this.clock = clock;
    this.random = random;
    this.cluster = new Cluster(config.deadAfterMillis(), config.heartbeatIntervalMillis(), events);
    this.store = store;
    this.state = store == null ? new MasterState() : recover(store);
    this.safeModeWaitsFor = Set.copyOf(state.knownWorkers());
    this.safeModeEndMillis = clock.millis() + config.safeModeGrace().toMillis();
    this.workersJournaled = 0;
    // Nothing to wait for on a fresh directory, with no known worker, or with no grace at all.
    if (store != null && store.hadPriorState() && !safeModeWaitsFor.isEmpty() && !config.safeModeGrace().isZero()) {
      safeMode.set(true);
      LOG.info("master: in safe mode: no replica is deleted or re-replicated until the {} known workers register "
          + "or {} ms pass", safeModeWaitsFor.size(), config.safeModeGrace().toMillis());
    }
  }

  private MasterState recover(MasterStore store) {
    long started = System.nanoTime();
    CheckpointReader checkpoint = store.recoveredCheckpoint();
    MasterState recovered = checkpoint == null ? new MasterState() : MasterState.fromCheckpoint(checkpoint);
    long seq = checkpoint == null ? 0 : checkpoint.seq();
    for (Operation operation : store.recoveredOperations()) {
      seq++;
      try {
        recovered.apply(operation).dropped().forEach(cluster::drop);
      } catch (RuntimeException e) {
        throw HiroException.dataLoss("journal record %d (%s) cannot be replayed: %s. The master will not start; "
            + "keep a copy of its data directory and report it", seq, operation.getClass().getSimpleName(),
            e.getMessage());
      }
    }
    try {
      store.startJournal();
    } catch (IOException e) {
      throw HiroException.unavailable("cannot open the journal in %s: %s", config.dataDir(), e.getMessage());
    }
    store.attach(this::snapshot);
    long[] files = {0};
    Namespace.forEachFile(recovered.namespace().root(), file -> files[0]++);
    LOG.info("master: state recovered from checkpoint {} and {} journal records in {} ms: {} files, {} directories, "
            + "{} open uploads, {} known workers", checkpoint == null ? "none" : checkpoint.seq(),
        store.recoveredOperations().size(), (System.nanoTime() - started) / 1_000_000, files[0],
        Namespace.countDirectories(recovered.namespace().root()) - 1, recovered.uploads().size(),
        recovered.knownWorkers().size());
    return recovered;
  }

  /** Writes the journaled state as a checkpoint after the last appended record into {@code sink}; takes the read lock. */
  private CheckpointWriter.Written snapshot(CheckpointWriter.Sink sink) {
    return writeCheckpoint(sink, store::appendedSeq);
  }

  /**
   * Writes the state into {@code sink} as a checkpoint after journal record {@code seq} (read under
   * the lock), under the read lock, without waiting for the journal: a checkpoint makes its records
   * durable first.
   */
  CheckpointWriter.Written writeCheckpoint(CheckpointWriter.Sink sink, LongSupplier seq) {
    lock.readLock().lock();
    try {
      return state.writeCheckpoint(new CheckpointWriter(seq.getAsLong(), sink));
    } finally {
      lock.readLock().unlock();
    }
  }

  long nowMillis() {
    return clock.millis();
  }

  /**
   * True while the master, after a restart, waits for the workers it knew to register: no replica
   * deletion or re-replication decision is made then. Leaves safe mode (once, logged) when every
   * known worker registered or the grace passed. Caller holds the lock (read or write).
   *
   * <p>A master whose journal failed is in safe mode for good: records it appended may never become
   * durable, so nothing they decided (deletes above all) may reach a worker.
   */
  boolean inSafeMode(long nowMillis) {
    if (store != null && store.isFailed()) {
      return true;
    }
    if (!safeMode.get()) {
      return false;
    }
    boolean allRegistered = cluster.workers().keySet().containsAll(safeModeWaitsFor);
    if (!allRegistered && nowMillis < safeModeEndMillis) {
      return true;
    }
    if (safeMode.compareAndSet(true, false)) {
      String why;
      if (allRegistered) {
        why = "all " + safeModeWaitsFor.size() + " known workers registered";
      } else {
        Set<WorkerId> missing = new TreeSet<>(safeModeWaitsFor);
        missing.removeAll(cluster.workers().keySet());
        why = "the grace of " + config.safeModeGrace().toMillis() + " ms passed with " + missing.size()
            + " known workers still missing: " + missing;
      }
      LOG.info("master: left safe mode: {}", why);
      events.add(nowMillis, ClusterEvents.SAFE_MODE_LEFT, null, null, "left safe mode: " + why);
    }
    return false;
  }

  /** How much longer safe mode lasts at most; 0 when not in safe mode. Caller holds the lock. */
  long safeModeRemainingMillis(long nowMillis) {
    return inSafeMode(nowMillis) ? safeModeEndMillis - nowMillis : 0;
  }

  /**
   * Runs a change under the write lock; with a store, returns only once every record appended so
   * far is durable — this call's and those of earlier calls still waiting for their fsync — so that
   * nothing this call hands out (deletes in a heartbeat reply, say) runs ahead of the journal. Throws
   * UNAVAILABLE, unacknowledged, if this call's records cannot be made durable. Calls that append
   * nothing (heartbeats; reports, through {@link #writeAnsweringNothing}) keep working after a
   * journal failure: then {@link #inSafeMode} holds back every delete and copy.
   */
  <T> T write(Supplier<T> action) {
    return write(action, Await.EVERYTHING_APPENDED);
  }

  /**
   * As {@link #write(Supplier)}, but returns without waiting for the journal: for a change that
   * promises its caller nothing a crash could take back. An opened upload is one: its commit waits
   * for every record before its own, this one included, so one fsync covers both; if the master
   * dies first, the commit fails (nothing was acknowledged) and the pieces already sent become
   * orphans, deleted after the orphan grace. Piece ids are random 64-bit numbers, so a restarted
   * master does not hand the lost ones out again.
   */
  <T> T writeDurableLater(Supplier<T> action) {
    return write(action, Await.NOTHING);
  }

  /**
   * As {@link #write(Supplier)}, for a change whose answer shows its caller nothing of the state: a
   * worker's replica report, answered with an empty message. It waits only for records it appended
   * itself (none, as a rule: which worker holds what is not journaled), not for those of other
   * changes still waiting for their fsync, which its caller cannot have seen. Waiting for them made
   * each report that came while a put's upload was open cost the journal an fsync of its own, ahead of
   * the commit's (docs/BENCHMARKS.md, session 44).
   */
  <T> T writeAnsweringNothing(Supplier<T> action) {
    return write(action, Await.OWN_RECORDS);
  }

  /** What a change's answer waits for. */
  private enum Await {
    /** Every record appended so far: the answer may show what earlier changes made. */
    EVERYTHING_APPENDED,
    /** Only the change's own records: its answer shows nothing of the state. */
    OWN_RECORDS,
    /** Nothing: a later change's wait covers its records ({@link #writeDurableLater}). */
    NOTHING;

    /** Whether an answer must wait for the journal, given what the change appended. */
    boolean waits(boolean appendedAny, boolean journalFailed) {
      return switch (this) {
        case EVERYTHING_APPENDED -> appendedAny || !journalFailed;
        case OWN_RECORDS -> appendedAny;
        case NOTHING -> false;
      };
    }
  }

  private <T> T write(Supplier<T> action, Await await) {
    lock.writeLock().lock();
    Applied<T> applied = applyAndUnlock(action);
    if (applied.failure() != null) {
      throw applied.failure();
    }
    if (store != null) {
      if (await.waits(applied.appended() > applied.before(), store.isFailed())) {
        store.awaitDurable(applied.appended());
      }
      long now = nowMillis();
      if (store.checkpointDue(now)) {
        store.checkpoint(now);
      }
    }
    return applied.result();
  }

  /** What a change returned or threw, and the journal's last record before and after it. */
  private record Applied<T>(T result, RuntimeException failure, long before, long appended) {}

  /** Runs a change under the write lock the caller took, and releases it. */
  private <T> Applied<T> applyAndUnlock(Supplier<T> action) {
    try {
      long before = store == null ? 0 : store.appendedSeq();
      T result = null;
      RuntimeException failure = null;
      try {
        result = action.get();
      } catch (RuntimeException e) {
        failure = e;
      } finally {
        journalNewWorkers();
        inSafeMode(nowMillis());
      }
      return new Applied<>(result, failure, before, store == null ? 0 : store.appendedSeq());
    } finally {
      lock.writeLock().unlock();
    }
  }

  /**
   * As {@link #write(Supplier)}, for a caller that must not block (a network thread): runs the
   * change at once if the write lock is free, and hands {@code then} its result once its records
   * (and every record before them) are durable, or the failure, never both. {@code then} runs on
   * this thread if that needs no wait (the change failed, or nothing is left to fsync), else on the
   * journal's callback thread; it must not block. Returns false, having run nothing, when the lock
   * is taken: the caller then writes where it may wait. A checkpoint that falls due runs on a
   * virtual thread of its own.
   */
  <T> boolean writeIfReady(Supplier<T> action, BiConsumer<T, RuntimeException> then) {
    return writeIfReady(action, Await.EVERYTHING_APPENDED, then);
  }

  /**
   * As {@link #writeIfReady(Supplier, BiConsumer)}, for a change whose answer shows nothing of the
   * state ({@link #writeAnsweringNothing}): {@code then} runs at once on this thread unless the
   * change appended records of its own.
   */
  <T> boolean writeAnsweringNothingIfReady(Supplier<T> action, BiConsumer<T, RuntimeException> then) {
    return writeIfReady(action, Await.OWN_RECORDS, then);
  }

  private <T> boolean writeIfReady(Supplier<T> action, Await await, BiConsumer<T, RuntimeException> then) {
    if (!lock.writeLock().tryLock()) {
      return false;
    }
    Applied<T> applied = applyAndUnlock(action);
    if (applied.failure() != null) {
      then.accept(null, applied.failure()); // as write() throws it: at once, unacknowledged
      return true;
    }
    if (store == null || !await.waits(applied.appended() > applied.before(), store.isFailed())) {
      then.accept(applied.result(), null);
      return true;
    }
    store.whenDurable(applied.appended(),
        journalFailure -> then.accept(journalFailure == null ? applied.result() : null, journalFailure));
    checkpointInBackgroundIfDue();
    return true;
  }

  /**
   * As {@link #writeDurableLater}, for a caller that must not block (a network thread): runs the
   * change at once if the write lock is free and returns its result, or throws its failure; empty,
   * having run nothing, when the lock is taken: the caller then writes where it may wait.
   */
  <T> Optional<T> writeDurableLaterIfReady(Supplier<T> action) {
    if (!lock.writeLock().tryLock()) {
      return Optional.empty();
    }
    Applied<T> applied = applyAndUnlock(action);
    if (applied.failure() != null) {
      throw applied.failure();
    }
    if (store != null) {
      checkpointInBackgroundIfDue();
    }
    return Optional.of(applied.result());
  }

  /** Starts a checkpoint on a virtual thread of its own if one is due and none is running. */
  private void checkpointInBackgroundIfDue() {
    long now = nowMillis();
    if (store.checkpointDue(now) && !store.checkpointRunning()) {
      Thread.ofVirtual().name("checkpoint").start(() -> store.checkpoint(now));
    }
  }

  /**
   * Runs a read under the read lock; with a store, returns only once what it may have seen is
   * durable, so that no client is shown a change a crash could still take back.
   */
  <T> T read(Supplier<T> action) {
    lock.readLock().lock();
    Seen<T> seen = readAndUnlock(action);
    if (store != null && !store.isFailed()) {
      store.awaitDurable(seen.appended());
    }
    return seen.result();
  }

  /**
   * As {@link #read}, for a caller that must not block (a network thread): the result, or empty
   * when it would have to wait, for the lock (a change holds it or is first in line for it) or for
   * the journal to make durable a change the result may show, or when {@code action} returns null.
   * The caller then reads again where it may wait.
   */
  <T> Optional<T> readIfReady(Supplier<T> action) {
    if (!tryReadLock()) {
      return Optional.empty();
    }
    Seen<T> seen = readAndUnlock(action);
    if (store != null && !store.isFailed() && store.durableSeq() < seen.appended()) {
      return Optional.empty();
    }
    return Optional.ofNullable(seen.result());
  }

  /** What a read returned, and the last journal record it may have seen. */
  private record Seen<T>(T result, long appended) {}

  /** Runs {@code action} under the read lock the caller took, and releases it. */
  private <T> Seen<T> readAndUnlock(Supplier<T> action) {
    try {
      return new Seen<>(action.get(), store == null ? 0 : store.appendedSeq());
    } finally {
      lock.readLock().unlock();
    }
  }

  /**
   * The read lock if it is free now. Unlike {@code tryLock()}, which takes it ahead of a change
   * waiting for the write lock, this queues behind such a change, so a flood of reads on the network
   * threads cannot starve the changes.
   */
  private boolean tryReadLock() {
    try {
      return lock.readLock().tryLock(0, TimeUnit.NANOSECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    }
  }

  /** Applies an operation, journals it, and acts on what it dropped (queues replica deletes). Caller holds the write lock. */
  MasterState.Applied apply(Operation operation) {
    if (store != null) {
      store.checkWritable(); // a master whose journal failed takes no more changes
    }
    MasterState.Applied applied = state.apply(operation);
    if (store != null) {
      store.append(operation);
    }
    applied.dropped().forEach(cluster::drop);
    return applied;
  }

  /** Journals the first registration of each worker (Membership adds it to the cluster). Caller holds the write lock. */
  private void journalNewWorkers() {
    if (cluster.workers().size() == workersJournaled) {
      return;
    }
    List<WorkerId> joined = cluster.workers().keySet().stream()
        .filter(id -> !state.knownWorkers().contains(id)).toList();
    joined.forEach(id -> apply(new Operation.WorkerJoined(id)));
    workersJournaled = cluster.workers().size();
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
