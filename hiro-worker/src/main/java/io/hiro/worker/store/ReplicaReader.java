package io.hiro.worker.store;

import com.google.protobuf.ByteString;
import com.google.protobuf.UnsafeByteOperations;
import io.hiro.proto.ReplicaMeta;

/**
 * Reads a committed replica; every read verifies the block checksums of the bytes it returns. One
 * thread at a time: {@link #readTransient} fills an array the reader keeps.
 */
public interface ReplicaReader extends AutoCloseable {
  /**
   * Bytes read, {@code array[offset..offset+length)}, and their CRC32C. The array may hold more than
   * the bytes read (the rest of their blocks): take the bytes with {@link #bytes()}.
   */
  record Checksummed(byte[] array, int offset, int length, int crc32c) {
    /** The bytes read, not copied: a view of the array. */
    public ByteString bytes() {
      return UnsafeByteOperations.unsafeWrap(array, offset, length);
    }
  }

  ReplicaMeta meta();

  /**
   * Reads {@code length} bytes from {@code offset} into an array of their own, with their CRC32C (a
   * read of whole blocks has it from the blocks' verified checksums, without another pass); DATA_LOSS
   * if a block fails its checksum.
   */
  Checksummed read(long offset, int length);

  /**
   * As {@link #read}, into an array the reader may keep and fill again at its next read: the bytes are
   * valid only until then. For a caller done with them by its next read (a server stream, whose
   * {@code onNext} copies a message into the transport's buffers before it returns, as gRPC's Netty
   * server does, where an in-process server would hand the message itself over; the scrubber, which
   * only wants the CRC32C), never for bytes kept longer, as a client call keeps a message it may
   * send again.
   * It saves a new array per read: zeroing it, and memory the caches have not seen.
   */
  default Checksummed readTransient(long offset, int length) {
    return read(offset, length);
  }

  /**
   * Lets go of the array {@link #readTransient} keeps, so that a read left waiting (a receiver that
   * stopped taking messages) does not hold it; the next transient read takes a new one. The bytes of
   * the last transient read stay valid.
   */
  default void releaseKept() {}

  @Override
  void close();
}
