package io.hiro.master.store;

import java.io.ByteArrayInputStream;
import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.util.Arrays;
import java.util.List;

/**
 * The few file operations the journal and the checkpoints use, all within the master's data
 * directory. Kept small so that a test can replace the disk with one that crashes at any write
 * point. Durability follows POSIX: written bytes survive a crash only after {@link Appender#force()},
 * and a created, renamed or deleted name only after {@link #syncDirectory()}.
 */
public interface StoreFiles {

  /** The names of the regular files in the directory, in no particular order. */
  List<String> list() throws IOException;

  byte[] read(String name) throws IOException;

  /** The file's bytes as a stream, for a file too large to read at once (a checkpoint). */
  default InputStream open(String name) throws IOException {
    return new ByteArrayInputStream(read(name));
  }

  /** Opens a file for appending, creating it empty if it is missing. */
  Appender append(String name) throws IOException;

  /** Cuts a file to {@code sizeBytes} and makes the cut durable. */
  void truncate(String name, long sizeBytes) throws IOException;

  /** Renames atomically, replacing {@code to} if it exists. */
  void rename(String from, String to) throws IOException;

  void delete(String name) throws IOException;

  /** Makes the creations, renames and deletions so far durable. */
  void syncDirectory() throws IOException;

  /** An open file that only grows. */
  interface Appender extends Closeable {
    void write(byte[] bytes) throws IOException;

    /** Writes {@code bytes[offset, offset + length)}. */
    default void write(byte[] bytes, int offset, int length) throws IOException {
      write(offset == 0 && length == bytes.length ? bytes : Arrays.copyOfRange(bytes, offset, offset + length));
    }

    /** Makes every byte written so far durable. */
    void force() throws IOException;

    /** The file's length, written bytes included. */
    long sizeBytes() throws IOException;
  }
}
