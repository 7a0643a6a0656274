package io.hiro.master.core;

import io.hiro.common.HiroPath;
import java.util.List;

/**
 * The answer to fsck: the unhealthy files under a path (at most {@link Fsck#FILES_MAX}; {@code truncated}
 * if there were more) and counts over every file checked. {@code filesUnreadable} counts files with a
 * missing piece; {@code filesUnderReplicated} files with none missing but some lacking replicas.
 * In safe mode the master may not have heard from every worker yet, so counts can be too pessimistic.
 */
public record FsckView(List<FsckFile> files, long filesChecked, long filesUnreadable, long filesUnderReplicated,
    boolean safeMode, boolean truncated) {
  public FsckView {
    files = List.copyOf(files);
  }

  public static final String HEALTHY = "healthy";
  public static final String UNDER_REPLICATED = "under-replicated";
  public static final String MISSING = "missing";

  /**
   * One file's health. A piece is missing when no good live replica is left (the file cannot be read in
   * full), under-replicated when it has some but fewer than {@code replication}; the two never overlap.
   * {@code corruptReplicas} counts replicas reported corrupt and not yet replaced.
   */
  public record FsckFile(HiroPath path, long sizeBytes, int replication, long pieces, long missingPieces,
      long underReplicatedPieces, long corruptReplicas, String state) {}
}
