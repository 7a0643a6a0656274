package io.hiro.master.store;

import io.hiro.common.HiroException;
import io.hiro.master.core.Operation;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.function.LongConsumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The append side of the journal: records go to the newest segment file ({@code journal-<first seq>.log}).
 *
 * <p>Group commit without a thread: {@link #append} only encodes a record into memory (the caller
 * holds the master's state lock, so records are in the order the state changed), and
 * {@link #awaitDurable} (called after that lock is released) writes and fsyncs everything pending
 * in one go. While one caller fsyncs (it holds the {@code flushing} turn), the others wait on
 * {@code turn}; when it is done they all wake, those whose record is durable return, and one of the
 * rest takes the turn and writes every pending record with a single fsync.
 *
 * <p>Invariants: {@code durableSeq <= appendedSeq}; records are written in sequence order with no
 * gap; pending records are bounded by the writers waiting (each appends under the state lock, then
 * waits for its record before it appends again); once a write or fsync fails, the journal is failed for good and nothing more is acknowledged
 * (memory may then be ahead of disk, so the master must stop taking changes: see {@link #failed()}).
 */
final class Journal implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(Journal.class);
  private final StoreFiles files;
  /** Guards {@code flushing}; waiters for a turn or for durability wait on it. */
  private final Object turn = new Object();
  private boolean flushing;
  private StoreFiles.Appender segment;
  private List<byte[]> pending = new ArrayList<>();
  private long appendedSeq;
  private volatile long durableSeq;
  private volatile IOException failure;
  private long syncCount;
  private final LongConsumer fsyncNanos;

  private Journal(StoreFiles files, long lastSeq, LongConsumer fsyncNanos) {
    this.files = files;
    this.fsyncNanos = fsyncNanos;
    this.appendedSeq = lastSeq;
    this.durableSeq = lastSeq;
  }

  static String segmentName(long firstSeq) {
    return String.format("journal-%020d.log", firstSeq);
  }

  /** The first sequence number of a segment, from its name, or -1 if the name is not a segment's. */
  static long segmentStart(String name) {
    if (!name.matches("journal-\\d{20}\\.log")) {
      return -1;
    }
    return Long.parseLong(name.substring("journal-".length(), name.length() - ".log".length()));
  }

  /** Opens a new segment after the recovered records ({@code lastSeq} is the last of them). */
  static Journal open(StoreFiles files, long lastSeq) throws IOException {
    return open(files, lastSeq, nanos -> {});
  }

  /** As {@link #open(StoreFiles, long)}; {@code fsyncNanos} is told how long each fsync of records took. */
  static Journal open(StoreFiles files, long lastSeq, LongConsumer fsyncNanos) throws IOException {
    Journal journal = new Journal(files, lastSeq, fsyncNanos);
    journal.startSegment(lastSeq + 1);
    return journal;
  }

  /** Queues an operation as the next record; returns its sequence number. Caller holds the state lock. */
  synchronized long append(Operation operation) {
    if (failure != null) {
      throw failed();
    }
    long seq = appendedSeq + 1;
    byte[] record = RecordFormat.encode(OperationCodec.encode(seq, operation).toByteArray());
    pending.add(record);
    appendedSeq = seq;
    return seq;
  }

  synchronized long appendedSeq() {
    return appendedSeq;
  }

  long durableSeq() {
    return durableSeq;
  }

  /** How many fsyncs of records so far (for tests of group commit). */
  long syncCount() {
    synchronized (turn) {
      return syncCount;
    }
  }

  boolean isFailed() {
    return failure != null;
  }

  /** Returns once record {@code seq} is on disk; throws UNAVAILABLE if the journal cannot be written. */
  void awaitDurable(long seq) {
    if (durableSeq >= seq) {
      return; // durable before any later failure: the change is committed
    }
    boolean interrupted = false;
    try {
      if (takeTurnUnlessDurable(seq)) {
        interrupted = Thread.interrupted();
        try {
          flush();
        } finally {
          endTurn();
        }
      }
    } finally {
      if (interrupted) {
        Thread.currentThread().interrupt();
      }
    }
  }

  /**
   * Waits until record {@code seq} is durable (false) or no one else flushes (true: the turn is ours).
   * A caller that gets the turn must clear the interrupt flag while it flushes (and restore it after):
   * a file channel written by an interrupted thread is closed for good, which would fail the journal.
   */
  private boolean takeTurnUnlessDurable(long seq) {
    boolean interrupted = false;
    try {
      synchronized (turn) {
        while (true) {
          if (durableSeq >= seq) {
            return false; // checked first: a record made durable before a later failure is committed
          }
          if (failure != null) {
            throw failed();
          }
          if (!flushing) {
            flushing = true;
            return true;
          }
          try {
            turn.wait();
          } catch (InterruptedException e) {
            interrupted = true; // an acknowledged change must not be abandoned half-way: finish, then re-interrupt
          }
        }
      }
    } finally {
      if (interrupted) {
        Thread.currentThread().interrupt();
      }
    }
  }

  private void endTurn() {
    synchronized (turn) {
      flushing = false;
      turn.notifyAll();
    }
  }

  /** Closes the current segment and starts a new one, so that a checkpoint can later drop the old one. */
  void roll() {
    takeTurnUnlessDurable(Long.MAX_VALUE);
    boolean interrupted = Thread.interrupted();
    try {
      flush();
      try {
        segment.close();
        startSegment(durableSeq + 1);
      } catch (IOException e) {
        throw fail(e);
      }
    } finally {
      endTurn();
      if (interrupted) {
        Thread.currentThread().interrupt();
      }
    }
  }

  /** Writes and fsyncs every pending record. Caller has the turn. */
  private void flush() {
    List<byte[]> batch;
    long last;
    synchronized (this) {
      batch = pending;
      last = appendedSeq;
      pending = new ArrayList<>();
    }
    if (batch.isEmpty()) {
      return;
    }
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    batch.forEach(bytes::writeBytes);
    try {
      segment.write(bytes.toByteArray());
      long started = System.nanoTime();
      segment.force();
      fsyncNanos.accept(System.nanoTime() - started);
    } catch (IOException e) {
      throw fail(e);
    }
    synchronized (turn) {
      syncCount++;
      durableSeq = last;
    }
  }

  private void startSegment(long firstSeq) throws IOException {
    segment = files.append(segmentName(firstSeq));
    // The new name must be durable before any record in it is acknowledged.
    files.syncDirectory();
  }

  /** Deletes the segments that hold only records up to {@code seq} (a checkpoint covers them). */
  void dropSegmentsThrough(long seq) throws IOException {
    List<Long> starts = files.list().stream().map(Journal::segmentStart).filter(s -> s >= 0).sorted().toList();
    int dropped = 0;
    for (int i = 0; i + 1 < starts.size(); i++) {
      if (starts.get(i + 1) <= seq + 1) {
        files.delete(segmentName(starts.get(i)));
        dropped++;
      }
    }
    if (dropped > 0) {
      files.syncDirectory();
      LOG.debug("master: dropped {} journal segments covered by checkpoint {}", dropped, seq);
    }
  }

  private HiroException fail(IOException e) {
    if (failure == null) { // only the one with the turn gets here
      failure = e;
      LOG.error("master: cannot write the journal ({}); refusing every change from now on. Free disk space or fix "
          + "the disk, then restart the master: it recovers every acknowledged change from the journal", e.toString());
    }
    return failed();
  }

  HiroException failed() {
    return HiroException.unavailable("the master cannot write its journal (%s) and takes no changes; "
        + "restart it once its disk is fixed", failure == null ? "closed" : failure.getMessage());
  }

  @Override
  public void close() throws IOException {
    try {
      takeTurnUnlessDurable(Long.MAX_VALUE);
    } catch (HiroException alreadyFailed) {
      segment.close();
      return;
    }
    boolean interrupted = Thread.interrupted();
    try {
      flush();
      failure = new IOException("journal closed");
      segment.close();
    } finally {
      endTurn();
      if (interrupted) {
        Thread.currentThread().interrupt();
      }
    }
  }
}
