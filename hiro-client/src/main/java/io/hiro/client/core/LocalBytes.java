package io.hiro.client.core;

import io.hiro.common.Checks;
import io.hiro.common.ErrorCode;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;

/**
 * Where the bytes of a put's pieces come from: the local file itself, or, for a file small enough
 * to be hashed before its piece is sent, the copy that was read whole and hashed. That copy saves a
 * second read of the file, and the piece then holds exactly the bytes the file's SHA-256 was taken
 * of, even if the file is rewritten in place meanwhile.
 */
interface LocalBytes {
  /** Fills {@code into} with the bytes at {@code position}; a file that ends early changed. */
  void read(long position, ByteBuffer into);

  /** Reads {@code file} itself, each time it is asked. */
  static LocalBytes of(Path local, FileChannel file) {
    return (position, into) -> {
      try {
        long at = position;
        while (into.hasRemaining()) {
          int read = file.read(into, at);
          if (read < 0) {
            throw LocalFileException.changed(local);
          }
          at += read;
        }
      } catch (IOException e) {
        throw new LocalFileException(ErrorCode.UNAVAILABLE, "cannot read local file " + local + ": " + e, e);
      }
    };
  }

  /** Copies from the first {@code length} bytes of {@code content}, the file as it was read whole. */
  static LocalBytes of(byte[] content, int length) {
    return (position, into) -> {
      Checks.check(position >= 0 && position + into.remaining() <= length,
          "bytes %d to %d of a file of %d read whole", position, position + into.remaining(), length);
      into.put(content, (int) position, into.remaining());
    };
  }
}
