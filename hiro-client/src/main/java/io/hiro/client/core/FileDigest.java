package io.hiro.client.core;

import io.hiro.common.Checks;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.zip.CRC32C;

/**
 * The whole-file SHA-256, computed in file order by one sequential pass, with the CRC32C of each
 * piece's bytes as that pass read them: the uploader compares those with the CRC32C of each piece as
 * it was sent, so that a file rewritten in place between the two reads is never committed with a
 * SHA-256 its pieces do not match (session 44).
 */
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

  /**
   * A file's SHA-256 and the CRC32C of each of its pieces, taken from the same bytes; none for a
   * file read whole, whose pieces are sent from the bytes hashed.
   */
  record Hashed(byte[] sha256, int[] pieceCrc32cs) {}

  /** The hash of the first {@code length} bytes of {@code bytes}: a small file read whole, its pieces sent from them. */
  static Hashed sha256(byte[] bytes, int length) {
    MessageDigest digest = sha256();
    digest.update(bytes, 0, length);
    return new Hashed(digest.digest(), new int[0]);
  }

  /**
   * The hash of every byte of {@code file} up to its end, which its stat put at {@code sizeBytes}, in
   * pieces of {@code pieceSizeBytes}; {@code counted[0]} gets how many bytes that was.
   */
  static Hashed sha256(FileChannel file, long sizeBytes, long pieceSizeBytes, long[] counted) throws IOException {
    Checks.check(counted.length == 1, "counted holds one value");
    MessageDigest digest = sha256();
    PieceCrcs crcs = new PieceCrcs(sizeBytes, pieceSizeBytes);
    // No larger than the file, and a byte to see one that grew.
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
      crcs.update(buffer.duplicate());
      digest.update(buffer);
      position += read;
      if (endsAt(position, sizeBytes, shortRead)) {
        break;
      }
    }
    counted[0] = position;
    return new Hashed(digest.digest(), crcs.finish());
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

  /** The CRC32C of each piece of a file read in order; bytes past the file's size (it grew) are left out. */
  private static final class PieceCrcs {
    private final long pieceSizeBytes;
    private final int[] crcs;
    private final CRC32C current = new CRC32C();
    private long left;
    private int index;
    private long inPiece;

    PieceCrcs(long sizeBytes, long pieceSizeBytes) {
      Checks.check(pieceSizeBytes > 0, "piece size %d", pieceSizeBytes);
      this.pieceSizeBytes = pieceSizeBytes;
      this.crcs = new int[Math.toIntExact((sizeBytes + pieceSizeBytes - 1) / pieceSizeBytes)];
      this.left = sizeBytes;
    }

    void update(ByteBuffer bytes) {
      while (bytes.hasRemaining() && left > 0) {
        int take = (int) Math.min(Math.min(bytes.remaining(), pieceSizeBytes - inPiece), left);
        left -= take;
        ByteBuffer part = bytes.slice(bytes.position(), take);
        current.update(part);
        bytes.position(bytes.position() + take);
        inPiece += take;
        if (inPiece == pieceSizeBytes) {
          endPiece();
        }
      }
    }

    int[] finish() {
      if (inPiece > 0 && index < crcs.length) {
        endPiece(); // the last piece, shorter than the others
      }
      return crcs;
    }

    private void endPiece() {
      crcs[index++] = (int) current.getValue();
      current.reset();
      inPiece = 0;
    }
  }
}
