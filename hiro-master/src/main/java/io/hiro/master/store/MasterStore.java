package io.hiro.master.store;

import com.google.protobuf.InvalidProtocolBufferException;
import io.hiro.common.HiroException;
import io.hiro.master.core.Operation;
import io.hiro.proto.Checkpoint;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.function.LongConsumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The master's durable state in its data directory: checkpoints and the journal after them.
 * {@link #open} reads what is there ({@link #recovered()}); the core applies it, then journals
 * every change with {@link #append} and {@link #awaitDurable}, and checkpoints when
 * {@link #checkpointDue} says so.
 *
 * <p>Files: {@code checkpoint-<seq>.ckpt} (the tables after record {@code seq}; the two newest are
 * kept) and {@code journal-<first seq>.log} (records in order; a segment is dropped once the older
 * kept checkpoint covers it).
 */
public final class MasterStore implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(MasterStore.class);
  /** Wait after a failed checkpoint before the next attempt; it doubles with each failure in a row. */
  static final long CHECKPOINT_RETRY_MILLIS_MIN = 60_000;
  /** The longest wait between checkpoint attempts while they keep failing. */
  static final long CHECKPOINT_RETRY_MILLIS_MAX = 30 * 60_000;
  /**
   * How long {@link #close} waits for a checkpoint being written to finish: within the 30 s that
   * deploy/hiro-master.service gives a stop, after the server's own 5 s. A checkpoint cut short
   * loses nothing (the journal keeps every change); it is made again at the next start.
   */
  static final long CLOSE_CHECKPOINT_WAIT_MILLIS = 20_000;

  private final StoreFiles files;
  private final Checkpoints checkpoints;
  private final Recovery.Result recovered;
  private final long checkpointEveryOperations;
  private final long checkpointIntervalMillis;
  /** Held while a checkpoint is written. */
  private final ReentrantLock checkpointing = new ReentrantLock();
  /** Set when {@link #close} begins; a checkpoint reads it under {@link #checkpointing}, so none starts after. */
  private volatile boolean closed;
  private volatile long checkpointSeq;
  private volatile long checkpointMillis;
  /** No checkpoint is attempted before this time (0 unless the last attempt failed). */
  private volatile long checkpointRetryAtMillis;
  /** The wait after the last failed checkpoint (0 if the last one succeeded). */
  private volatile long checkpointRetryMillis;
  private final LongConsumer fsyncNanos;
  private Journal journal;
  private DurableCallbacks callbacks;
  private Function<CheckpointWriter.Sink, CheckpointWriter.Written> snapshot;

  private MasterStore(StoreFiles files, Recovery.Result recovered, long checkpointEveryOperations,
      long checkpointIntervalMillis, long nowMillis, LongConsumer fsyncNanos) {
    this.files = files;
    this.fsyncNanos = fsyncNanos;
    this.checkpoints = new Checkpoints(files);
    this.recovered = recovered;
    this.checkpointEveryOperations = checkpointEveryOperations;
    this.checkpointIntervalMillis = checkpointIntervalMillis;
    this.checkpointSeq = recovered.checkpoint() == null ? 0 : recovered.checkpoint().seq();
    this.checkpointMillis = nowMillis;
  }

  /**
   * Reads the newest valid checkpoint and the journal after it, cutting a torn last record.
   * Throws DATA_LOSS (with the file and byte offset) if a record in the middle is damaged.
   */
  public static MasterStore open(StoreFiles files, long checkpointEveryOperations, long checkpointIntervalMillis,
      long nowMillis) throws IOException {
    return open(files, checkpointEveryOperations, checkpointIntervalMillis, nowMillis, nanos -> {});
  }

  /** As {@link #open(StoreFiles, long, long, long)}; {@code fsyncNanos} is told how long each journal fsync took. */
  public static MasterStore open(StoreFiles files, long checkpointEveryOperations, long checkpointIntervalMillis,
      long nowMillis, LongConsumer fsyncNanos) throws IOException {
    Recovery.Result recovered = Recovery.read(files, new Checkpoints(files));
    return new MasterStore(files, recovered, checkpointEveryOperations, checkpointIntervalMillis, nowMillis,
        fsyncNanos);
  }

  /** The checkpoint read (null if none) and the operations after it, in order. */
  public CheckpointReader recoveredCheckpoint() {
    return recovered.checkpoint();
  }

  public List<Operation> recoveredOperations() {
    return recovered.operations();
  }

  /** True if the directory held a checkpoint or journal records: the master ran here before. */
  public boolean hadPriorState() {
    return recovered.checkpoint() != null || !recovered.operations().isEmpty();
  }

  /** Starts journaling after the recovered records. Call once the core has applied them. */
  public void startJournal() throws IOException {
    journal = Journal.open(files, recovered.lastSeq(), fsyncNanos);
    callbacks = new DurableCallbacks(journal);
  }

  /**
   * Where checkpoints come from: writes a snapshot of the state as of {@link #appendedSeq()} when it
   * runs into a sink (the core takes its lock for it, and reads the seq under it). Set once, after
   * {@link #startJournal()}.
   */
  public void attach(Function<CheckpointWriter.Sink, CheckpointWriter.Written> source) {
    this.snapshot = source;
  }

  /** For tests: checkpoints in records of about {@code bytes}, so that a small state makes several. */
  void checkpointRecordBytes(int bytes) {
    checkpoints.recordBytes(bytes);
  }

  /** A snapshot of the state now, as a checkpoint would hold it, without the format's own fields. */
  public Checkpoint snapshot() {
    ByteArrayOutputStream message = new ByteArrayOutputStream(); // the records' payloads, concatenated
    snapshot.apply((payload, length) -> message.write(payload, 0, length));
    try {
      return Checkpoint.parseFrom(message.toByteArray()).toBuilder().clearFormat().clearTotals().build();
    } catch (InvalidProtocolBufferException e) {
      throw new IllegalStateException("a checkpoint this master wrote does not parse", e);
    }
  }

  /** Queues an operation as the next journal record. Caller holds the state lock; returns its seq. */
  public long append(Operation operation) {
    return journal.append(operation);
  }

  /** Returns once record {@code seq} is durable; throws UNAVAILABLE if the journal cannot be written. */
  public void awaitDurable(long seq) {
    journal.awaitDurable(seq);
  }

  /**
   * For a caller that must not wait: runs {@code then} once record {@code seq} is durable, with
   * null, or with the UNAVAILABLE failure that kept it from being so. It runs on this thread if the
   * record is durable already, else on the journal's callback thread, where it must not block.
   */
  public void whenDurable(long seq, Consumer<HiroException> then) {
    callbacks.whenDurable(seq, then);
  }

  public long appendedSeq() {
    return journal.appendedSeq();
  }

  /** The last record on disk: a change up to it survives a crash. */
  public long durableSeq() {
    return journal.durableSeq();
  }

  public boolean isFailed() {
    return journal.isFailed();
  }

  /** Throws the journal's UNAVAILABLE error if it failed: no change may be made then. */
  public void checkWritable() {
    if (journal.isFailed()) {
      throw journal.failed();
    }
  }

  public long syncCount() {
    return journal.syncCount();
  }

  /**
   * True if enough operations or enough time (with at least one operation) passed since the last
   * checkpoint, and the back-off after a failed one (if any) is over.
   */
  public boolean checkpointDue(long nowMillis) {
    if (nowMillis < checkpointRetryAtMillis) {
      return false;
    }
    long operations = journal.durableSeq() - checkpointSeq;
    return operations >= checkpointEveryOperations
        || (operations > 0 && nowMillis - checkpointMillis >= checkpointIntervalMillis);
  }

  /** True while a checkpoint is being written. */
  public boolean checkpointRunning() {
    return checkpointing.isLocked();
  }

  /**
   * Writes a checkpoint of the state now and drops the journal it covers. At most one runs at a
   * time; a second caller returns false at once, as does any caller once the store is closing. A failed
   * checkpoint is logged (WARN) and retried after a back-off. The snapshot is taken under the read
   * lock (changes wait for that: ~0.4 s at a million files), its records handed to a thread that
   * writes them to the temp file meanwhile; the fsync, the rename and the journal's wait do not
   * block changes.
   */
  public boolean checkpoint(long nowMillis) {
    if (!checkpointing.tryLock()) {
      return false;
    }
    try {
      if (closed) {
        return false;
      }
      long started = System.nanoTime();
      try (PendingCheckpoint pending = checkpoints.begin()) {
        CheckpointWriter.Written checkpoint = snapshot.apply(pending);
        long snapshotNanos = System.nanoTime() - started;
        // The temp file whole and durable first: a checkpoint that failed to write leaves the journal as it is.
        pending.finish();
        // The records the snapshot covers must be durable before the checkpoint replaces them.
        journal.awaitDurable(checkpoint.seq());
        journal.roll();
        long oldestKept = checkpoints.commit(pending, checkpoint.seq());
        journal.dropSegmentsThrough(oldestKept);
        checkpointSeq = checkpoint.seq();
        checkpointMillis = nowMillis;
        checkpointRetryMillis = 0;
        checkpointRetryAtMillis = 0;
        LOG.info("master: checkpoint {} written ({} entries, {} uploads, {} bytes in {} records) in {} ms, {} ms of "
                + "them taking the snapshot (changes wait for that)", checkpoint.seq(), checkpoint.entries(),
            checkpoint.uploads(), checkpoint.bytes(), checkpoint.records(), (System.nanoTime() - started) / 1_000_000,
            snapshotNanos / 1_000_000);
        return true;
      }
    } catch (IOException | RuntimeException e) {
      backOff(nowMillis, e);
      return false;
    } finally {
      checkpointing.unlock();
    }
  }

  /** Puts off the next checkpoint attempt: a minute, doubling with each failure in a row up to a cap. */
  private void backOff(long nowMillis, Exception failure) {
    long retryMillis = checkpointRetryMillis == 0 ? CHECKPOINT_RETRY_MILLIS_MIN
        : Math.min(checkpointRetryMillis * 2, CHECKPOINT_RETRY_MILLIS_MAX);
    checkpointRetryMillis = retryMillis;
    checkpointRetryAtMillis = nowMillis + retryMillis;
    LOG.warn("master: checkpoint failed ({}); the journal keeps every change, so nothing is lost, but it grows "
        + "and restarts take longer. Next attempt in {} s", failure.toString(), retryMillis / 1000);
  }

  /**
   * Closes the journal. No checkpoint starts once this begins, and one being written (on a thread
   * of its own: the core starts them in the background) is let finish first, up to {@link
   * #CLOSE_CHECKPOINT_WAIT_MILLIS}: with the journal closed under it, one still waiting for its
   * records to be durable or rolling the journal would fail, and the next start would have the
   * journal it was to replace to read again.
   */
  @Override
  public void close() throws IOException {
    closed = true;
    if (!awaitNoCheckpoint()) {
      LOG.warn("master: closing while a checkpoint is still being written; it will fail, and the journal "
          + "keeps every change, so nothing is lost");
    }
    if (callbacks != null) {
      callbacks.close();
    }
    if (journal != null) {
      journal.close();
    }
  }

  /**
   * Waits up to {@link #CLOSE_CHECKPOINT_WAIT_MILLIS} until no checkpoint is being written; true if
   * none is. An interrupt does not cut the wait short (a stopping master is often interrupted); it
   * is kept for the caller.
   */
  private boolean awaitNoCheckpoint() {
    long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(CLOSE_CHECKPOINT_WAIT_MILLIS);
    boolean interrupted = Thread.interrupted();
    try {
      while (true) {
        try {
          if (checkpointing.tryLock(deadline - System.nanoTime(), TimeUnit.NANOSECONDS)) {
            checkpointing.unlock();
            return true;
          }
          return false;
        } catch (InterruptedException e) {
          interrupted = true;
        }
      }
    } finally {
      if (interrupted) {
        Thread.currentThread().interrupt();
      }
    }
  }
}
