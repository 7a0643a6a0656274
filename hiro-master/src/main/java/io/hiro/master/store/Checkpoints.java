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
 * Checkpoint files ({@code checkpoint-<seq>.ckpt}): records whose payloads make one {@link
 * Checkpoint} message (written by {@link CheckpointWriter} and read by {@link CheckpointReader} a
 * field at a time), written atomically: into a temp file as they are made, then fsync, rename, fsync
 * the directory. The two newest are kept, so that a damaged newest one falls back to the one before
 * (whose journal is kept as well).
 */
final class Checkpoints {
  private static final Logger LOG = LoggerFactory.getLogger(Checkpoints.class);
  /**
   * The largest record of a checkpoint, written or read: most are ~1 MiB, but one holds at least a
   * whole entry or upload, and a checkpoint written before session 47 is one record of it all.
   */
  static final int CHECKPOINT_BYTES_MAX = Integer.MAX_VALUE - 64;
  static final int KEPT = 2;
  /** The checkpoint being written; at most one is, and a start deletes what a crash left of it. */
  static final String TEMP = "checkpoint-new.tmp";
  private static final String TEMP_SUFFIX = ".tmp";

  private final StoreFiles files;
  /** The size of the records written; smaller in tests, so that a small state makes several. */
  private int recordBytes = CheckpointWriter.RECORD_BYTES;

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

  /** A new checkpoint, written record by record into the temp file; {@link #commit} puts it in place. */
  PendingCheckpoint begin() throws IOException {
    return new PendingCheckpoint(files, TEMP, recordBytes);
  }

  void recordBytes(int bytes) {
    recordBytes = bytes;
  }

  /**
   * Puts the checkpoint of record {@code seq}, written into {@code pending} and {@link
   * PendingCheckpoint#finish finished}, in place under its name, then deletes all but the newest
   * {@link #KEPT}; returns the oldest kept seq.
   */
  long commit(PendingCheckpoint pending, long seq) throws IOException {
    files.rename(pending.name(), name(seq));
    pending.committed();
    files.syncDirectory();
    List<Long> seqs = seqs();
    for (int i = KEPT; i < seqs.size(); i++) {
      files.delete(name(seqs.get(i)));
    }
    return seqs.get(Math.min(KEPT, seqs.size()) - 1);
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
    String name = name(seq);
    try {
      CheckpointReader checkpoint =
          CheckpointReader.of(() -> new RecordFormat.Reader(files.open(name), CHECKPOINT_BYTES_MAX));
      if (checkpoint.seq() != seq) {
        throw new IOException("it holds seq " + checkpoint.seq());
      }
      return checkpoint;
    } catch (InvalidProtocolBufferException e) {
      throw new IOException("not a checkpoint message: " + e.getMessage(), e);
    }
  }
}
