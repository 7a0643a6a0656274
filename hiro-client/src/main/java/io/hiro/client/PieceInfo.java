package io.hiro.client;

import io.hiro.common.PieceId;
import java.util.List;

/** One piece of a file and the workers holding its replicas, best first. */
public record PieceInfo(PieceId id, long index, long offset, long lengthBytes, int crc32c, List<ReplicaLocation> replicas) {
  public PieceInfo {
    replicas = List.copyOf(replicas);
  }
}
