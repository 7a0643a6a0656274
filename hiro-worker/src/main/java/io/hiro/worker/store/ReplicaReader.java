package io.hiro.worker.store;

import io.hiro.proto.ReplicaMeta;

/** Reads a committed replica; every read verifies the block checksums of the bytes it returns. */
public interface ReplicaReader extends AutoCloseable {
  /** Bytes read, and their CRC32C. */
  record Checksummed(byte[] bytes, int crc32c) {}

  ReplicaMeta meta();

  /**
   * Reads {@code length} bytes from {@code offset}, with their CRC32C (a read of whole blocks has
   * it from the blocks' verified checksums, without another pass); DATA_LOSS if a block fails its checksum.
   */
  Checksummed read(long offset, int length);

  @Override
  void close();
}
