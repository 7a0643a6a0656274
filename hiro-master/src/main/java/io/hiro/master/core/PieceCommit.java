package io.hiro.master.core;

import io.hiro.common.PieceId;
import io.hiro.common.WorkerId;
import java.util.List;

/** What the client says about one piece when it commits: its length, CRC and the workers that confirmed it. */
public record PieceCommit(int index, PieceId id, long lengthBytes, int crc32c, List<WorkerId> workers) {
  public PieceCommit {
    workers = List.copyOf(workers);
  }
}
