package io.hiro.app.bench;

import io.hiro.common.HiroException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.SplittableRandom;
import java.util.zip.CRC32C;

/**
 * A file of seeded random bytes, written sequentially with an fsync after every
 * {@link #FSYNC_EVERY_BYTES} (as a worker fsyncs each piece). Writing it is also the measurement
 * of {@code limit.disk_fsync_write}: only the time in write and fsync counts, not making the bytes.
 *
 * @param crc32c CRC32C of the whole content, to verify what Hiro gives back
 * @param writeNanos time spent in write and fsync calls
 */
record RandomFile(Path path, long sizeBytes, int crc32c, long writeNanos) {
  /** How much is written between two fsyncs: Hiro's default piece size. */
  static final long FSYNC_EVERY_BYTES = 64L * 1024 * 1024;
  private static final int BUFFER_BYTES = 1 << 20;

  static RandomFile write(Path path, long sizeBytes, long seed, long deadlineNanos) throws IOException {
    SplittableRandom random = new SplittableRandom(seed);
    CRC32C crc = new CRC32C();
    byte[] bytes = new byte[BUFFER_BYTES];
    ByteBuffer buffer = ByteBuffer.allocateDirect(BUFFER_BYTES);
    long spentNanos = 0;
    try (FileChannel out = FileChannel.open(path, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
        StandardOpenOption.TRUNCATE_EXISTING)) {
      long written = 0;
      while (written < sizeBytes) {
        checkDeadline(deadlineNanos, "writing " + path);
        int n = (int) Math.min(BUFFER_BYTES, sizeBytes - written);
        random.nextBytes(bytes);
        crc.update(bytes, 0, n);
        buffer.clear();
        buffer.put(bytes, 0, n).flip();
        long started = System.nanoTime();
        while (buffer.hasRemaining()) {
          out.write(buffer);
        }
        written += n;
        if (written % FSYNC_EVERY_BYTES == 0 || written == sizeBytes) {
          out.force(true);
        }
        spentNanos += System.nanoTime() - started;
      }
    }
    return new RandomFile(path, sizeBytes, (int) crc.getValue(), spentNanos);
  }

  /** Throws unless {@code file} holds exactly this content (same length, same CRC32C). */
  void verify(Path file, String what) throws IOException {
    try (InputStream in = Files.newInputStream(file)) {
      CrcStream check = new CrcStream();
      in.transferTo(check);
      check.verify(this, what);
    }
  }

  /** An output stream that keeps a CRC32C and a count of what passes through it, and discards it. */
  static final class CrcStream extends OutputStream {
    private final CRC32C crc = new CRC32C();
    private long countBytes;

    @Override
    public void write(int b) {
      crc.update(b);
      countBytes++;
    }

    @Override
    public void write(byte[] bytes, int offset, int length) {
      crc.update(bytes, offset, length);
      countBytes += length;
    }

    void verify(RandomFile expected, String what) {
      if (countBytes != expected.sizeBytes() || (int) crc.getValue() != expected.crc32c()) {
        throw HiroException.dataLoss("bench: %s gave %d bytes with CRC32C %08x; expected %d bytes with %08x",
            what, countBytes, (int) crc.getValue(), expected.sizeBytes(), expected.crc32c());
      }
    }
  }

  static void checkDeadline(long deadlineNanos, String what) {
    if (System.nanoTime() > deadlineNanos) {
      throw HiroException.unavailable("bench: %s did not finish before its deadline", what);
    }
  }
}
