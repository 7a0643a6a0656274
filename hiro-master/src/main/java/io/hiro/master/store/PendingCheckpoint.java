package io.hiro.master.store;

import java.io.Closeable;
import java.io.IOException;
import java.util.Arrays;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * A checkpoint being written into its temp file. Its records are made by the state's walk, under
 * the state's read lock; a thread of its own writes them, so that the walk, and with it every
 * change, does not wait for the disk, unless {@link #QUEUED_RECORDS_MAX} records (~64 MiB of heap)
 * already wait for it: a disk that falls that far behind holds the walk until it catches up,
 * rather than let the checkpoint take the heap. Nothing is fsynced until {@link #finish}. Closing
 * one that was not committed drops what is queued and deletes the temp file, so that a disk that
 * is full for a while does not fill up with them.
 */
public final class PendingCheckpoint implements CheckpointWriter.Sink, Closeable {
  static final int QUEUED_RECORDS_MAX = 64;
  private static final byte[] END = new byte[0];
  /** How often a wait for room in the queue checks that the writer still runs. */
  private static final long WRITER_CHECK_MILLIS = 100;

  private final StoreFiles files;
  private final String name;
  private final StoreFiles.Appender out;
  private final int recordBytes;
  private final BlockingQueue<byte[]> queue = new ArrayBlockingQueue<>(QUEUED_RECORDS_MAX);
  private final Thread writer;
  /** The writer's first failure, of any kind; it writes nothing after one, and goes on taking records. */
  private volatile Throwable failure;
  /** Set by the writer when it takes {@link #END}: every record before it was taken. */
  private volatile boolean writerEnded;
  /** Set when the checkpoint is given up: the writer drops what it takes. */
  private volatile boolean abandoned;
  private boolean ended;
  private boolean open = true;
  private boolean committed;

  /** Starts an empty temp file {@code name}, replacing any left over. */
  public PendingCheckpoint(StoreFiles files, String name) throws IOException {
    this(files, name, CheckpointWriter.RECORD_BYTES);
  }

  /** As {@link #PendingCheckpoint(StoreFiles, String)}, asking for records of about {@code recordBytes}. */
  PendingCheckpoint(StoreFiles files, String name, int recordBytes) throws IOException {
    this.files = files;
    this.name = name;
    this.recordBytes = recordBytes;
    files.delete(name);
    this.out = files.append(name);
    try {
      this.writer = Thread.ofPlatform().daemon().name("hiro-checkpoint-writer").start(this::writeRecords);
    } catch (Throwable e) { // no thread (out of memory or of threads): nothing is left behind
      open = false;
      try {
        out.close();
        files.delete(name);
      } catch (IOException | RuntimeException suppressed) {
        e.addSuppressed(suppressed);
      }
      throw e;
    }
  }

  String name() {
    return name;
  }

  @Override
  public int recordBytes() {
    return recordBytes;
  }

  /** Queues a copy of the record for the writer; throws if writing one before failed. */
  @Override
  public void record(byte[] payload, int length) throws IOException {
    throwIfFailed();
    put(Arrays.copyOf(payload, length));
  }

  private void writeRecords() {
    while (true) {
      byte[] record;
      try {
        record = queue.take();
      } catch (InterruptedException e) {
        continue; // only this class ends the writer: by END
      }
      if (record == END) {
        writerEnded = true;
        return;
      }
      if (failure == null && !abandoned) {
        try {
          out.write(RecordFormat.header(record, record.length, Checkpoints.CHECKPOINT_BYTES_MAX));
          out.write(record);
        } catch (Throwable e) { // an Error too: a writer that died unseen would leave a file short of records
          failure = e;
        }
      }
    }
  }

  /**
   * Once every record is written: makes the file's bytes durable and closes it. Throws if any
   * record was not written, before anything else is done with the checkpoint.
   */
  public void finish() throws IOException {
    endWrites();
    throwIfFailed();
    if (!writerEnded) {
      throw new IOException("the checkpoint's writer ended before its last record");
    }
    out.force();
    closeFile();
  }

  /** After {@link #finish}, once the temp file has its checkpoint's name: closing no longer deletes it. */
  void committed() {
    committed = true;
  }

  @Override
  public void close() throws IOException {
    if (committed) {
      return;
    }
    abandoned = true;
    queue.clear();
    try {
      endWrites();
      closeFile();
    } finally {
      files.delete(name);
    }
  }

  /** Lets the writer take what is queued, and waits for it to end. */
  private void endWrites() throws IOException {
    if (ended) {
      return;
    }
    ended = true;
    put(END);
    boolean interrupted = false;
    while (writer.isAlive()) {
      try {
        writer.join();
      } catch (InterruptedException e) {
        interrupted = true; // a checkpoint being closed still waits for its writer: it owns the file
      }
    }
    if (interrupted) {
      Thread.currentThread().interrupt();
    }
  }

  /**
   * Queues {@code record}, waiting while the queue is full, and throws if the writer no longer runs
   * to make room. An interrupt is kept for later.
   */
  private void put(byte[] record) throws IOException {
    boolean interrupted = false;
    try {
      while (true) {
        try {
          if (queue.offer(record, WRITER_CHECK_MILLIS, TimeUnit.MILLISECONDS)) {
            return;
          }
          if (!writer.isAlive()) {
            throw new IOException("the checkpoint's writer ended before its last record");
          }
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

  private void throwIfFailed() throws IOException {
    Throwable e = failure;
    if (e != null) {
      throw new IOException("writing the checkpoint's temp file failed: " + e, e);
    }
  }

  private void closeFile() throws IOException {
    if (open) {
      open = false;
      out.close();
    }
  }
}
