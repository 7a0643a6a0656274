package io.hiro.worker.core;

import io.hiro.proto.PieceData;
import io.hiro.worker.store.CorruptReplicaException;
import io.hiro.worker.store.ReplicaReader;
import java.util.function.Consumer;

/**
 * A range of one replica, handed out one message at a time so a slow reader never makes the
 * whole piece sit in memory. Every message's bytes were verified against the block checksums.
 * A message's bytes are valid until the next {@link #next} or {@link #close}, as
 * {@link ReplicaReader#readTransient} says: for a server stream only. One thread at a time.
 */
public final class PieceRead implements AutoCloseable {
  private final ReplicaReader reader;
  private final long endBytes;
  private final int messageBytes;
  private final Consumer<CorruptReplicaException> onCorrupt;
  private long nextOffsetBytes;
  /** Whether a message was read since the last {@link #sweep}; a new read is not idle at its first. */
  private boolean readSinceSweep = true;

  PieceRead(ReplicaReader reader, long offsetBytes, long endBytes, int messageBytes,
      Consumer<CorruptReplicaException> onCorrupt) {
    this.reader = reader;
    this.onCorrupt = onCorrupt;
    this.nextOffsetBytes = offsetBytes;
    this.endBytes = endBytes;
    this.messageBytes = messageBytes;
  }

  public boolean hasMore() {
    return nextOffsetBytes < endBytes;
  }

  /**
   * The next message, valid until the next {@link #next} or {@link #close}; DATA_LOSS if its bytes
   * fail their checksum on disk.
   */
  public PieceData next() {
    int length = (int) Math.min(messageBytes, endBytes - nextOffsetBytes);
    ReplicaReader.Checksummed read;
    try {
      read = reader.readTransient(nextOffsetBytes, length);
    } catch (CorruptReplicaException e) {
      onCorrupt.accept(e);
      throw e;
    }
    PieceData data = PieceData.newBuilder()
        .setOffset(nextOffsetBytes)
        .setData(read.bytes())
        .setCrc32C(read.crc32c())
        .build();
    nextOffsetBytes += length;
    readSinceSweep = true;
    return data;
  }

  /**
   * Called now and then (each second on a worker): a read that gave no message since the last call
   * is waiting for its receiver, and lets go of the array its messages are read into (a message's
   * blocks) until it goes on. Returns whether it was idle.
   */
  public boolean sweep() {
    boolean idle = !readSinceSweep;
    readSinceSweep = false;
    if (idle) {
      reader.releaseKept();
    }
    return idle;
  }

  @Override
  public void close() {
    reader.close();
  }
}
