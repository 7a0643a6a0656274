package io.hiro.worker.core;

import io.hiro.common.Checks;
import io.hiro.common.Crc32c;
import io.hiro.common.ErrorCode;
import io.hiro.common.HiroException;
import io.hiro.common.Limits;
import io.hiro.common.PieceId;
import io.hiro.common.Sizes;
import io.hiro.common.WorkerId;
import io.hiro.proto.ReplicaMeta;
import io.hiro.worker.store.BlockChecksums;
import io.hiro.worker.store.CorruptReplicaException;
import io.hiro.worker.store.PieceStore;
import io.hiro.worker.store.ReplicaReader;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Re-reads every replica of the worker at a bounded rate, the newest first, verifying every block's
 * CRC32C and the whole piece's against its metadata, so bits that rot on the disk are found before a
 * reader needs them; then waits the interval and starts the next pass. The first pass starts with
 * the worker. A corrupt replica is handed to
 * {@link CorruptReplicas} (moved aside, reported).
 *
 * <p>Invariants: all reads go through the throttle, so the bytes verified over any pass stay under
 * {@code bytesPerSecond}; a replica deleted while it is checked is skipped, not reported; one INFO
 * line ends each pass.
 */
public final class Scrubber implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(Scrubber.class);
  /**
   * The order of a pass: the replicas stored last first. After a power loss they are the likeliest
   * to be torn (a spare whose footer reached the disk and not all its blocks: its fsync never
   * finished, so it was never acknowledged, yet it is listed at start), and a worker starts a pass
   * as it starts: such a replica is found within minutes, not whenever the pass reaches it.
   */
  static final Comparator<ReplicaMeta> NEWEST_FIRST =
      Comparator.comparingLong(ReplicaMeta::getStoredAtMillis).reversed();
  /** Bytes read (and throttled) at a time: whole blocks, as a read message. */
  public static final int READ_BYTES = Limits.MESSAGE_DATA_BYTES;

  private final WorkerId self;
  private final PieceStore store;
  private final CorruptReplicas corrupt;
  private final Throttle throttle;
  private final Duration interval;
  private final Clock clock;
  private final Sleeper sleeper;
  private final Thread thread;
  private volatile boolean closed;
  private long passesDone;
  private long replicasChecked;
  private long bytesChecked;
  private long corruptFound;
  private long corruptFoundTotal;

  public Scrubber(WorkerId self, PieceStore store, CorruptReplicas corrupt, long bytesPerSecond, Duration interval,
      Clock clock, Sleeper sleeper) {
    Checks.check(READ_BYTES % BlockChecksums.BLOCK_BYTES == 0, "read size %d", READ_BYTES);
    this.self = self;
    this.store = store;
    this.corrupt = corrupt;
    this.throttle = new Throttle(bytesPerSecond, clock, sleeper);
    this.interval = interval;
    this.clock = clock;
    this.sleeper = sleeper;
    this.thread = Thread.ofPlatform().daemon().name("scrubber-" + self).unstarted(this::run);
  }

  public void start() {
    thread.start();
  }

  private void run() {
    try {
      while (!closed) {
        runPass();
        sleeper.sleep(interval);
      }
    } catch (InterruptedException e) {
      LOG.debug("{}: scrubber stopped", self);
    }
  }

  /** One pass over every replica held when it starts, the newest first ({@link #NEWEST_FIRST}). */
  public void runPass() throws InterruptedException {
    Instant start = clock.instant();
    synchronized (this) {
      replicasChecked = 0;
      bytesChecked = 0;
      corruptFound = 0;
    }
    List<ReplicaMeta> replicas = new ArrayList<>(store.replicas());
    replicas.sort(NEWEST_FIRST);
    for (ReplicaMeta meta : replicas) {
      if (closed) {
        return;
      }
      check(new PieceId(meta.getPieceId()));
    }
    ScrubProgress done = progressAfterPass();
    Duration took = Duration.between(start, clock.instant());
    LOG.info("{}: scrub pass {} done in {} ms: {} replicas, {} checked, {} corrupt; next pass in {} ms", self,
        done.passesDone(), took.toMillis(), done.replicasChecked(), Sizes.format(done.bytesChecked()),
        done.corruptFound(), interval.toMillis());
  }

  private synchronized ScrubProgress progressAfterPass() {
    passesDone++;
    return progress();
  }

  private void check(PieceId pieceId) throws InterruptedException {
    try (ReplicaReader reader = store.open(pieceId)) {
      ReplicaMeta meta = reader.meta();
      int whole = 0;
      for (long offset = 0; offset < meta.getLength(); ) {
        int length = (int) Math.min(READ_BYTES, meta.getLength() - offset);
        throttle.take(length);
        whole = Crc32c.combine(whole, reader.readTransient(offset, length).crc32c(), length);
        offset += length;
        counted(0, length);
      }
      if (whole != meta.getCrc32C()) {
        throw new CorruptReplicaException(meta, CorruptReplicaException.WHOLE_PIECE, String.format(
            "piece %s has CRC32C %s, its metadata says %s", pieceId, Crc32c.hex(whole), Crc32c.hex(meta.getCrc32C())));
      }
      counted(1, 0);
    } catch (CorruptReplicaException e) {
      if (corrupt.handle(e)) {
        synchronized (this) {
          corruptFound++;
          corruptFoundTotal++;
        }
      }
    } catch (HiroException e) {
      if (e.code() != ErrorCode.NOT_FOUND && !closed) {
        LOG.warn("{}: scrubber cannot read piece {}: {}", self, pieceId, e.getMessage());
      }
    }
  }

  private synchronized void counted(long replicas, long bytes) {
    replicasChecked += replicas;
    bytesChecked += bytes;
  }

  public synchronized ScrubProgress progress() {
    return new ScrubProgress(passesDone, replicasChecked, bytesChecked, corruptFound, corruptFoundTotal);
  }

  @Override
  public void close() {
    closed = true;
    thread.interrupt();
    try {
      thread.join(Duration.ofSeconds(2));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
