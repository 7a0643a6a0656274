package io.hiro.worker.store;

import io.hiro.proto.ReplicaMeta;

/** Reads a committed replica; every read verifies the block checksums of the bytes it returns. */
public interface ReplicaReader extends AutoCloseable {
  ReplicaMeta meta();

  /** Reads {@code length} bytes from {@code offset}; DATA_LOSS if a block fails its checksum. */
  byte[] read(long offset, int length);

  @Override
  void close();
}
