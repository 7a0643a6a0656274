package io.hiro.client;

import java.util.List;

/**
 * A file or directory as the master sees it. {@code pieces} is filled only by {@link HiroClient#stat};
 * {@code sha256Hex} is empty for directories.
 */
public record FileInfo(String path, boolean directory, long sizeBytes, int replication, long pieceSizeBytes,
                       long modifiedMillis, String sha256Hex, List<PieceInfo> pieces) {
  public FileInfo {
    pieces = List.copyOf(pieces);
  }

  /** The last segment of the path ("/" for the root). */
  public String name() {
    int slash = path.lastIndexOf('/');
    return path.equals("/") || slash < 0 ? path : path.substring(slash + 1);
  }
}
