package io.hiro.worker.store;

import io.hiro.common.PieceId;
import java.nio.file.Path;

/**
 * Where a worker keeps things in its data dir (others rely on it): {@code worker-id};
 * {@code pieces/<two hex digits>/slot-<16 hex digits>.piece}, each a replica's bytes with its meta
 * at the end ({@link PieceFile}, which says which piece it holds) or, while empty, a spare for the
 * next one ({@link SpareFiles}); {@code pieces/<first two hex digits of the id>/<piece id>.piece},
 * replicas written before spares, named after their piece; {@code tmp/}, emptied at start; and
 * {@code corrupt/} for replicas that failed their checksum and files that were not whole replicas,
 * kept for a person to inspect ({@code <13-digit millis>-<piece id or file name>.piece}). Data dirs
 * written before the {@code .piece} format held each replica as a {@code .data} file and a
 * {@code .meta} file beside it; the store converts them when it opens ({@link LegacyReplicas}).
 */
public record DataDirLayout(Path root) {
  /** The legacy replica format's bytes and meta files. */
  public static final String LEGACY_DATA_SUFFIX = ".data";
  public static final String LEGACY_META_SUFFIX = ".meta";

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

  /** The fan-out dir {@code pieces/<index as two hex digits>}, for {@code index} 0 to 255. */
  public Path fanOutDir(int index) {
    return piecesDir().resolve(String.format("%02x", index));
  }

  /** Where a replica written before spares, or converted from the legacy format, is named after its piece. */
  public Path pieceFile(PieceId pieceId) {
    return pieceDir(pieceId).resolve(pieceId + PieceFile.SUFFIX);
  }

  public Path legacyDataFile(PieceId pieceId) {
    return pieceDir(pieceId).resolve(pieceId + LEGACY_DATA_SUFFIX);
  }

  public Path legacyMetaFile(PieceId pieceId) {
    return pieceDir(pieceId).resolve(pieceId + LEGACY_META_SUFFIX);
  }
}
