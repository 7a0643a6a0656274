package io.hiro.worker.core;

import io.hiro.common.Checks;
import io.hiro.common.PieceId;
import io.hiro.worker.store.CorruptReplicaException;
import io.hiro.worker.store.PieceStore;
import io.hiro.worker.store.ReplicaReader;
import java.util.function.Consumer;

/**
 * Starts reads of replicas: checks the range asked for against what this worker holds. A replica
 * found corrupt while it is read is handed to {@code onCorrupt} (moved aside and reported) before
 * the reader gets DATA_LOSS.
 */
public final class PieceReads {
  private final PieceStore store;
  private final int messageBytes;
  private final Consumer<CorruptReplicaException> onCorrupt;

  /** @param messageBytes bytes of piece data per message ({@link io.hiro.common.Limits#MESSAGE_DATA_BYTES}) */
  public PieceReads(PieceStore store, int messageBytes) {
    this(store, messageBytes, corruption -> {});
  }

  public PieceReads(PieceStore store, int messageBytes, Consumer<CorruptReplicaException> onCorrupt) {
    Checks.check(messageBytes > 0, "message size %d", messageBytes);
    this.store = store;
    this.messageBytes = messageBytes;
    this.onCorrupt = onCorrupt;
  }

  /**
   * Opens {@code lengthBytes} of a replica from {@code offsetBytes} (0: to its end). NOT_FOUND if
   * this worker does not hold the piece, INVALID_ARGUMENT if the range is not inside it.
   */
  public PieceRead open(PieceId pieceId, long offsetBytes, long lengthBytes) {
    Checks.require(offsetBytes >= 0, "piece %s: offset %d is negative", pieceId, offsetBytes);
    Checks.require(lengthBytes >= 0, "piece %s: length %d is negative", pieceId, lengthBytes);
    ReplicaReader reader;
    try {
      reader = store.open(pieceId);
    } catch (CorruptReplicaException e) {
      onCorrupt.accept(e);
      throw e;
    }
    try {
      long pieceBytes = reader.meta().getLength();
      Checks.require(offsetBytes <= pieceBytes,
          "piece %s has %d bytes; offset %d is past its end", pieceId, pieceBytes, offsetBytes);
      long end = lengthBytes == 0 ? pieceBytes : offsetBytes + lengthBytes;
      Checks.require(end <= pieceBytes && end >= offsetBytes,
          "piece %s has %d bytes; %d bytes at offset %d go past its end", pieceId, pieceBytes, lengthBytes, offsetBytes);
      return new PieceRead(reader, offsetBytes, end, messageBytes, onCorrupt);
    } catch (RuntimeException e) {
      reader.close();
      throw e;
    }
  }
}
