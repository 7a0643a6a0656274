package io.hiro.master.core;

import io.hiro.common.FileId;
import io.hiro.common.HiroPath;
import io.hiro.common.WorkerId;
import java.util.ArrayList;
import java.util.List;

/**
 * A change to the master's journaled state (namespace and open uploads), applied in one place:
 * {@link MasterState#apply(Operation)}. Every id, timestamp and chain is chosen before the
 * operation is built and travels inside it, so applying the same operations in the same order
 * always gives the same state: the journal appends them and replays them after a crash. Which
 * workers hold which replicas is not here: workers report that after a restart.
 *
 * <p>Arrays are used for per-piece values to stay compact; treat them as immutable.
 */
public sealed interface Operation {

  /** Opens an upload: nothing is visible in the namespace until {@link CommitUpload}. */
  record StartUpload(long uploadId, HiroPath path, FileId fileId, long version, long sizeBytes, int replication,
      long pieceSizeBytes, boolean overwrite, int minReplicas, long createdMillis, long[] pieceIds,
      List<List<WorkerId>> chains) implements Operation {
    public StartUpload {
      List<List<WorkerId>> copies = new ArrayList<>(chains.size());
      for (List<WorkerId> chain : chains) {
        copies.add(List.copyOf(chain));
      }
      chains = List.copyOf(copies);
    }
  }

  /** Replaces the chain of one piece of an open upload (its primary failed). */
  record ReassignChain(long uploadId, int index, List<WorkerId> chain) implements Operation {
    public ReassignChain {
      chain = List.copyOf(chain);
    }
  }

  /** Makes an upload the file at its path, swapping out an older version atomically. */
  record CommitUpload(long uploadId, int[] crcs, byte[] sha256, long modifiedMillis) implements Operation {}

  /** Forgets an upload (aborted by the client or expired); its pieces are dropped. */
  record AbortUpload(long uploadId, String reason) implements Operation {}

  record Mkdir(HiroPath path, boolean parents, long modifiedMillis) implements Operation {}

  record Delete(HiroPath path, boolean recursive, long modifiedMillis) implements Operation {}

  record Move(HiroPath source, HiroPath destination, long modifiedMillis) implements Operation {}

  /** A worker registered for the first time; after a restart, safe mode waits for the workers known so. */
  record WorkerJoined(WorkerId workerId) implements Operation {}
}
