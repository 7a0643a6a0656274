package io.hiro.worker.store;

import io.hiro.proto.ReplicaMeta;
import java.nio.ByteBuffer;

/** One replica being written: bytes in order, then commit (durable and visible) or abort (gone). */
public interface PieceWrite {
  /** Appends bytes; INVALID_ARGUMENT past the declared length, RESOURCE_EXHAUSTED on a full disk. */
  void append(ByteBuffer bytes);

  long bytesWritten();

  /** Makes the replica durable and visible, and returns its metadata with the checksums. */
  ReplicaMeta commit();

  /** Forgets the replica; does nothing after commit or a previous abort. */
  void abort();
}
