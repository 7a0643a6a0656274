package io.hiro.master.store;

import io.hiro.proto.Checkpoint;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/**
 * A checkpoint file's bytes in memory, as {@link Checkpoints} writes them (each record's header,
 * then its payload): a sink for a {@link CheckpointWriter}, and readers of such bytes.
 */
public final class CheckpointBytes implements CheckpointWriter.Sink {
  private final ByteArrayOutputStream file = new ByteArrayOutputStream();
  private final List<Integer> recordEnds = new ArrayList<>();

  @Override
  public void record(byte[] payload, int length) {
    file.writeBytes(RecordFormat.header(payload, length, RecordFormat.RECORD_BYTES_MAX));
    file.write(payload, 0, length);
    recordEnds.add(file.size());
  }

  /** The file's bytes. */
  public byte[] file() {
    return file.toByteArray();
  }

  /** Where each record ends in {@link #file()}, in order. */
  public List<Integer> recordEnds() {
    return List.copyOf(recordEnds);
  }

  /** The records' payloads, concatenated. */
  public byte[] payloads() {
    ByteArrayOutputStream message = new ByteArrayOutputStream();
    RecordFormat.scan(file(), Checkpoints.CHECKPOINT_BYTES_MAX).entries().forEach(e -> message.writeBytes(e.payload()));
    return message.toByteArray();
  }

  /** The message the records' payloads make. */
  public Checkpoint message() throws IOException {
    return Checkpoint.parseFrom(payloads());
  }

  /** A reader of a checkpoint file's bytes, as a master's start reads them from its disk. */
  public static CheckpointReader reader(byte[] file) throws IOException {
    return CheckpointReader.of(() -> new RecordFormat.Reader(new ByteArrayInputStream(file),
        Checkpoints.CHECKPOINT_BYTES_MAX));
  }

  /** A checkpoint file as masters before session 47 wrote it: one record holding the whole message. */
  public static byte[] oneRecord(byte[] message) {
    return RecordFormat.encode(message, Checkpoints.CHECKPOINT_BYTES_MAX);
  }
}
