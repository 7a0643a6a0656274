package io.hiro.worker.core;

import io.hiro.common.HiroException;
import io.hiro.common.PieceId;
import io.hiro.common.WorkerId;
import io.hiro.proto.CopyOrder;
import io.hiro.proto.FailedCopy;
import io.hiro.proto.ReplicaMeta;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Carries out the master's copy orders (re-replication): streams this worker's replica of a piece
 * to the target worker, as a piece with no downstream, at most {@link #COPIES_AT_ONCE_MAX} at once
 * and all together under the copy bandwidth. Success needs no report (the target reports the new
 * replica); a failure is reported with its reason so the master can order the copy elsewhere.
 *
 * <p>Invariants: an order for a copy already waiting or running is ignored; at most
 * {@link #COPY_ORDERS_WAITING_MAX} orders wait, more are reported failed at once; a source replica
 * found corrupt while it is read is moved aside and reported, and the copy reported failed.
 */
public final class ReplicaCopier implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(ReplicaCopier.class);
  /** Copies running at once on one worker (the master bounds what it orders, too). */
  public static final int COPIES_AT_ONCE_MAX = 4;
  /** Copy orders waiting for a free slot; more are refused as failed. */
  public static final int COPY_ORDERS_WAITING_MAX = 1_000;
  /** Longest reason sent to the master for a failed copy. */
  public static final int FAILURE_REASON_LENGTH_MAX = 500;

  private final WorkerId self;
  private final ReplicaCopy copy;
  private final ReplicaReporter reporter;
  private final ThreadPoolExecutor executor;
  private final Set<CopyKey> pending = ConcurrentHashMap.newKeySet();
  private final AtomicLong done = new AtomicLong();
  private final AtomicLong failed = new AtomicLong();

  private record CopyKey(PieceId pieceId, String targetWorkerId) {}

  public ReplicaCopier(WorkerId self, ReplicaCopy copy, ReplicaReporter reporter) {
    this.self = self;
    this.copy = copy;
    this.reporter = reporter;
    this.executor = new ThreadPoolExecutor(COPIES_AT_ONCE_MAX, COPIES_AT_ONCE_MAX, 0, TimeUnit.MILLISECONDS,
        new ArrayBlockingQueue<>(COPY_ORDERS_WAITING_MAX),
        Thread.ofPlatform().daemon().name("replica-copy-" + self + "-", 0).factory());
  }

  /** Queues the orders of a heartbeat answer; returns at once. */
  public void order(List<CopyOrder> orders) {
    for (CopyOrder order : orders) {
      CopyKey key = new CopyKey(new PieceId(order.getPieceId()), order.getTarget().getWorkerId());
      if (!pending.add(key)) {
        LOG.debug("{}: copy of piece {} to {} already under way; ignoring the repeated order",
            self, key.pieceId(), key.targetWorkerId());
        continue;
      }
      try {
        executor.execute(() -> run(key, order));
      } catch (RejectedExecutionException e) {
        pending.remove(key);
        fail(order, "worker " + self + " has " + COPY_ORDERS_WAITING_MAX + " copies waiting already; order it later");
      }
    }
  }

  private void run(CopyKey key, CopyOrder order) {
    try {
      ReplicaMeta meta = copy.run(order);
      done.incrementAndGet();
      LOG.info("{}: copied piece {} ({} bytes) to worker {}", self, key.pieceId(), meta.getLength(),
          key.targetWorkerId());
    } catch (HiroException e) {
      fail(order, e.code() + ": " + e.getMessage());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      fail(order, "worker " + self + " is stopping");
    } catch (RuntimeException e) {
      LOG.error("{}: copy of piece {} to worker {} failed unexpectedly", self, key.pieceId(), key.targetWorkerId(), e);
      fail(order, "INTERNAL: " + e);
    } finally {
      pending.remove(key);
    }
  }

  private void fail(CopyOrder order, String reason) {
    failed.incrementAndGet();
    PieceId pieceId = new PieceId(order.getPieceId());
    String target = order.getTarget().getWorkerId();
    LOG.warn("{}: copy of piece {} to worker {} ({}) failed: {}", self, pieceId, target,
        order.getTarget().getAddress(), reason);
    reporter.copyFailed(FailedCopy.newBuilder().setPieceId(order.getPieceId()).setTargetWorkerId(target)
        .setReason(reason.length() <= FAILURE_REASON_LENGTH_MAX ? reason
            : reason.substring(0, FAILURE_REASON_LENGTH_MAX))
        .build());
  }

  /** Copies waiting or running now. */
  public int pendingCount() {
    return pending.size();
  }

  public long doneCount() {
    return done.get();
  }

  public long failedCount() {
    return failed.get();
  }

  /** Stops at once: running copies are cut (their targets drop the partial piece). */
  @Override
  public void close() {
    executor.shutdownNow();
    try {
      executor.awaitTermination(2, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
