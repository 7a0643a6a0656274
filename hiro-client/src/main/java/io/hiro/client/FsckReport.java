package io.hiro.client;

import java.util.List;

/**
 * What {@code hiro admin fsck} shows: the unhealthy files under a path (the master sends at most a
 * bounded number; {@code truncated} if there were more) and counts over every file it checked.
 * {@code filesUnreadable} files have a missing piece; {@code filesUnderReplicated} have none missing
 * but lack replicas. In safe mode the master may not have heard from every worker yet.
 */
public record FsckReport(List<FsckFile> files, long filesChecked, long filesUnreadable, long filesUnderReplicated,
                         boolean safeMode, boolean truncated) {
  public FsckReport {
    files = List.copyOf(files);
  }

  /** True when every file checked can be read in full (under-replicated files still can). */
  public boolean readable() {
    return filesUnreadable == 0;
  }
}
