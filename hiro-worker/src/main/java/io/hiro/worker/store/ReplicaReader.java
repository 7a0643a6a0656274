package io.hiro.worker.store;

import io.hiro.common.Crc32c;
import io.hiro.proto.ReplicaMeta;

/** Reads a committed replica; every read verifies the block checksums of the bytes it returns. */
public interface ReplicaReader extends AutoCloseable {
  /** Bytes read, and their CRC32C. */
  record Checksummed(byte[] bytes, int crc32c) {}

  ReplicaMeta meta();

  /** Reads {@code length} bytes from {@code offset}; DATA_LOSS if a block fails its checksum. */
  byte[] read(long offset, int length);

  /**
   * {@link #read}, with the CRC32C of the bytes: a reader that verified whole blocks has it
   * without another pass over them.
   */
  default Checksummed readChecksummed(long offset, int length) {
    byte[] bytes = read(offset, length);
    return new Checksummed(bytes, Crc32c.of(bytes, 0, bytes.length));
  }

  @Override
  void close();
}
