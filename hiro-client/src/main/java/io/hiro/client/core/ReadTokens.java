package io.hiro.client.core;

import io.hiro.common.HiroException;
import io.hiro.common.HiroPath;
import io.hiro.proto.FileStatus;
import io.hiro.proto.PieceRef;
import java.util.function.Function;

/**
 * The read tokens of one get. The master's read tokens expire (minutes), so the workers may refuse
 * a token during a long get; then {@link #renew} asks the master for the file again, once for all
 * the pieces whose tokens expired together, and checks that it is still the same version of the file.
 */
final class ReadTokens {
  private final HiroPath path;
  private final Function<HiroPath, FileStatus> stat;
  private FileStatus current;

  ReadTokens(HiroPath path, FileStatus file, Function<HiroPath, FileStatus> stat) {
    this.path = path;
    this.current = file;
    this.stat = stat;
  }

  /** The piece {@code stale} again, with a new token (and the replicas as the master sees them now). */
  synchronized PieceRef renew(PieceRef stale) {
    int index = (int) stale.getIndex();
    if (current.getPieces(index).getToken().equals(stale.getToken())) {
      FileStatus fresh = stat.apply(path);
      if (fresh.getFileId() != current.getFileId() || fresh.getVersion() != current.getVersion()) {
        throw HiroException.precondition("%s was replaced while it was read; get it again", path);
      }
      current = fresh;
    }
    return current.getPieces(index);
  }
}
