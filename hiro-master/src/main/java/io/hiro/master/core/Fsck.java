package io.hiro.master.core;

import io.hiro.common.HiroPath;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;

/**
 * Checks the files under a path, for {@code hiro admin fsck}: per file, its missing pieces (no good live
 * replica), under-replicated pieces and corrupt replicas. Walks in path order and keeps at most
 * {@link #FILES_MAX} unhealthy files so the answer stays well under the gRPC message limit (paths are up
 * to 4 KiB). Caller holds at least the read lock; meant for an operator, not a hot path.
 */
final class Fsck {
  static final int FILES_MAX = 1_000;

  private Fsck() {}

  private record Entry(HiroPath path, Node node) {}

  static FsckView check(Core core, HiroPath root, Node start) {
    long now = core.nowMillis();
    List<FsckView.FsckFile> unhealthy = new ArrayList<>();
    long checked = 0;
    long unreadable = 0;
    long under = 0;
    boolean truncated = false;
    ArrayDeque<Entry> pending = new ArrayDeque<>();
    pending.push(new Entry(root, start));
    while (!pending.isEmpty()) {
      Entry entry = pending.pop();
      if (entry.node() instanceof DirectoryNode directory) {
        // Pushed in reverse so that they come off the stack in name order.
        directory.forEachDescending((name, child) -> pending.push(new Entry(entry.path().child(name), child)));
        continue;
      }
      FsckView.FsckFile file = checkFile(core, entry.path(), (FileNode) entry.node(), now);
      checked++;
      switch (file.state()) {
        case FsckView.MISSING -> unreadable++;
        case FsckView.UNDER_REPLICATED -> under++;
        default -> { }
      }
      if (!file.state().equals(FsckView.HEALTHY) || file.corruptReplicas() > 0) {
        if (unhealthy.size() < FILES_MAX) {
          unhealthy.add(file);
        } else {
          truncated = true;
        }
      }
    }
    return new FsckView(unhealthy, checked, unreadable, under, ReplicationMonitor.inSafeMode(core, now), truncated);
  }

  static FsckView.FsckFile checkFile(Core core, HiroPath path, FileNode file, long nowMillis) {
    long missing = 0;
    long under = 0;
    long corrupt = 0;
    for (long pieceId : file.pieceIds()) {
      int good = core.cluster.goodLiveHolders(pieceId, nowMillis).size();
      if (good == 0) {
        missing++;
      } else if (good < file.replication) {
        under++;
      }
      corrupt += core.cluster.corrupt.count(pieceId);
    }
    String state = missing > 0 ? FsckView.MISSING : under > 0 ? FsckView.UNDER_REPLICATED : FsckView.HEALTHY;
    return new FsckView.FsckFile(path, file.sizeBytes, file.replication, file.pieceCount(), missing, under, corrupt,
        state);
  }
}
