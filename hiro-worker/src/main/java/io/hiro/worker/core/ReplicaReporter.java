package io.hiro.worker.core;

import io.hiro.common.PieceId;
import io.hiro.common.WorkerId;
import io.hiro.proto.FailedCopy;
import io.hiro.proto.ReplicaMeta;
import io.hiro.proto.ReplicaReport;
import io.hiro.proto.ReportReplicasRequest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Tells the master about replicas stored, removed and found corrupt since the last report, and
 * copy orders that failed, in batches, from a background thread: promptly (as soon as there is
 * something, then at most one report per {@link #LINGER}, so a stream of small pieces costs the
 * master one call per batch rather than one per piece) and again after a failure, until the
 * master got them.
 *
 * <p>Invariants: a piece is pending as stored or as removed, never both, and as stored or as
 * corrupt, never both (the newer fact wins); at most {@link #PENDING_MAX} facts wait (more are
 * dropped with a WARN: the next registration's full report covers stored and removed ones, and a
 * failed copy the master does not hear of times out there).
 */
public final class ReplicaReporter implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(ReplicaReporter.class);
  public static final int PENDING_MAX = 1_000_000;
  public static final int BATCH_MAX = 10_000;
  private static final Duration RETRY_MIN = Duration.ofMillis(100);
  private static final Duration RETRY_MAX = Duration.ofSeconds(5);
  /** Least time between two reports while facts keep coming (a full batch goes at once). */
  static final Duration LINGER = Duration.ofMillis(50);

  private final WorkerId self;
  private final MasterLink master;
  private final Map<PieceId, ReplicaReport> stored = new LinkedHashMap<>();
  private final Set<PieceId> removed = new LinkedHashSet<>();
  private final Set<PieceId> corrupt = new LinkedHashSet<>();
  private final List<FailedCopy> failedCopies = new ArrayList<>();
  private final Pause pause = new Pause();
  private final Thread thread;
  private boolean failing;

  public ReplicaReporter(WorkerId self, MasterLink master) {
    this.self = self;
    this.master = master;
    this.thread = Thread.ofPlatform().daemon().name("replica-reporter-" + self).unstarted(this::run);
  }

  public void start() {
    thread.start();
  }

  public void stored(ReplicaMeta meta) {
    stored(ReplicaReport.newBuilder()
        .setPieceId(meta.getPieceId()).setLength(meta.getLength()).setCrc32C(meta.getCrc32C()).build());
  }

  public void stored(ReplicaReport report) {
    PieceId pieceId = new PieceId(report.getPieceId());
    synchronized (this) {
      removed.remove(pieceId);
      corrupt.remove(pieceId);
      if (hasRoom("stored", pieceId)) {
        stored.put(pieceId, report);
      }
    }
    pause.wake();
  }

  public void removed(PieceId pieceId) {
    synchronized (this) {
      stored.remove(pieceId);
      if (hasRoom("removed", pieceId)) {
        removed.add(pieceId);
      }
    }
    pause.wake();
  }

  /** This worker found its replica corrupt and no longer serves it. */
  public void corrupt(PieceId pieceId) {
    synchronized (this) {
      stored.remove(pieceId);
      if (hasRoom("corrupt", pieceId)) {
        corrupt.add(pieceId);
      }
    }
    pause.wake();
  }

  /** A copy order failed; the master may order it elsewhere. */
  public void copyFailed(FailedCopy failure) {
    synchronized (this) {
      if (hasRoom("failed copy", new PieceId(failure.getPieceId()))) {
        failedCopies.add(failure);
      }
    }
    pause.wake();
  }

  /** True if one more report fits; else logs the one dropped (the next full report at registration has it). */
  private boolean hasRoom(String what, PieceId pieceId) {
    if (pendingCount() < PENDING_MAX) {
      return true;
    }
    LOG.warn("{}: {} replica reports wait for the master already; dropping the report of piece {} ({})", self,
        PENDING_MAX, pieceId, what);
    return false;
  }

  /** Facts not yet accepted by the master. */
  public synchronized int pendingCount() {
    return stored.size() + removed.size() + corrupt.size() + failedCopies.size();
  }

  private void run() {
    Duration retry = RETRY_MIN;
    while (!pause.isClosed()) {
      ReportReplicasRequest batch = takeBatch();
      if (batch == null) {
        pause.await(Duration.ofSeconds(1));
        continue;
      }
      try {
        master.reportReplicas(batch);
        retry = RETRY_MIN;
        if (failing) {
          LOG.info("{}: replica reports reach master {} again", self, master.describe());
          failing = false;
        }
        if (pendingCount() < BATCH_MAX) {
          pause.sleep(LINGER);
        }
      } catch (RuntimeException e) {
        putBack(batch);
        if (!failing) {
          LOG.warn("{}: cannot report replicas to master {} ({}); retrying", self, master.describe(), e.getMessage());
          failing = true;
        }
        pause.await(retry);
        retry = Pause.doubled(retry, RETRY_MAX);
      }
    }
  }

  private synchronized ReportReplicasRequest takeBatch() {
    if (pendingCount() == 0) {
      return null;
    }
    ReportReplicasRequest.Builder batch = ReportReplicasRequest.newBuilder().setWorkerId(self.value());
    List<PieceId> taken = new ArrayList<>();
    for (Iterator<ReplicaReport> it = stored.values().iterator(); it.hasNext() && taken.size() < BATCH_MAX; ) {
      ReplicaReport report = it.next();
      batch.addStored(report);
      taken.add(new PieceId(report.getPieceId()));
      it.remove();
    }
    for (Iterator<PieceId> it = removed.iterator(); it.hasNext() && taken.size() < BATCH_MAX; ) {
      PieceId pieceId = it.next();
      batch.addRemovedPieceIds(pieceId.value());
      taken.add(pieceId);
      it.remove();
    }
    for (Iterator<PieceId> it = corrupt.iterator(); it.hasNext() && taken.size() < BATCH_MAX; ) {
      PieceId pieceId = it.next();
      batch.addCorruptPieceIds(pieceId.value());
      taken.add(pieceId);
      it.remove();
    }
    int failures = Math.min(failedCopies.size(), BATCH_MAX - taken.size());
    batch.addAllFailedCopies(failedCopies.subList(0, failures));
    failedCopies.subList(0, failures).clear();
    return batch.build();
  }

  /** A failed batch waits again, unless a newer fact about the same piece arrived meanwhile. */
  private synchronized void putBack(ReportReplicasRequest batch) {
    for (ReplicaReport report : batch.getStoredList()) {
      PieceId pieceId = new PieceId(report.getPieceId());
      if (!removed.contains(pieceId)) {
        stored.putIfAbsent(pieceId, report);
      }
    }
    for (long id : batch.getRemovedPieceIdsList()) {
      PieceId pieceId = new PieceId(id);
      if (!stored.containsKey(pieceId)) {
        removed.add(pieceId);
      }
    }
    for (long id : batch.getCorruptPieceIdsList()) {
      PieceId pieceId = new PieceId(id);
      if (!stored.containsKey(pieceId)) {
        corrupt.add(pieceId);
      }
    }
    failedCopies.addAll(0, batch.getFailedCopiesList());
  }

  @Override
  public void close() {
    pause.stop(thread);
  }
}
