package io.hiro.app.bench;

import io.hiro.common.io.DirectIo;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * {@code limit.disk_direct_write}: what a get into a local file asks of the disk it writes to, with
 * nothing else running. The large file's bytes (read from the page cache) are written into a new
 * file in the bench's dir 1 MiB at a time, then fsynced; past the page cache (O_DIRECT) where the
 * file system takes it, as the client's get does, else through it. Until session 29 this was
 * {@code limit.disk_write_and_read}, which also read each MiB back once written, as a get then did
 * for its hash.
 */
final class DiskDirectWrite {
  private static final int CHUNK_BYTES = 1 << 20;
  private static final String NAME = "limit.disk_direct_write";

  private DiskDirectWrite() {}

  static Figure measure(RandomFile input, Path dir, long deadlineNanos) throws IOException {
    Path output = Files.createTempFile(dir, "bench-direct-write-", ".bin");
    int alignment = DirectIo.alignment(dir);
    boolean aligned = alignment > 0 && CHUNK_BYTES % alignment == 0 && input.sizeBytes() % CHUNK_BYTES == 0;
    try (FileChannel source = FileChannel.open(input.path(), StandardOpenOption.READ);
         FileChannel buffered = FileChannel.open(output, StandardOpenOption.READ, StandardOpenOption.WRITE);
         FileChannel direct = aligned
             ? DirectIo.open(output, StandardOpenOption.READ, StandardOpenOption.WRITE).orElse(null) : null) {
      FileChannel file = direct != null ? direct : buffered;
      ByteBuffer chunk = DirectIo.alignedBuffer(CHUNK_BYTES, direct != null ? alignment : 1);
      long started = System.nanoTime();
      for (long position = 0; position < input.sizeBytes(); position += chunk.capacity()) {
        RandomFile.checkDeadline(deadlineNanos, NAME);
        chunk.clear().limit((int) Math.min(chunk.capacity(), input.sizeBytes() - position));
        while (chunk.hasRemaining()) {
          if (source.read(chunk, position + chunk.position()) < 0) {
            throw new IOException(NAME + ": the large file ended early");
          }
        }
        chunk.flip();
        while (chunk.hasRemaining()) {
          file.write(chunk, position + chunk.position());
        }
      }
      buffered.force(true);
      return Figure.of(NAME, MachineLimits.megabytesPerSecond(input.sizeBytes(), System.nanoTime() - started), "MB/s");
    } finally {
      Files.deleteIfExists(output);
    }
  }
}
