package io.hiro.worker.store;

import io.hiro.common.security.OwnerOnly;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;
import java.util.stream.Stream;

/**
 * {@code corrupt/} in the data dir: replicas that failed their checksum, kept so a person can see
 * what went wrong. Bounded: only the newest {@link #CORRUPT_REPLICAS_KEPT_MAX} are kept; older
 * ones are deleted (the master re-copies the piece from a good replica either way).
 */
final class CorruptDir {
  /** Corrupt replicas kept for inspection; older ones are deleted. */
  static final int CORRUPT_REPLICAS_KEPT_MAX = 16;

  private final Path dir;
  private final int keptMax;

  CorruptDir(Path dir, int keptMax) {
    this.dir = dir;
    this.keptMax = keptMax;
  }

  /**
   * Moves a replica's file in, named after {@code label} (its piece id, or its own name when it
   * does not say which piece it holds) so that names sort by age; returns its new place.
   */
  Path moveIn(String label, Path pieceFile, long nowMillis) throws IOException {
    OwnerOnly.createDirectories(dir);
    Path moved = dir.resolve(String.format("%013d-%s", nowMillis, label) + PieceFile.SUFFIX);
    if (Files.exists(pieceFile)) {
      Files.move(pieceFile, moved, StandardCopyOption.REPLACE_EXISTING);
    }
    return moved;
  }

  /** Deletes the oldest replicas beyond the limit. */
  void prune() throws IOException {
    List<String> names;
    try (Stream<Path> files = Files.list(dir)) {
      names = files.map(f -> stem(f.getFileName().toString())).distinct().sorted().toList();
    }
    for (String name : names.subList(0, Math.max(0, names.size() - keptMax))) {
      // Replicas moved aside before the .piece format left a .data and a .meta file.
      for (String suffix : List.of(PieceFile.SUFFIX, DataDirLayout.LEGACY_DATA_SUFFIX, DataDirLayout.LEGACY_META_SUFFIX)) {
        Files.deleteIfExists(dir.resolve(name + suffix));
      }
    }
  }

  private static String stem(String fileName) {
    int dot = fileName.lastIndexOf('.');
    return dot < 0 ? fileName : fileName.substring(0, dot);
  }
}
