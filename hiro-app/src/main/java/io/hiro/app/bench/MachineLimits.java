package io.hiro.app.bench;

import io.hiro.common.io.DirectIo;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * What this machine can do for the same work, measured in the same run as Hiro's figures (the
 * disk here varies 2-3x between runs, so only ratios within one run mean something).
 */
final class MachineLimits {
  static final int FSYNC_WRITE_BYTES = 4096;
  private static final int SOCKET_BUFFER_BYTES = 1 << 20;
  private static final int DIRECT_READ_BYTES = 1 << 20;

  private MachineLimits() {}

  /** {@code limit.disk_fsync_write}: the rate at which {@code file} was written with fsync. */
  static Figure diskFsyncWrite(RandomFile file) {
    return Figure.of("limit.disk_fsync_write", megabytesPerSecond(file.sizeBytes(), file.writeNanos()), "MB/s");
  }

  /**
   * {@code limit.disk_direct_read}: reads {@code file} from the disk with O_DIRECT (no page cache),
   * 1 MiB at a time; empty where the file system takes no O_DIRECT (tmpfs).
   */
  static Optional<Figure> diskDirectRead(RandomFile file, long deadlineNanos) throws IOException {
    int alignment = DirectIo.alignment(file.path().getParent());
    Optional<FileChannel> opened = alignment > 0 && DIRECT_READ_BYTES % alignment == 0
        ? DirectIo.open(file.path(), StandardOpenOption.READ)
        : Optional.empty();
    if (opened.isEmpty()) {
      return Optional.empty();
    }
    ByteBuffer buffer = DirectIo.alignedBuffer(DIRECT_READ_BYTES, alignment);
    FileChannel in = opened.get();
    try (in) {
      long read = 0;
      long started = System.nanoTime();
      while (true) {
        RandomFile.checkDeadline(deadlineNanos, "limit.disk_direct_read");
        buffer.clear();
        int n = in.read(buffer, read);
        if (n <= 0) {
          break;
        }
        read += n;
      }
      if (read != file.sizeBytes()) {
        throw new IOException("direct read of " + file.path() + " gave " + read + " of " + file.sizeBytes() + " bytes");
      }
      return Optional.of(Figure.of("limit.disk_direct_read", megabytesPerSecond(read, System.nanoTime() - started),
          "MB/s"));
    }
  }

  /** {@code limit.fsync_4k}: appends 4 KiB and fsyncs, {@code count} times, in a new file in {@code dir}. */
  static Figure fsync4k(Path dir, int count, long deadlineNanos) throws IOException {
    Path file = Files.createTempFile(dir, "bench-fsync-", ".bin");
    try (FileChannel out = FileChannel.open(file, StandardOpenOption.WRITE)) {
      ByteBuffer block = ByteBuffer.allocateDirect(FSYNC_WRITE_BYTES);
      long started = System.nanoTime();
      for (int i = 0; i < count; i++) {
        RandomFile.checkDeadline(deadlineNanos, "limit.fsync_4k");
        block.clear();
        block.putInt(0, i);
        while (block.hasRemaining()) {
          out.write(block);
        }
        out.force(true);
      }
      return Figure.of("limit.fsync_4k", count / ((System.nanoTime() - started) / 1e9), "ops/s");
    } finally {
      Files.deleteIfExists(file);
    }
  }

  /** {@code limit.loopback_tcp}: one thread writes {@code bytes} to a socket on 127.0.0.1, another reads them. */
  static Figure loopbackTcp(long bytes, long deadlineNanos) throws IOException {
    try (ServerSocket server = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      CompletableFuture<Long> reader = CompletableFuture.supplyAsync(() -> readAll(server));
      long started = System.nanoTime();
      try (Socket socket = new Socket(InetAddress.getLoopbackAddress(), server.getLocalPort());
           OutputStream out = socket.getOutputStream()) {
        byte[] buffer = new byte[SOCKET_BUFFER_BYTES];
        for (long sent = 0; sent < bytes; ) {
          RandomFile.checkDeadline(deadlineNanos, "limit.loopback_tcp");
          int n = (int) Math.min(buffer.length, bytes - sent);
          out.write(buffer, 0, n);
          sent += n;
        }
      }
      long received = await(reader, deadlineNanos, "loopback copy");
      if (received != bytes) {
        throw new IOException("loopback copy received " + received + " of " + bytes + " bytes");
      }
      return Figure.of("limit.loopback_tcp", megabytesPerSecond(bytes, System.nanoTime() - started), "MB/s");
    }
  }

  private static long readAll(ServerSocket server) {
    try (Socket socket = server.accept(); InputStream in = socket.getInputStream()) {
      byte[] buffer = new byte[SOCKET_BUFFER_BYTES];
      long received = 0;
      for (int n; (n = in.read(buffer)) > 0; ) {
        received += n;
      }
      return received;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /**
   * The count {@code task} returns, waited for until the deadline; a failure names {@code what}. A
   * task that failed to finish is cancelled (its thread interrupted, where the task can be).
   */
  static long await(Future<Long> task, long deadlineNanos, String what) throws IOException {
    try {
      return task.get(Math.max(0, deadlineNanos - System.nanoTime()), TimeUnit.NANOSECONDS);
    } catch (ExecutionException | TimeoutException e) {
      task.cancel(true);
      throw new IOException(what + " failed: " + e, e);
    } catch (InterruptedException e) {
      task.cancel(true);
      Thread.currentThread().interrupt();
      throw new IOException("interrupted during the " + what, e);
    }
  }

  static double megabytesPerSecond(long bytes, long nanos) {
    return bytes / 1e6 / Math.max(nanos / 1e9, 1e-9);
  }
}
