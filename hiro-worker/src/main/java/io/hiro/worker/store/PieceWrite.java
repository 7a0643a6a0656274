package io.hiro.worker.store;

import io.hiro.proto.ReplicaMeta;
import java.nio.ByteBuffer;

/** One replica being written: bytes in order, then commit (durable and visible) or abort (gone). */
public interface PieceWrite {
  /** Appends bytes; INVALID_ARGUMENT past the declared length, RESOURCE_EXHAUSTED on a full disk. */
  default void append(ByteBuffer bytes) {
    append(bytes, BlockChecksums.parts(bytesWritten(), bytes));
  }

  /**
   * {@link #append(ByteBuffer)} of bytes whose checksums the caller computed already (to check
   * them before it wrote them): the replica's checksums are made from {@code parts}, with no
   * second pass over the bytes.
   */
  void append(ByteBuffer bytes, BlockChecksums.Parts parts);

  long bytesWritten();

  /** Makes the replica durable and visible, and returns its metadata with the checksums. */
  ReplicaMeta commit();

  /** Forgets the replica; does nothing after commit or a previous abort. */
  void abort();
}
