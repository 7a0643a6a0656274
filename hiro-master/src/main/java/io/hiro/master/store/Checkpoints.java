package io.hiro.master.store;

import com.google.protobuf.InvalidProtocolBufferException;
import io.hiro.common.HiroException;
import io.hiro.proto.Checkpoint;
import java.io.IOException;
import java.util.Comparator;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Checkpoint files ({@code checkpoint-<seq>.ckpt}): one record holding a {@link Checkpoint} message
 * (written by {@link CheckpointWriter} and read by {@link CheckpointReader} a field at a time),
 * written atomically (temp file, fsync, rename, fsync the directory). The two newest are kept, so
 * that a damaged newest one falls back to the one before (whose journal is kept as well).
 */
final class Checkpoints {
  private static final Logger LOG = LoggerFactory.getLogger(Checkpoints.class);
  /** A checkpoint is one protobuf message, which cannot pass 2 GiB. */
  static final int CHECKPOINT_BYTES_MAX = Integer.MAX_VALUE - 64;
  static final int KEPT = 2;
  private static final String TEMP_SUFFIX = ".tmp";

  private final StoreFiles files;

  Checkpoints(StoreFiles files) {
    this.files = files;
  }

  static String name(long seq) {
    return String.format("checkpoint-%020d.ckpt", seq);
  }

  static long seqOf(String name) {
    if (!name.matches("checkpoint-\\d{20}\\.ckpt")) {
      return -1;
    }
    return Long.parseLong(name.substring("checkpoint-".length(), name.length() - ".ckpt".length()));
  }

  /** Writes a checkpoint atomically, then deletes all but the newest {@link #KEPT}; returns the oldest kept seq. */
  long write(CheckpointWriter.Encoded checkpoint) throws IOException {
    // CheckpointWriter never encodes more than CHECKPOINT_BYTES_MAX, and the header checks it again.
    String name = name(checkpoint.seq());
    String temp = name + TEMP_SUFFIX;
    files.delete(temp);
    try {
      try (StoreFiles.Appender out = files.append(temp)) {
        // The header, then the payload where it lies: no copy of a checkpoint that can be 100s of MiB.
        out.write(RecordFormat.header(checkpoint.array(), checkpoint.length(), CHECKPOINT_BYTES_MAX));
        out.write(checkpoint.array(), 0, checkpoint.length());
        out.force();
      }
      files.rename(temp, name);
    } catch (IOException | RuntimeException e) {
      deleteAfterFailure(temp, e); // a disk that is full for a while must not fill up with temp files
      throw e;
    }
    files.syncDirectory();
    List<Long> seqs = seqs();
    for (int i = KEPT; i < seqs.size(); i++) {
      files.delete(name(seqs.get(i)));
    }
    return seqs.get(Math.min(KEPT, seqs.size()) - 1);
  }

  private void deleteAfterFailure(String temp, Exception failure) {
    try {
      files.delete(temp);
    } catch (IOException e) {
      failure.addSuppressed(e);
    }
  }

  /** Checkpoint seqs on disk, newest first. */
  private List<Long> seqs() throws IOException {
    return files.list().stream().map(Checkpoints::seqOf).filter(s -> s >= 0)
        .sorted(Comparator.reverseOrder()).toList();
  }

  /**
   * The newest readable checkpoint, or null if there is none at all. Leftover temp files (a crash
   * while writing) are deleted. Throws DATA_LOSS if checkpoints exist but none can be read.
   */
  CheckpointReader loadNewest() throws IOException {
    for (String name : files.list()) {
      if (name.startsWith("checkpoint-") && name.endsWith(TEMP_SUFFIX)) {
        files.delete(name);
      }
    }
    List<Long> seqs = seqs();
    for (long seq : seqs) {
      try {
        return read(seq);
      } catch (IOException e) {
        LOG.warn("master: checkpoint {} is unreadable ({}); trying the one before", name(seq), e.getMessage());
      }
    }
    if (!seqs.isEmpty()) {
      throw HiroException.dataLoss("no readable checkpoint among %s in the master's data directory; the master "
          + "will not start without one. Restore the data directory from a backup", seqs.stream().map(Checkpoints::name).toList());
    }
    return null;
  }

  private CheckpointReader read(long seq) throws IOException {
    RecordFormat.Scan scan = RecordFormat.scan(files.read(name(seq)), CHECKPOINT_BYTES_MAX);
    if (scan.damage() != null || scan.entries().size() != 1) {
      throw new IOException(scan.damage() != null ? scan.damage().reason() + " at byte " + scan.damage().offset()
          : scan.entries().size() + " records instead of 1");
    }
    byte[] payload = scan.entries().get(0).payload();
    try {
      CheckpointReader checkpoint = CheckpointReader.of(payload, 0, payload.length);
      if (checkpoint.seq() != seq) {
        throw new IOException("it holds seq " + checkpoint.seq());
      }
      return checkpoint;
    } catch (InvalidProtocolBufferException e) {
      throw new IOException("not a checkpoint message: " + e.getMessage(), e);
    }
  }
}
