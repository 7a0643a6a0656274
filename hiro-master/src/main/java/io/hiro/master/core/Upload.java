package io.hiro.master.core;

import io.hiro.common.FileId;
import io.hiro.common.HiroPath;
import io.hiro.common.WorkerId;
import java.util.ArrayList;
import java.util.List;

/**
 * An open upload: the pieces allocated for a file that is not committed yet. Invariant:
 * {@code chains.size() == pieceIds.length}; chains only change through {@link Operation.ReassignChain}.
 */
final class Upload {
  final long uploadId;
  final HiroPath path;
  final long fileId;
  final long version;
  final long sizeBytes;
  final int replication;
  final long pieceSizeBytes;
  final boolean overwrite;
  final int minReplicas;
  final long createdMillis;
  final long[] pieceIds;
  final List<List<WorkerId>> chains;

  Upload(Operation.StartUpload start) {
    this.uploadId = start.uploadId();
    this.path = start.path();
    this.fileId = start.fileId().value();
    this.version = start.version();
    this.sizeBytes = start.sizeBytes();
    this.replication = start.replication();
    this.pieceSizeBytes = start.pieceSizeBytes();
    this.overwrite = start.overwrite();
    this.minReplicas = start.minReplicas();
    this.createdMillis = start.createdMillis();
    this.pieceIds = start.pieceIds().clone();
    this.chains = new ArrayList<>(start.chains());
  }

  /** The operation that would open this upload as it is now (with its current chains): for checkpoints. */
  Operation.StartUpload toStart() {
    return new Operation.StartUpload(uploadId, path, new FileId(fileId), version, sizeBytes, replication,
        pieceSizeBytes, overwrite, minReplicas, createdMillis, pieceIds.clone(), chains);
  }

  long pieceLength(int index) {
    return FileNode.pieceLength(sizeBytes, pieceSizeBytes, index);
  }

  int indexOf(long pieceId) {
    for (int i = 0; i < pieceIds.length; i++) {
      if (pieceIds[i] == pieceId) {
        return i;
      }
    }
    return -1;
  }
}
