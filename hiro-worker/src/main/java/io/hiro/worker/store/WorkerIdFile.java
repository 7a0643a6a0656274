package io.hiro.worker.store;

import io.hiro.common.HiroException;
import io.hiro.common.WorkerId;
import io.hiro.common.security.OwnerOnly;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;

/** The worker's stable id: created once in {@code DIR/worker-id} (owner-only) and kept forever. */
public final class WorkerIdFile {
  private WorkerIdFile() {}

  public static WorkerId loadOrCreate(DataDirLayout layout) {
    Path file = layout.workerIdFile();
    try {
      if (Files.exists(file)) {
        return new WorkerId(Files.readString(file, StandardCharsets.UTF_8).trim());
      }
      OwnerOnly.createDirectories(layout.root());
      WorkerId id = WorkerId.random();
      Path temp = layout.root().resolve("worker-id.tmp");
      Files.deleteIfExists(temp);
      Files.createFile(temp, OwnerOnly.fileAttributes(layout.root()));
      Files.writeString(temp, id.value() + "\n", StandardCharsets.UTF_8);
      Fsync.file(temp);
      Files.move(temp, file, StandardCopyOption.ATOMIC_MOVE);
      Fsync.directory(layout.root());
      return id;
    } catch (IOException e) {
      throw HiroException.unavailable("cannot read or create the worker id in %s: %s; check --data", file, e.getMessage());
    }
  }
}
