package io.hiro.worker.core;

import io.hiro.common.HiroException;
import io.hiro.common.Limits;
import io.hiro.common.PieceId;
import io.hiro.common.WorkerId;
import io.hiro.proto.DeleteOrder;
import io.hiro.proto.ReplicaMeta;
import io.hiro.worker.store.PieceStore;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Carries out the master's delete orders (from heartbeat answers): a replica is deleted only with a
 * DELETE token for that piece, checked here, before the disk is touched. A machine that answers
 * the worker's heartbeats in the master's place (a wrong {@code --master}, a spoofed address; without
 * TLS nothing else tells it apart) cannot make the worker delete anything.
 *
 * <p>A refused order (no token, malformed, another secret, another piece, another operation,
 * expired) keeps the replica, is not reported as removed, and is logged at WARN naming the piece:
 * the first one at once, then at most one per {@link #REFUSAL_WARN_INTERVAL}, counting those left
 * out, as a forged answer can carry {@link Limits#DELETES_PER_HEARTBEAT_MAX} orders per heartbeat.
 * An answer with more orders than that has the rest ignored. {@link #apply} is called from the
 * heartbeat thread only.
 *
 * <p>Tokens are checked as the orders arrive; the deletes themselves run on a thread of their own
 * ({@link #inBackground}), so that a heartbeat never waits for the disk: unlinking a 64 MiB replica
 * took ~12 ms on the test VM (ext4 mounted with {@code discard}), so one answer of 10,000 orders
 * would hold the heartbeats for two minutes and the master would take the worker for dead. The
 * heartbeat tells the master how many orders still {@link #waiting wait}; it sends fewer.
 *
 * <p>An order deletes the replica that was listed when it arrived, never a newer one: a fresh copy of
 * the piece that lands while the order waits its turn (the master may order one once this worker's
 * next heartbeat has gone) stays. It is reported stored, after the removal if there was one, so that
 * the master counts it even when the report of the removal or a registration would have hidden it.
 */
public final class ReplicaDeletes implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(ReplicaDeletes.class);
  /** At most one WARN about refused deletes per interval. */
  static final Duration REFUSAL_WARN_INTERVAL = Duration.ofMinutes(1);

  private final WorkerId self;
  private final PieceTokenCheck tokens;
  private final PieceStore store;
  private final Consumer<PieceId> removed;
  private final Consumer<ReplicaMeta> stored;
  private final Clock clock;
  private final AtomicLong refused = new AtomicLong();
  /** Pieces with a delete taken and not carried out yet: a registration must not report them as held. */
  private final Set<PieceId> pending = ConcurrentHashMap.newKeySet();
  private final Executor executor;
  /** The thread the deletes run on, or null when they run on the caller's ({@link #apply} returns after them). */
  private final ExecutorService background;
  private long lastWarnMillis = Long.MIN_VALUE;
  private long refusedUnwarned;

  /**
   * Deletes on the caller's thread: {@link #apply} returns once they are done. {@code removed} hears
   * of each replica deleted, {@code stored} of each newer one an order left alone (the worker reports
   * both to the master).
   */
  public ReplicaDeletes(WorkerId self, PieceTokenCheck tokens, PieceStore store, Consumer<PieceId> removed,
      Consumer<ReplicaMeta> stored, Clock clock) {
    this(self, tokens, store, removed, stored, clock, null);
  }

  private ReplicaDeletes(WorkerId self, PieceTokenCheck tokens, PieceStore store, Consumer<PieceId> removed,
      Consumer<ReplicaMeta> stored, Clock clock, ExecutorService background) {
    this.self = self;
    this.tokens = tokens;
    this.store = store;
    this.removed = removed;
    this.stored = stored;
    this.clock = clock;
    this.background = background;
    this.executor = background != null ? background : Runnable::run;
  }

  /** As the constructor, but the deletes run in order on a thread of their own: {@link #apply} returns at once. */
  public static ReplicaDeletes inBackground(WorkerId self, PieceTokenCheck tokens, PieceStore store,
      Consumer<PieceId> removed, Consumer<ReplicaMeta> stored, Clock clock) {
    return new ReplicaDeletes(self, tokens, store, removed, stored, clock,
        Executors.newSingleThreadExecutor(Thread.ofPlatform().daemon().name("replica-deletes-" + self).factory()));
  }

  /** Deletes the replica of each order that carries a valid DELETE token for its piece; keeps the others. */
  public void apply(List<DeleteOrder> orders) {
    for (DeleteOrder order : orders.subList(0, Math.min(orders.size(), Limits.DELETES_PER_HEARTBEAT_MAX))) {
      PieceId pieceId = new PieceId(order.getPieceId());
      try {
        tokens.check(order.getToken().toByteArray(), pieceId, PieceTokenCheck.DELETE);
      } catch (HiroException e) {
        refused(pieceId, e);
        continue;
      }
      ReplicaMeta listed = store.meta(pieceId).orElse(null);
      pending.add(pieceId);
      try {
        executor.execute(() -> delete(pieceId, listed));
      } catch (RejectedExecutionException e) {
        // Closed: the worker is stopping; the replica stays, an orphan the master finds when it registers.
        pending.remove(pieceId);
      }
    }
  }

  /** Deletes {@code listed}, the replica listed when the order came (null: none was). */
  private void delete(PieceId pieceId, ReplicaMeta listed) {
    try {
      boolean deleted = listed != null && store.delete(listed);
      if (deleted || store.meta(pieceId).isEmpty()) {
        LOG.debug("{}: piece {} deleted as the master asked (held: {})", self, pieceId, deleted);
        removed.accept(pieceId);
      } else {
        LOG.info("{}: kept piece {}: its replica was stored again after the master's delete order came, "
            + "so the order was about the one before", self, pieceId);
      }
      // A newer replica (one that landed since, too: its own report may have gone before this removal's).
      store.meta(pieceId).ifPresent(meta -> reportNewer(pieceId, meta));
    } catch (RuntimeException e) {
      LOG.warn("{}: cannot delete piece {}: {}", self, pieceId, e.getMessage());
    } finally {
      pending.remove(pieceId);
    }
  }

  /**
   * Reports a newer replica an order left alone, then checks it is still there: moved aside as
   * corrupt meanwhile (whose report this one would override), it is reported removed.
   */
  private void reportNewer(PieceId pieceId, ReplicaMeta newer) {
    stored.accept(newer);
    if (store.meta(pieceId).isEmpty()) {
      removed.accept(pieceId);
    }
  }

  /**
   * Whether a delete of {@code pieceId} was taken and has not finished: the master already dropped
   * this replica, so a registration must not report it (the master would count it again, and could
   * delete another replica as surplus before this one goes).
   */
  public boolean pending(PieceId pieceId) {
    return pending.contains(pieceId);
  }

  /** Pieces whose delete was taken and has not finished yet (sent with each heartbeat). */
  public int waiting() {
    return pending.size();
  }

  /** Stops the background thread (waiting up to 2 s for a delete under way); orders not carried out yet are dropped. */
  @Override
  public void close() {
    if (background == null) {
      return;
    }
    background.shutdownNow();
    try {
      background.awaitTermination(2, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /** Delete orders refused for their token since the worker started (metrics, tests). */
  public long refusedCount() {
    return refused.get();
  }

  private void refused(PieceId pieceId, HiroException e) {
    refused.incrementAndGet();
    long now = clock.millis();
    if (lastWarnMillis != Long.MIN_VALUE && now - lastWarnMillis < REFUSAL_WARN_INTERVAL.toMillis()) {
      refusedUnwarned++;
      return;
    }
    LOG.warn("{}: refused to delete piece {} and kept its replica: {}. Deletes need the master's token: check that "
        + "--master names this cluster's master ({} other delete orders refused since the last warning; at most one "
        + "warning per {} s)", self, pieceId, e.getMessage(), refusedUnwarned, REFUSAL_WARN_INTERVAL.toSeconds());
    lastWarnMillis = now;
    refusedUnwarned = 0;
  }
}
