package io.hiro.common.io;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.util.function.LongConsumer;

/**
 * Bytes written in order into a file from an aligned position, past the page cache: they are
 * gathered in an aligned staging buffer, written with O_DIRECT each time it is full, and at
 * {@link #finish} the whole blocks left go the same way while the last bytes short of a block go
 * through the page cache (O_DIRECT takes only whole blocks). Without an O_DIRECT channel every
 * byte goes through the page cache at once. Not thread-safe; one writer per region of the file.
 */
public final class StagedDirectWrite {
  private final FileChannel buffered;
  private final FileChannel direct;
  private final int alignment;
  private final LongConsumer directBytes;
  private final long start;
  private final ByteBuffer staging;
  /** Bytes written to the file from {@link #start} (with O_DIRECT: whole blocks until {@link #finish}). */
  private long written;

  /**
   * Writes from {@code start} through {@code direct} (may be null: page cache only) and
   * {@code buffered}, two channels on the same file. With {@code direct}, {@code start}, the
   * {@code staging} buffer's address and its capacity are multiples of {@code alignment} (without
   * it, {@code staging} may be null); {@code directBytes} is told of each O_DIRECT write.
   */
  public StagedDirectWrite(FileChannel buffered, FileChannel direct, ByteBuffer staging, int alignment, long start,
      LongConsumer directBytes) {
    if (direct != null && (start % alignment != 0 || staging.capacity() % alignment != 0)) {
      throw new IllegalArgumentException("O_DIRECT needs position " + start + " and staging of "
          + staging.capacity() + " bytes aligned to " + alignment);
    }
    this.buffered = buffered;
    this.direct = direct;
    this.alignment = alignment;
    this.directBytes = directBytes;
    this.start = start;
    this.staging = direct == null ? null : staging.clear();
  }

  /** Appends {@code bytes} (its position moves to its limit). */
  public void write(ByteBuffer bytes) throws IOException {
    if (direct == null) {
      while (bytes.hasRemaining()) {
        written += buffered.write(bytes, start + written);
      }
      return;
    }
    while (bytes.hasRemaining()) {
      int take = Math.min(bytes.remaining(), staging.remaining());
      staging.put(staging.position(), bytes, bytes.position(), take);
      staging.position(staging.position() + take);
      bytes.position(bytes.position() + take);
      if (!staging.hasRemaining()) {
        writeStaged(staging.capacity());
      }
    }
  }

  /** Writes what is staged: whole blocks with O_DIRECT, the rest through the page cache. Returns the bytes written in all. */
  public long finish() throws IOException {
    if (direct != null) {
      int staged = staging.position();
      int aligned = staged - staged % alignment;
      if (aligned > 0) {
        writeStaged(aligned);
      }
      ByteBuffer tail = staging.duplicate().flip();
      while (tail.hasRemaining()) {
        written += buffered.write(tail, start + written);
      }
      staging.clear();
    }
    return written;
  }

  /** Forgets everything written and staged, to write again from the start position. */
  public void restart() {
    written = 0;
    if (staging != null) {
      staging.clear();
    }
  }

  /** Writes the first {@code length} staged bytes (a multiple of the alignment) with O_DIRECT; keeps the rest. */
  private void writeStaged(int length) throws IOException {
    ByteBuffer out = staging.duplicate().position(0).limit(length);
    while (out.hasRemaining()) {
      written += direct.write(out, start + written);
    }
    directBytes.accept(length);
    staging.limit(staging.position()).position(length);
    staging.compact();
  }
}
