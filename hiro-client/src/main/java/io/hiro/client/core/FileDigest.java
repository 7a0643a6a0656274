package io.hiro.client.core;

import io.hiro.common.Checks;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;

/** The whole-file SHA-256, computed in file order by one sequential pass. */
final class FileDigest {
  private static final int BUFFER_BYTES = 1024 * 1024;
  /**
   * Cloned for each digest: {@code MessageDigest.getInstance} looks the provider up and checks the
   * algorithm's constraints each time, a quarter of a small put's hashing (session 44).
   */
  private static final MessageDigest PROTOTYPE = newSha256();

  private FileDigest() {}

  static MessageDigest sha256() {
    try {
      return (MessageDigest) PROTOTYPE.clone();
    } catch (CloneNotSupportedException e) {
      return newSha256(); // a provider that cannot clone; the JDK's can
    }
  }

  private static MessageDigest newSha256() {
    try {
      return MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("the JDK has no SHA-256", e);
    }
  }

  static byte[] sha256(byte[] bytes, int length) {
    MessageDigest digest = sha256();
    digest.update(bytes, 0, length);
    return digest.digest();
  }

  /**
   * The digest of every byte of {@code file} up to its end, which its stat put at {@code sizeBytes};
   * {@code counted[0]} gets how many bytes that was.
   */
  static byte[] sha256(FileChannel file, long sizeBytes, long[] counted) throws IOException {
    Checks.check(counted.length == 1, "counted holds one value");
    MessageDigest digest = sha256();
    // No larger than the file (and a byte, to see a file that grew): a 1 MiB buffer zeroed for a
    // 4 KiB file was 4% of a small put's CPU in the client.
    ByteBuffer buffer = ByteBuffer.allocate((int) Math.min(BUFFER_BYTES, sizeBytes + 1));
    long position = 0;
    while (true) {
      buffer.clear();
      int read = file.read(buffer, position);
      if (read < 0) {
        break;
      }
      boolean shortRead = read < buffer.capacity();
      buffer.flip();
      digest.update(buffer);
      position += read;
      if (endsAt(position, sizeBytes, shortRead)) {
        break;
      }
    }
    counted[0] = position;
    return digest.digest();
  }

  /**
   * The whole of a small file, read at once with one byte to spare, so that a file that grew since
   * its stat shows: {@code counted[0]} gets how many bytes it held. The array is the file's length
   * plus one; the bytes past {@code counted[0]} are not the file's.
   */
  static byte[] readWhole(FileChannel file, long sizeBytes, long[] counted) throws IOException {
    Checks.check(counted.length == 1, "counted holds one value");
    Checks.check(sizeBytes < Integer.MAX_VALUE, "a file read whole fits in an array");
    ByteBuffer buffer = ByteBuffer.allocate((int) sizeBytes + 1);
    long position = 0;
    while (buffer.hasRemaining()) {
      int read = file.read(buffer, position);
      if (read < 0) {
        break;
      }
      position += read;
      if (endsAt(position, sizeBytes, buffer.hasRemaining())) {
        break;
      }
    }
    counted[0] = position;
    return buffer.array();
  }

  /**
   * Whether the read that brought {@code position} to the file's size ended it: it was short (the
   * buffer had room for more), and a regular file reads short only at its end. This saves the read
   * that would return -1. Growth after it is caught by the stat at the end of the put.
   */
  private static boolean endsAt(long position, long sizeBytes, boolean shortRead) {
    return position == sizeBytes && shortRead;
  }
}
