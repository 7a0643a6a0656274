package io.hiro.worker.store;

import io.hiro.common.PieceId;
import io.hiro.proto.ReplicaMeta;
import java.util.List;
import java.util.Optional;

/**
 * A worker's replicas on disk. A replica is written once through a {@link PieceWrite} and is
 * visible only after {@link PieceWrite#commit()}; it is never modified afterwards, only deleted.
 * Every read verifies the per-block CRC32C of the bytes it returns.
 */
public interface PieceStore {
  /**
   * Starts writing a replica, not listed until its commit. {@code identity} gives the piece id, its
   * length and where it belongs (file id, index, version, path); the store adds the checksums.
   */
  PieceWrite begin(ReplicaMeta identity);

  /** Opens a committed replica for reading; NOT_FOUND if this worker does not hold it. */
  ReplicaReader open(PieceId pieceId);

  Optional<ReplicaMeta> meta(PieceId pieceId);

  /** Every committed replica, as their metadata. */
  List<ReplicaMeta> replicas();

  /**
   * Moves a corrupt replica aside: it is no longer listed or served, and its files are kept for a
   * person to inspect (a bounded number of them). {@code replica} is the meta of the replica that
   * was read, as a reader got it: a newer replica of the same piece written since is left alone.
   * Returns where its data went; empty if this store no longer lists that replica (already moved
   * aside, deleted, or replaced).
   */
  Optional<String> moveAsideCorrupt(ReplicaMeta replica);

  /**
   * Deletes {@code replica}, the meta this store listed for it: a newer replica of the same piece
   * stored since is left alone. False if this store no longer lists that replica (already deleted,
   * moved aside, or replaced).
   */
  boolean delete(ReplicaMeta replica);

  /** Bytes held by committed replicas. */
  long usedBytes();

  int replicaCount();
}
