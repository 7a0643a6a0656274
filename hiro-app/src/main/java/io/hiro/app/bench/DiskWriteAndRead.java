package io.hiro.app.bench;

import io.hiro.common.io.DirectIo;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.concurrent.FutureTask;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;

/**
 * {@code limit.disk_write_and_read}: what a get into a local file asks of the disk it writes to,
 * with nothing else running. The large file's bytes (read from the page cache) are written into a
 * new file in the bench's dir 1 MiB at a time while a second thread reads each MiB back once it is
 * written, as a get hashes what landed; then an fsync. Both go past the page cache (O_DIRECT)
 * where the file system takes it, as the client's get does, else through it.
 */
final class DiskWriteAndRead {
  private static final int CHUNK_BYTES = 1 << 20;
  private static final String NAME = "limit.disk_write_and_read";

  private DiskWriteAndRead() {}

  static Figure measure(RandomFile input, Path dir, long deadlineNanos) throws IOException {
    Path output = Files.createTempFile(dir, "bench-write-read-", ".bin");
    int alignment = DirectIo.alignment(dir);
    boolean aligned = alignment > 0 && CHUNK_BYTES % alignment == 0 && input.sizeBytes() % CHUNK_BYTES == 0;
    try (FileChannel source = FileChannel.open(input.path(), StandardOpenOption.READ);
         FileChannel buffered = FileChannel.open(output, StandardOpenOption.READ, StandardOpenOption.WRITE);
         FileChannel direct = aligned
             ? DirectIo.open(output, StandardOpenOption.READ, StandardOpenOption.WRITE).orElse(null) : null) {
      FileChannel file = direct != null ? direct : buffered;
      int bufferAlignment = direct != null ? alignment : 1;
      Semaphore written = new Semaphore(0);
      long started = System.nanoTime();
      FutureTask<Long> reader = new FutureTask<>(
          () -> readBehind(file, input.sizeBytes(), written, bufferAlignment, deadlineNanos));
      Thread readerThread = Thread.ofPlatform().daemon().name("bench-write-and-read").start(reader);
      try {
        write(source, file, input.sizeBytes(), written, bufferAlignment, deadlineNanos);
      } catch (IOException | RuntimeException e) {
        readerThread.interrupt();
        throw e;
      }
      long read = MachineLimits.await(reader, deadlineNanos, NAME);
      buffered.force(true);
      long nanos = System.nanoTime() - started;
      if (read != input.sizeBytes()) {
        throw new IOException(NAME + ": read back " + read + " of " + input.sizeBytes() + " bytes");
      }
      return Figure.of(NAME, MachineLimits.megabytesPerSecond(read, nanos), "MB/s");
    } finally {
      Files.deleteIfExists(output);
    }
  }

  /** Copies {@code size} bytes of {@code source} into {@code file}, one permit of {@code written} per chunk. */
  private static void write(FileChannel source, FileChannel file, long size, Semaphore written, int alignment,
      long deadlineNanos) throws IOException {
    ByteBuffer chunk = DirectIo.alignedBuffer(CHUNK_BYTES, alignment);
    for (long position = 0; position < size; position += chunk.capacity()) {
      RandomFile.checkDeadline(deadlineNanos, NAME);
      chunk.clear().limit((int) Math.min(chunk.capacity(), size - position));
      while (chunk.hasRemaining()) {
        if (source.read(chunk, position + chunk.position()) < 0) {
          throw new IOException(NAME + ": the large file ended early");
        }
      }
      chunk.flip();
      while (chunk.hasRemaining()) {
        file.write(chunk, position + chunk.position());
      }
      written.release();
    }
  }

  /** Reads each chunk of {@code file} once it is written; returns the bytes read. */
  private static long readBehind(FileChannel file, long size, Semaphore written, int alignment, long deadlineNanos)
      throws IOException, InterruptedException {
    ByteBuffer chunk = DirectIo.alignedBuffer(CHUNK_BYTES, alignment);
    long read = 0;
    while (read < size) {
      while (!written.tryAcquire(Math.max(0, deadlineNanos - System.nanoTime()), TimeUnit.NANOSECONDS)) {
        RandomFile.checkDeadline(deadlineNanos, NAME);
      }
      chunk.clear().limit((int) Math.min(chunk.capacity(), size - read));
      while (chunk.hasRemaining()) {
        if (file.read(chunk, read + chunk.position()) < 0) {
          return read + chunk.position();
        }
      }
      read += chunk.limit();
    }
    return read;
  }
}
