package io.hiro.client;

import io.hiro.common.Checks;
import io.hiro.common.Limits;

/**
 * How to put a file.
 *
 * @param replication replicas wanted for each piece; 0 asks for the master's default
 * @param pieceSizeBytes size of each piece (the last may be shorter); 0 asks for the master's default
 * @param overwrite replace a file already at the path (atomically, at commit)
 */
public record PutOptions(int replication, long pieceSizeBytes, boolean overwrite) {
  public PutOptions {
    Checks.require(replication >= 0 && replication <= Limits.REPLICATION_MAX,
        "replication %d is not between 1 and %d (0 for the master's default)", replication, Limits.REPLICATION_MAX);
    Checks.require(pieceSizeBytes == 0
            || (pieceSizeBytes >= Limits.PIECE_SIZE_MIN_BYTES && pieceSizeBytes <= Limits.PIECE_SIZE_MAX_BYTES),
        "piece size %d bytes is not between %d and %d (0 for the master's default)",
        pieceSizeBytes, Limits.PIECE_SIZE_MIN_BYTES, Limits.PIECE_SIZE_MAX_BYTES);
  }

  /** The master's replication and piece size; fails if the path exists. */
  public static PutOptions defaults() {
    return new PutOptions(0, 0, false);
  }
}
