package io.hiro.master.core;

import io.hiro.common.FileId;
import io.hiro.common.HiroPath;
import java.util.List;

/** A file or directory as Stat and List show it. Directory fields that do not apply are 0 or empty. */
public record FileView(HiroPath path, boolean directory, long sizeBytes, int replication, long pieceSizeBytes,
    long modifiedMillis, FileId fileId, long version, byte[] sha256, int children, List<PieceView> pieces) {
  public FileView {
    pieces = List.copyOf(pieces);
  }
}
