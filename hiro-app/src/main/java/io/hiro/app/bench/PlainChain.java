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
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * {@code limit.plain_chain}: the work of a put done by the simplest Java code, without Hiro. The
 * large file is read and sent over loopback to a chain of relays (threads of this process); each
 * relay forwards every buffer to the next while it writes its own copy (with O_DIRECT where the file
 * system takes it, as Hiro's workers do), and fsyncs its copy every
 * {@link RandomFile#FSYNC_EVERY_BYTES} and at the end. It has what a Hiro put must do on this
 * machine (reading, copies over loopback, writes, fsyncs, all on the same cores), and nothing else:
 * no checksums, no framing, no master. The bytes arrive in order or the figure fails.
 */
final class PlainChain {
  private static final int BUFFER_BYTES = 1 << 20;

  private PlainChain() {}

  static Figure measure(RandomFile input, int replicas, Path dir, long deadlineNanos) throws IOException {
    List<ServerSocket> servers = new ArrayList<>();
    List<CompletableFuture<Long>> relays = new ArrayList<>();
    List<Path> copies = new ArrayList<>();
    try {
      for (int i = 0; i < replicas; i++) {
        servers.add(new ServerSocket(0, 1, InetAddress.getLoopbackAddress()));
        copies.add(dir.resolve("bench-chain-" + i + ".bin"));
      }
      long started = System.nanoTime();
      for (int i = 0; i < replicas; i++) {
        ServerSocket server = servers.get(i);
        Path copy = copies.get(i);
        Integer next = i + 1 < replicas ? servers.get(i + 1).getLocalPort() : null;
        relays.add(CompletableFuture.supplyAsync(() -> relay(server, next, copy), Thread::startVirtualThread));
      }
      send(input, servers.get(0).getLocalPort(), deadlineNanos);
      for (CompletableFuture<Long> relay : relays) {
        long stored = MachineLimits.await(relay, deadlineNanos, "plain chain");
        if (stored != input.sizeBytes()) {
          throw new IOException("plain chain stored " + stored + " of " + input.sizeBytes() + " bytes");
        }
      }
      return Figure.of("limit.plain_chain", MachineLimits.megabytesPerSecond(input.sizeBytes(),
          System.nanoTime() - started), "MB/s");
    } finally {
      for (ServerSocket server : servers) {
        server.close();
      }
      for (Path copy : copies) {
        Files.deleteIfExists(copy);
      }
    }
  }

  private static void send(RandomFile input, int port, long deadlineNanos) throws IOException {
    try (FileChannel in = FileChannel.open(input.path(), StandardOpenOption.READ);
         Socket socket = new Socket(InetAddress.getLoopbackAddress(), port);
         OutputStream out = socket.getOutputStream()) {
      ByteBuffer buffer = ByteBuffer.allocate(BUFFER_BYTES);
      while (in.read(buffer.clear()) > 0) {
        RandomFile.checkDeadline(deadlineNanos, "limit.plain_chain");
        out.write(buffer.array(), 0, buffer.position());
      }
    }
  }

  /**
   * Receives a stream, forwards it to {@code nextPort} (if any) and writes it to {@code copy}, with
   * O_DIRECT from an aligned buffer where the file system takes it (as Hiro's workers write), the
   * last bytes short of a block through the page cache; returns its length.
   */
  private static long relay(ServerSocket server, Integer nextPort, Path copy) {
    try (Socket socket = server.accept();
         InputStream in = socket.getInputStream();
         Socket next = nextPort == null ? null : new Socket(InetAddress.getLoopbackAddress(), nextPort);
         OutputStream forward = next == null ? OutputStream.nullOutputStream() : next.getOutputStream();
         FileChannel out = FileChannel.open(copy, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
             StandardOpenOption.TRUNCATE_EXISTING);
         FileChannel direct = openDirect(copy)) {
      int block = direct == null ? 1 : DirectIo.alignment(copy.getParent());
      ByteBuffer aligned = direct == null ? null : DirectIo.alignedBuffer(BUFFER_BYTES, block);
      byte[] buffer = new byte[BUFFER_BYTES];
      long stored = 0;
      long sinceFsync = 0;
      for (int n; (n = in.readNBytes(buffer, 0, buffer.length)) > 0; ) {
        forward.write(buffer, 0, n);
        int directBytes = direct == null ? 0 : n - n % block;
        if (directBytes > 0) {
          aligned.clear().put(buffer, 0, directBytes).flip();
          while (aligned.hasRemaining()) {
            direct.write(aligned, stored + aligned.position());
          }
        }
        ByteBuffer rest = ByteBuffer.wrap(buffer, directBytes, n - directBytes);
        while (rest.hasRemaining()) {
          out.write(rest, stored + rest.position());
        }
        stored += n;
        sinceFsync += n;
        if (sinceFsync >= RandomFile.FSYNC_EVERY_BYTES) {
          out.force(true);
          sinceFsync = 0;
        }
      }
      out.force(true);
      forward.close();
      return stored;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** {@code file} (which exists) opened for O_DIRECT writes, or null where the file system refuses them. */
  private static FileChannel openDirect(Path file) {
    int block = DirectIo.alignment(file.getParent());
    return block > 0 && BUFFER_BYTES % block == 0
        ? DirectIo.open(file, StandardOpenOption.WRITE).orElse(null) : null;
  }
}
