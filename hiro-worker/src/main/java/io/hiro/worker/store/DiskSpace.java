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

  static DiskSpace of(Path dir) {
    FileStore fileStore;
    try {
      fileStore = Files.getFileStore(dir);
    } catch (IOException e) {
      throw HiroException.unavailable("cannot find the disk of %s: %s", dir, e.getMessage());
    }
    return new DiskSpace() {
      @Override
      public long totalBytes() {
        try {
          return fileStore.getTotalSpace();
        } catch (IOException e) {
          return 0;
        }
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
}
