package io.hiro.master.store;

import com.google.protobuf.InvalidProtocolBufferException;
import io.hiro.common.HiroException;
import io.hiro.master.core.Operation;
import io.hiro.proto.JournalRecord;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reads the data directory at start-up: the newest valid checkpoint, then every journal record
 * after it, in sequence order with no gap. Only the newest segment may end in a torn record (a
 * segment is fsynced completely before the next one is started); that record was never
 * acknowledged, so it is cut. Any other damage stops start-up with the file and byte offset:
 * going on would silently lose acknowledged changes.
 */
final class Recovery {
  private static final Logger LOG = LoggerFactory.getLogger(Recovery.class);

  /** What was read: the checkpoint (null if none), the operations after it, and the last seq. */
  record Result(CheckpointReader checkpoint, List<Operation> operations, long lastSeq) {}

  private Recovery() {}

  static Result read(StoreFiles files, Checkpoints checkpoints) throws IOException {
    CheckpointReader checkpoint = checkpoints.loadNewest();
    long checkpointSeq = checkpoint == null ? 0 : checkpoint.seq();
    List<Long> starts = files.list().stream().map(Journal::segmentStart).filter(s -> s >= 0).sorted().toList();
    List<Operation> operations = new ArrayList<>();
    long expected = checkpointSeq + 1;
    for (int i = 0; i < starts.size(); i++) {
      boolean last = i == starts.size() - 1;
      if (!last && starts.get(i + 1) <= checkpointSeq + 1) {
        continue; // covered by the checkpoint
      }
      String name = Journal.segmentName(starts.get(i));
      if (starts.get(i) > expected) {
        throw HiroException.dataLoss("journal file %s starts at record %d but record %d is missing: a journal file "
            + "was lost. The master will not start; restore its data directory from a backup", name, starts.get(i),
            expected);
      }
      expected = readSegment(files, name, last, checkpointSeq, expected, operations);
    }
    return new Result(checkpoint, operations, expected - 1);
  }

  /** Reads one segment, adding the operations after {@code checkpointSeq}; returns the next expected seq. */
  private static long readSegment(StoreFiles files, String name, boolean last, long checkpointSeq, long expected,
      List<Operation> operations) throws IOException {
    byte[] bytes = files.read(name);
    RecordFormat.Scan scan = RecordFormat.scan(bytes);
    long lastSeqRead = Journal.segmentStart(name) - 1;
    for (RecordFormat.Entry entry : scan.entries()) {
      JournalRecord record = parse(name, entry);
      lastSeqRead = record.getSeq();
      if (record.getSeq() <= checkpointSeq) {
        continue;
      }
      if (record.getSeq() != expected) {
        throw HiroException.dataLoss("journal file %s holds record %d at byte %d where record %d should be; the "
            + "master will not start. Keep a copy of the data directory and report it", name, record.getSeq(),
            entry.offset(), expected);
      }
      operations.add(decode(name, entry, record));
      expected++;
    }
    if (scan.damage() != null) {
      cutTornTail(files, name, bytes, scan.damage(), last, lastSeqRead);
    }
    return expected;
  }

  /**
   * Cuts a torn tail: damage in the newest segment with no valid record after it (one with a later
   * seq than the last read; a stale one from reused disk blocks does not count). Any other damage
   * throws DATA_LOSS: the records after it were acknowledged.
   */
  private static void cutTornTail(StoreFiles files, String name, byte[] bytes, RecordFormat.Damage damage,
      boolean last, long lastSeqRead) throws IOException {
    long validAfter = RecordFormat.validRecordAfter(bytes, damage.offset(), RecordFormat.RECORD_BYTES_MAX,
        payload -> seqOf(payload) > lastSeqRead);
    if (last && validAfter < 0) {
      LOG.warn("master: journal file {} ends in a torn record at byte {} ({}); cutting {} bytes: a crash interrupted "
          + "that write, so it was never acknowledged", name, damage.offset(), damage.reason(),
          bytes.length - damage.offset());
      files.truncate(name, damage.offset());
      return;
    }
    String after = validAfter >= 0 ? "a valid record follows at byte " + validAfter
        : "it is not the newest journal file, which a crash cannot tear";
    throw HiroException.dataLoss("journal file %s is damaged at byte %d (%s) and %d bytes follow (%s): changes "
        + "after that point were acknowledged and would be lost. The master will not start. Keep a copy of the data "
        + "directory; to start anyway with what precedes the damage, truncate the file at byte %d and delete the "
        + "journal files after it (the changes they hold are lost)", name, damage.offset(), damage.reason(),
        bytes.length - damage.offset(), after, damage.offset());
  }

  /** The seq of a journal record's payload, or -1 if it is not a journal record. */
  private static long seqOf(byte[] payload) {
    try {
      return JournalRecord.parseFrom(payload).getSeq();
    } catch (InvalidProtocolBufferException e) {
      return -1;
    }
  }

  private static JournalRecord parse(String name, RecordFormat.Entry entry) {
    try {
      return JournalRecord.parseFrom(entry.payload());
    } catch (InvalidProtocolBufferException e) {
      throw HiroException.dataLoss("journal file %s holds an unreadable record at byte %d (%s); the master will not "
          + "start. Keep a copy of the data directory and report it", name, entry.offset(), e.getMessage());
    }
  }

  private static Operation decode(String name, RecordFormat.Entry entry, JournalRecord record) {
    try {
      return OperationCodec.decode(record);
    } catch (IllegalArgumentException e) {
      throw HiroException.dataLoss("journal file %s: record %d at byte %d cannot be read (%s); the master will not "
          + "start", name, record.getSeq(), entry.offset(), e.getMessage());
    }
  }
}
