package io.hiro.worker.store;

import io.hiro.common.HiroException;
import java.io.IOException;
import java.nio.file.FileStore;
import java.nio.file.Files;
import java.nio.file.Path;

/** The size and free space of the disk holding the data dir. */
public interface DiskSpace {
  long totalBytes();

  long usableBytes();

  /**
   * The disk holding {@code dir}. Its size is read once, here: the worker measures its space for
   * every piece that arrives, and a disk's size does not change under a running worker (a disk
   * grown in place is seen at the next start). Its usable space is read at every call.
   */
  static DiskSpace of(Path dir) {
    FileStore fileStore;
    try {
      fileStore = Files.getFileStore(dir);
    } catch (IOException e) {
      throw HiroException.unavailable("cannot find the disk of %s: %s", dir, e.getMessage());
    }
    long total = sizeOf(fileStore);
    return new DiskSpace() {
      @Override
      public long totalBytes() {
        return total;
      }

      @Override
      public long usableBytes() {
        try {
          return fileStore.getUsableSpace();
        } catch (IOException e) {
          return 0;
        }
      }
    };
  }

  private static long sizeOf(FileStore fileStore) {
    try {
      return fileStore.getTotalSpace();
    } catch (IOException e) {
      return 0;
    }
  }
}
