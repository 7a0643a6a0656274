package io.hiro.app.bench;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

/**
 * Linux's page cache, emptied so that a read must come from the disk: {@code sync}, then "1" into
 * {@code /proc/sys/vm/drop_caches} (root only). It drops clean cached pages of every file on the
 * machine, which slows other programs' next reads a little and changes nothing else.
 */
final class PageCache {
  private static final Path DROP_CACHES = Path.of("/proc/sys/vm/drop_caches");

  private PageCache() {}

  /** True if this process may empty the page cache (root on Linux). */
  static boolean canDrop() {
    return Files.isWritable(DROP_CACHES);
  }

  /** Writes out dirty pages, then drops the clean ones. */
  static void drop() throws IOException {
    Process sync = new ProcessBuilder("sync").inheritIO().start();
    try {
      if (!sync.waitFor(5, TimeUnit.MINUTES) || sync.exitValue() != 0) {
        throw new IOException("sync failed or took over 5 minutes");
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      sync.destroyForcibly();
      throw new IOException("interrupted while waiting for sync", e);
    }
    Files.writeString(DROP_CACHES, "1", StandardCharsets.US_ASCII);
  }
}
