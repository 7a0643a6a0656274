package io.hiro.master.core;

import io.hiro.common.PieceId;
import java.util.List;

/** One piece of a file or upload: where it sits in the file and its replicas (or chain), best first. */
public record PieceView(PieceId id, int index, long offsetBytes, long lengthBytes, int crc32c,
    List<WorkerAddress> replicas) {
  public PieceView {
    replicas = List.copyOf(replicas);
  }
}
