package io.hiro.master.core;

import io.hiro.common.FileId;
import java.util.List;

/** An opened upload: what the client needs to stream its pieces (each piece's replicas = its chain). */
public record UploadView(long uploadId, FileId fileId, long version, int replication, int replicationGranted,
    long pieceSizeBytes, int minReplicas, List<PieceView> pieces) {
  public UploadView {
    pieces = List.copyOf(pieces);
  }
}
