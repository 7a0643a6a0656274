package io.hiro.master.store;

import com.google.protobuf.CodedOutputStream;
import io.hiro.common.Checks;
import io.hiro.proto.Checkpoint;
import io.hiro.proto.CheckpointEntry;
import io.hiro.proto.JournalUpload;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;

/**
 * Encodes a checkpoint as it is made, entry by entry, into the bytes of one {@link Checkpoint}
 * message, with no message object for the whole state: those took ~650 bytes of heap per file on
 * top of the state's own ~230 (a master of a million files needed ~1.4 GiB of heap to take one) and
 * held the state's read lock, and so every change, for 1-2.6 s (session 46). The bytes are the ones
 * {@code Checkpoint.toByteArray()} gives for the same fields, so a checkpoint file is read back as
 * one message, as before. Fields go in the message's order: the entries, then the open uploads,
 * then the known workers.
 */
public final class CheckpointWriter {
  private static final int SEQ = Checkpoint.SEQ_FIELD_NUMBER;
  private static final int ENTRIES = Checkpoint.ENTRIES_FIELD_NUMBER;
  private static final int UPLOADS = Checkpoint.UPLOADS_FIELD_NUMBER;
  private static final int KNOWN_WORKER_IDS = Checkpoint.KNOWN_WORKER_IDS_FIELD_NUMBER;

  private final long seq;
  private final Bytes bytes;
  private final CodedOutputStream out;
  private int field = SEQ;
  private int entries;
  private int uploads;

  public CheckpointWriter(long seq) {
    this(seq, 0);
  }

  /**
   * A writer whose buffer starts at {@code expectedBytes} (the last checkpoint's size and a little
   * more), so that a large one is not copied as it grows.
   */
  public CheckpointWriter(long seq, long expectedBytes) {
    this.seq = seq;
    this.bytes = new Bytes(Math.clamp(expectedBytes, 1 << 20, Checkpoints.CHECKPOINT_BYTES_MAX));
    this.out = CodedOutputStream.newInstance(bytes, 64 * 1024);
    if (seq != 0) { // proto3 leaves a field at its default out, as toByteArray does
      write(() -> out.writeUInt64(SEQ, seq));
    }
  }

  /** The next directory or file; parents before their children, the root first. */
  public void entry(CheckpointEntry entry) {
    next(ENTRIES);
    write(() -> out.writeMessage(ENTRIES, entry));
    entries++;
  }

  public void upload(JournalUpload upload) {
    next(UPLOADS);
    write(() -> out.writeMessage(UPLOADS, upload));
    uploads++;
  }

  public void knownWorker(String workerId) {
    next(KNOWN_WORKER_IDS);
    write(() -> out.writeString(KNOWN_WORKER_IDS, workerId));
  }

  /** The checkpoint's bytes; the writer takes nothing more. */
  public Encoded finish() {
    write(out::flush);
    field = Integer.MAX_VALUE;
    return new Encoded(seq, entries, uploads, bytes.array(), bytes.size());
  }

  private void next(int nextField) {
    Checks.check(nextField >= field, "checkpoint field %d written after field %d", nextField, field);
    field = nextField;
  }

  private interface Write {
    void run() throws IOException;
  }

  private static void write(Write write) {
    try {
      write.run();
    } catch (IOException e) {
      throw new UncheckedIOException(e); // an in-memory stream does not fail
    }
  }

  /** A checkpoint's message bytes: {@code array[0, length)}. */
  public record Encoded(long seq, int entries, int uploads, byte[] array, int length) {
    /** The message itself (tests, and callers that want to look inside). */
    public Checkpoint parse() {
      try {
        return Checkpoint.parser().parseFrom(array, 0, length);
      } catch (IOException e) {
        throw new IllegalStateException("a checkpoint this master encoded does not parse", e);
      }
    }
  }

  /** A byte stream whose array is handed out as it is, not copied. */
  private static final class Bytes extends ByteArrayOutputStream {
    Bytes(int capacity) {
      super(capacity);
    }

    byte[] array() {
      return buf;
    }

    @Override
    public void write(int b) {
      room(1);
      super.write(b);
    }

    @Override
    public void write(byte[] bytes, int offset, int length) {
      room(length);
      super.write(bytes, offset, length);
    }

    /** Past the bound a record can hold the array could not grow: fail the checkpoint, to be retried. */
    private void room(int more) {
      if ((long) count + more > Checkpoints.CHECKPOINT_BYTES_MAX) {
        throw new IllegalStateException("the checkpoint is above the limit of " + Checkpoints.CHECKPOINT_BYTES_MAX
            + " bytes (a checkpoint is one record); the journal keeps every change, but it grows");
      }
    }
  }
}
