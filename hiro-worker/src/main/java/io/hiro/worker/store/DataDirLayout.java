package io.hiro.worker.store;

import io.hiro.common.PieceId;
import java.nio.file.Path;

/**
 * Where a worker keeps things in its data dir (others rely on it):
 * {@code worker-id}, {@code pieces/<first two hex digits>/<16 hex digits>.data} and {@code .meta},
 * {@code tmp/} for writes in flight (emptied at start), and {@code corrupt/} for replicas that failed
 * their checksum, kept for a person to inspect ({@code <13-digit millis>-<piece id>.data} and {@code .meta}).
 */
public record DataDirLayout(Path root) {
  public static final String DATA_SUFFIX = ".data";
  public static final String META_SUFFIX = ".meta";

  public Path workerIdFile() {
    return root.resolve("worker-id");
  }

  public Path piecesDir() {
    return root.resolve("pieces");
  }

  public Path tmpDir() {
    return root.resolve("tmp");
  }

  public Path corruptDir() {
    return root.resolve("corrupt");
  }

  public Path pieceDir(PieceId pieceId) {
    return piecesDir().resolve(pieceId.toString().substring(0, 2));
  }

  public Path dataFile(PieceId pieceId) {
    return pieceDir(pieceId).resolve(pieceId + DATA_SUFFIX);
  }

  public Path metaFile(PieceId pieceId) {
    return pieceDir(pieceId).resolve(pieceId + META_SUFFIX);
  }
}
