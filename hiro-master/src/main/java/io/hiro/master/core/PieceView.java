package io.hiro.master.core;

import io.hiro.common.PieceId;
import java.util.List;

/**
 * One piece of a file or upload: where it sits in the file, its replicas (or chain), best first, and
 * the piece token that lets the caller write it (an upload) or read it (Stat).
 */
public record PieceView(PieceId id, int index, long offsetBytes, long lengthBytes, int crc32c,
    List<WorkerAddress> replicas, byte[] token) {
  public PieceView {
    replicas = List.copyOf(replicas);
  }
}
