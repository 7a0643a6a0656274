package io.hiro.worker.core;

import io.hiro.common.PieceId;
import io.hiro.common.WorkerId;
import io.hiro.proto.ReplicaMeta;
import io.hiro.worker.store.CorruptReplicaException;
import io.hiro.worker.store.PieceStore;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What a worker does with a replica that failed its checksum, wherever that was found (the
 * scrubber, a read, a copy): moves it aside so it is no longer listed or served, logs one WARN,
 * and reports it to the master (which re-copies the piece from a good replica).
 *
 * <p>Invariant: each corrupt replica is reported once, by whoever moved it aside first; a second
 * finding of the same replica (a read racing the scrubber) does nothing.
 */
public final class CorruptReplicas {
  private static final Logger LOG = LoggerFactory.getLogger(CorruptReplicas.class);

  private final WorkerId self;
  private final PieceStore store;
  private final ReplicaReporter reporter;
  private final AtomicLong found = new AtomicLong();

  public CorruptReplicas(WorkerId self, PieceStore store, ReplicaReporter reporter) {
    this.self = self;
    this.store = store;
    this.reporter = reporter;
  }

  /** Moves the replica aside and reports it; true if this call did (false: already handled). */
  public boolean handle(CorruptReplicaException corruption) {
    PieceId pieceId = corruption.pieceId();
    Optional<ReplicaMeta> meta = store.meta(pieceId);
    Optional<String> movedTo;
    try {
      movedTo = store.moveAsideCorrupt(corruption.replica());
    } catch (RuntimeException e) {
      LOG.error("{}: replica of piece {} is corrupt and cannot be moved aside ({}); reporting it anyway",
          self, pieceId, e.getMessage());
      movedTo = Optional.of("(not moved)");
    }
    if (movedTo.isEmpty()) {
      return false;
    }
    found.incrementAndGet();
    LOG.warn("{}: replica of piece {} (file {}) is corrupt at {}; moved aside to {}, no longer served, "
            + "reported to the master", self, pieceId, meta.map(ReplicaMeta::getPath).orElse("?"),
        corruption.block() == CorruptReplicaException.WHOLE_PIECE ? "the piece as a whole" : "block " + corruption.block(),
        movedTo.get());
    reporter.corrupt(pieceId);
    return true;
  }

  /** Corrupt replicas this worker moved aside since it started. */
  public long foundCount() {
    return found.get();
  }
}
