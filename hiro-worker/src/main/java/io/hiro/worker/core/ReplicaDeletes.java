package io.hiro.worker.core;

import io.hiro.common.HiroException;
import io.hiro.common.Limits;
import io.hiro.common.PieceId;
import io.hiro.common.WorkerId;
import io.hiro.proto.DeleteOrder;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
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
 * An answer with more orders than that has the rest ignored. Called from the heartbeat thread only.
 */
public final class ReplicaDeletes {
  private static final Logger LOG = LoggerFactory.getLogger(ReplicaDeletes.class);
  /** At most one WARN about refused deletes per interval. */
  static final Duration REFUSAL_WARN_INTERVAL = Duration.ofMinutes(1);

  /** Deletes one replica; false if it was not here. */
  @FunctionalInterface
  public interface ReplicaDeleter {
    boolean delete(PieceId pieceId);
  }

  private final WorkerId self;
  private final PieceTokenCheck tokens;
  private final ReplicaDeleter deleter;
  private final Consumer<PieceId> removed;
  private final Clock clock;
  private final AtomicLong refused = new AtomicLong();
  private long lastWarnMillis = Long.MIN_VALUE;
  private long refusedUnwarned;

  /** {@code removed} hears of each replica deleted (the worker reports it to the master). */
  public ReplicaDeletes(WorkerId self, PieceTokenCheck tokens, ReplicaDeleter deleter, Consumer<PieceId> removed,
      Clock clock) {
    this.self = self;
    this.tokens = tokens;
    this.deleter = deleter;
    this.removed = removed;
    this.clock = clock;
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
      try {
        boolean held = deleter.delete(pieceId);
        LOG.debug("{}: piece {} deleted as the master asked (held: {})", self, pieceId, held);
        removed.accept(pieceId);
      } catch (HiroException e) {
        LOG.warn("{}: cannot delete piece {}: {}", self, pieceId, e.getMessage());
      }
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
