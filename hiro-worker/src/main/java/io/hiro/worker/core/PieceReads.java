package io.hiro.worker.core;

import io.hiro.common.Checks;
import io.hiro.common.HiroException;
import io.hiro.common.PieceId;
import io.hiro.worker.store.CorruptReplicaException;
import io.hiro.worker.store.PieceStore;
import io.hiro.worker.store.ReplicaReader;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Starts reads of replicas: checks the piece token first (PERMISSION_DENIED without a READ token
 * from the master for that piece, before the disk is touched), then the range asked for against what
 * this worker holds. A replica found corrupt while it is read is handed to {@code onCorrupt} (moved
 * aside and reported) before the reader gets DATA_LOSS.
 */
public final class PieceReads {
  private static final Logger LOG = LoggerFactory.getLogger(PieceReads.class);

  private final PieceTokenCheck tokens;
  private final PieceStore store;
  private final int messageBytes;
  private final Consumer<CorruptReplicaException> onCorrupt;

  /** @param messageBytes bytes of piece data per message ({@link io.hiro.common.Limits#MESSAGE_DATA_BYTES}) */
  public PieceReads(PieceTokenCheck tokens, PieceStore store, int messageBytes) {
    this(tokens, store, messageBytes, corruption -> {});
  }

  public PieceReads(PieceTokenCheck tokens, PieceStore store, int messageBytes,
      Consumer<CorruptReplicaException> onCorrupt) {
    Checks.check(messageBytes > 0, "message size %d", messageBytes);
    this.tokens = tokens;
    this.store = store;
    this.messageBytes = messageBytes;
    this.onCorrupt = onCorrupt;
  }

  /**
   * Opens {@code lengthBytes} of a replica from {@code offsetBytes} (0: to its end) for the holder of
   * {@code token}. PERMISSION_DENIED without a READ token for the piece, NOT_FOUND if this worker does
   * not hold it, INVALID_ARGUMENT if the range is not inside it.
   */
  public PieceRead open(PieceId pieceId, long offsetBytes, long lengthBytes, byte[] token) {
    try {
      tokens.check(token, pieceId, PieceTokenCheck.READ);
    } catch (HiroException refused) {
      LOG.warn("refused a read of piece {}: {}", pieceId, refused.getMessage());
      throw refused;
    }
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
