package io.hiro.client;

import java.util.List;

/**
 * A committed put.
 *
 * @param replication replicas the file wants
 * @param pieces each piece with the workers that confirmed its replica
 * @param underReplicated some piece has fewer replicas than the file wants (the master adds them later)
 */
public record PutResult(String path, long sizeBytes, int replication, List<PieceInfo> pieces, boolean underReplicated) {
  public PutResult {
    pieces = List.copyOf(pieces);
  }
}
