package io.hiro.worker.store;

import io.hiro.common.Checks;
import io.hiro.common.PieceId;
import io.hiro.common.security.OwnerOnly;
import io.hiro.proto.ReplicaMeta;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Set;
import java.util.UUID;

/** A replica being written to a temporary file in {@code tmp/}; see {@link DiskPieceStore}. */
final class DiskPieceWrite implements PieceWrite {
  private final DiskPieceStore store;
  private final ReplicaMeta identity;
  private final PieceId pieceId;
  private final String node;
  private final Path tempData;
  private final Path tempMeta;
  private final FileChannel channel;
  private final BlockChecksums checksums = new BlockChecksums();
  private long bytesWritten;
  private boolean finished;

  private DiskPieceWrite(DiskPieceStore store, ReplicaMeta identity, String node, Path tempData, Path tempMeta,
      FileChannel channel) {
    this.store = store;
    this.identity = identity;
    this.pieceId = new PieceId(identity.getPieceId());
    this.node = node;
    this.tempData = tempData;
    this.tempMeta = tempMeta;
    this.channel = channel;
  }

  static DiskPieceWrite create(DiskPieceStore store, ReplicaMeta identity, Path tmpDir, String node) {
    PieceId pieceId = new PieceId(identity.getPieceId());
    String name = pieceId + "-" + UUID.randomUUID().toString().substring(0, 8);
    Path tempData = tmpDir.resolve(name + DataDirLayout.DATA_SUFFIX);
    try {
      FileChannel channel = FileChannel.open(tempData, Set.of(StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE),
          OwnerOnly.fileAttributes(tmpDir));
      return new DiskPieceWrite(store, identity, node, tempData, tmpDir.resolve(name + DataDirLayout.META_SUFFIX), channel);
    } catch (IOException e) {
      throw DiskErrors.of(e, node, "starting piece " + pieceId);
    }
  }

  @Override
  public synchronized void append(ByteBuffer bytes) {
    Checks.check(!finished, "piece %s: append after commit or abort", pieceId);
    Checks.require(bytesWritten + bytes.remaining() <= identity.getLength(),
        "piece %s: %d bytes is more than its length %d", pieceId, bytesWritten + bytes.remaining(), identity.getLength());
    checksums.update(bytes);
    ByteBuffer rest = bytes.duplicate();
    try {
      while (rest.hasRemaining()) {
        channel.write(rest);
      }
    } catch (IOException e) {
      throw DiskErrors.of(e, node, "writing piece " + pieceId);
    }
    bytesWritten += bytes.remaining();
  }

  @Override
  public synchronized long bytesWritten() {
    return bytesWritten;
  }

  @Override
  public synchronized ReplicaMeta commit() {
    Checks.check(!finished, "piece %s: commit after commit or abort", pieceId);
    Checks.require(bytesWritten == identity.getLength(),
        "piece %s: %d of %d bytes arrived; resend the piece", pieceId, bytesWritten, identity.getLength());
    finished = true;
    try {
      channel.force(true);
      channel.close();
      return store.install(checksums.finish(identity.toBuilder()), tempData, tempMeta);
    } catch (IOException e) {
      deleteTemps();
      throw DiskErrors.of(e, node, "committing piece " + pieceId);
    }
  }

  @Override
  public synchronized void abort() {
    if (finished) {
      return;
    }
    finished = true;
    try {
      channel.close();
    } catch (IOException e) {
      // The file is deleted next; nothing else to do.
    }
    deleteTemps();
  }

  private void deleteTemps() {
    try {
      Files.deleteIfExists(tempData);
      Files.deleteIfExists(tempMeta);
    } catch (IOException e) {
      // tmp/ is emptied at the next start.
    }
  }
}
