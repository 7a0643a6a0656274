package io.hiro.worker.store;

import io.hiro.common.Checks;
import io.hiro.common.PieceId;
import io.hiro.common.io.StagedDirectWrite;
import io.hiro.proto.ReplicaMeta;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * A replica being written into a spare {@link PieceFile} ({@link SpareFiles}); see {@link DiskPieceStore}.
 * Its bytes go to the file with O_DIRECT through an aligned staging buffer where the file system
 * allows ({@link DirectWrites}), the last ones short of a block and the meta through the page cache;
 * a piece that fits one staging buffer goes wholly through the page cache.
 * Commit writes the meta after the bytes and fsyncs the file once, which makes the replica durable
 * (the spare's name already is), then hands it to the store to install. A write that fails or is
 * aborted deletes its file.
 */
final class DiskPieceWrite implements PieceWrite {
  private final DiskPieceStore store;
  private final ReplicaMeta identity;
  private final PieceId pieceId;
  private final String node;
  /** The spare this replica is written into, and its slot (which its footer covers). */
  private final Path path;
  private final long slot;
  /** Through the page cache: every write without O_DIRECT, the last bytes with it, and the fsync. */
  private final FileChannel channel;
  /** The same file with O_DIRECT, or null. */
  private final FileChannel direct;
  private final DirectWrites directWrites;
  /** The staging buffer of {@link #file}; null without O_DIRECT or once given back. */
  private ByteBuffer staging;
  private final StagedDirectWrite file;
  private final BlockChecksums checksums = new BlockChecksums();
  private long bytesWritten;
  private boolean finished;

  private DiskPieceWrite(DiskPieceStore store, ReplicaMeta identity, String node, Path path, FileChannel channel,
      FileChannel direct, DirectWrites directWrites) {
    this.store = store;
    this.identity = identity;
    this.pieceId = new PieceId(identity.getPieceId());
    this.node = node;
    this.path = path;
    this.slot = PieceFile.slotOf(path).orElseThrow(() -> new IllegalArgumentException(path + " is not a spare"));
    this.channel = channel;
    this.direct = direct;
    this.directWrites = directWrites;
    this.staging = direct == null ? null : directWrites.take();
    this.file = new StagedDirectWrite(channel, direct, staging, directWrites.alignment(), 0, directWrites::wrote);
  }

  /** A write into {@code file}, an empty spare ({@link SpareFiles}) that is the write's from now on. */
  static DiskPieceWrite create(DiskPieceStore store, ReplicaMeta identity, Path file, String node,
      DirectWrites directWrites) {
    PieceId pieceId = new PieceId(identity.getPieceId());
    FileChannel channel = null;
    try {
      channel = FileChannel.open(file, StandardOpenOption.WRITE);
      FileChannel direct = directWrites.open(file, identity.getLength()).orElse(null);
      return new DiskPieceWrite(store, identity, node, file, channel, direct, directWrites);
    } catch (IOException e) {
      closeQuietly(channel);
      deleteQuietly(file);
      throw DiskErrors.of(e, node, "starting piece " + pieceId);
    }
  }

  @Override
  public synchronized void append(ByteBuffer bytes, BlockChecksums.Parts parts) {
    Checks.check(!finished, "piece %s: append after commit or abort", pieceId);
    Checks.require(bytesWritten + bytes.remaining() <= identity.getLength(),
        "piece %s: %d bytes is more than its length %d", pieceId, bytesWritten + bytes.remaining(), identity.getLength());
    checksums.update(bytes, parts);
    try {
      file.write(bytes.duplicate());
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
      long fileBytes = file.finish();
      Checks.check(fileBytes == bytesWritten, "piece %s: %d bytes in the file, %d written", pieceId, fileBytes,
          bytesWritten);
      ReplicaMeta meta = store.stamp(checksums.finish(identity.toBuilder()));
      PieceFile.writeMeta(channel, meta, slot);
      channel.force(true);
      closeChannels();
      return store.install(meta, path);
    } catch (IOException e) {
      closeChannels();
      deleteFile();
      throw DiskErrors.of(e, node, "committing piece " + pieceId);
    }
  }

  @Override
  public synchronized void abort() {
    if (finished) {
      return;
    }
    finished = true;
    closeChannels();
    deleteFile();
  }

  private void closeChannels() {
    closeQuietly(direct);
    closeQuietly(channel);
    if (staging != null) {
      directWrites.give(staging);
      staging = null;
    }
  }

  private static void closeQuietly(FileChannel channel) {
    if (channel == null) {
      return;
    }
    try {
      channel.close();
    } catch (IOException e) {
      // The file is deleted or already durable; nothing else to do.
    }
  }

  private void deleteFile() {
    deleteQuietly(path);
  }

  private static void deleteQuietly(Path file) {
    try {
      Files.deleteIfExists(file);
    } catch (IOException e) {
      // Not listed as a replica; the store sets it aside when it next opens.
    }
  }
}
