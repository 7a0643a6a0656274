package io.hiro.master.store;

import com.google.protobuf.CodedInputStream;
import com.google.protobuf.ExtensionRegistryLite;
import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.WireFormat;
import io.hiro.common.Checks;
import io.hiro.proto.Checkpoint;
import io.hiro.proto.CheckpointEntry;
import io.hiro.proto.CheckpointTotals;
import io.hiro.proto.JournalUpload;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.zip.CRC32C;

/**
 * A checkpoint read back entry by entry from its file, one record at a time, with no message object
 * for the whole state and never the whole file in memory (at a master's start a parsed message took
 * ~1.9 GiB of allocations and more heap at once than the state itself for a million files, session
 * 46). The fields are met as {@code Checkpoint.parseFrom} would meet them in the records' payloads
 * concatenated: repeated ones in order, unknown ones skipped.
 *
 * <p>Two forms are read: several records, as {@link CheckpointWriter} writes them, whose first sets
 * the format and whose last holds the totals; and one record holding the whole message, as masters
 * before session 47 wrote it.
 */
public final class CheckpointReader {
  private static final ExtensionRegistryLite NO_EXTENSIONS = ExtensionRegistryLite.getEmptyRegistry();
  private static final int SEQ = tag(Checkpoint.SEQ_FIELD_NUMBER, WireFormat.WIRETYPE_VARINT);
  private static final int ENTRY = tag(Checkpoint.ENTRIES_FIELD_NUMBER, WireFormat.WIRETYPE_LENGTH_DELIMITED);
  private static final int UPLOAD = tag(Checkpoint.UPLOADS_FIELD_NUMBER, WireFormat.WIRETYPE_LENGTH_DELIMITED);
  private static final int KNOWN_WORKER_ID =
      tag(Checkpoint.KNOWN_WORKER_IDS_FIELD_NUMBER, WireFormat.WIRETYPE_LENGTH_DELIMITED);
  private static final int FORMAT = tag(Checkpoint.FORMAT_FIELD_NUMBER, WireFormat.WIRETYPE_VARINT);
  private static final int TOTALS = tag(Checkpoint.TOTALS_FIELD_NUMBER, WireFormat.WIRETYPE_LENGTH_DELIMITED);

  /** What a checkpoint holds, met in the file's order (the writer's: entries, uploads, workers). */
  public interface Visitor {
    /** A directory or a file; parents before their children, the root first. */
    void entry(CheckpointEntry entry);

    void upload(JournalUpload upload);

    void knownWorker(String workerId);
  }

  /** The file's records, from the first, each time it is opened. */
  public interface Records {
    RecordFormat.Reader open() throws IOException;
  }

  private Records records; // let go once read: the master keeps its reader
  private final long seq;
  private final long bytes;

  private CheckpointReader(Records records, long seq, long bytes) {
    this.records = records;
    this.seq = seq;
    this.bytes = bytes;
  }

  /**
   * The checkpoint in {@code records}, read through once to check that it is a whole checkpoint
   * (each entry parsed and let go); throws if it is not.
   */
  public static CheckpointReader of(Records records) throws IOException {
    Walk walk = walk(records, null);
    return new CheckpointReader(records, walk.seq, walk.bytes);
  }

  public long seq() {
    return seq;
  }

  /** The payload bytes of its records. */
  public long bytes() {
    return bytes;
  }

  /**
   * Hands every entry, open upload and known worker to {@code visitor}, in the file's order, reading
   * the file again; once. Throws if the file no longer reads as it did: the state is then half-made,
   * and the start fails.
   */
  public void read(Visitor visitor) {
    Checks.check(records != null, "checkpoint %d was read already", seq);
    try {
      walk(records, visitor);
    } catch (IOException e) {
      throw new UncheckedIOException("checkpoint " + seq + ", which read whole a moment ago, does not now", e);
    }
    records = null;
  }

  /** What a walk through the file met; the counts are checked against the totals. */
  private static final class Walk {
    long seq;
    long bytes;
    int records;
    int format;
    CheckpointTotals totals;
    /** Of the payloads of the records before the one being read, in order. */
    final CRC32C earlierRecords = new CRC32C();
    long entries;
    long uploads;
    long knownWorkers;
  }

  /** Reads the records through, handing their fields to {@code visitor} if any, and checks they make a whole checkpoint. */
  private static Walk walk(Records records, Visitor visitor) throws IOException {
    Walk walk = new Walk();
    try (RecordFormat.Reader in = records.open()) {
      for (byte[] payload = in.next(); payload != null; payload = in.next()) {
        if (walk.totals != null) {
          throw new IOException("a record after the totals");
        }
        walkRecord(payload, walk, visitor);
        walk.earlierRecords.update(payload);
        walk.records++;
        walk.bytes += payload.length;
      }
    }
    if (walk.format == 0 && walk.records != 1) {
      throw new IOException(walk.records + " records, and no format: a checkpoint of one record was expected");
    }
    if (walk.format == 0 && walk.totals != null) {
      throw new IOException("totals in a checkpoint of no format");
    }
    if (walk.format == CheckpointWriter.FORMAT_RECORDS) {
      CheckpointTotals totals = walk.totals;
      if (totals == null) {
        throw new IOException("no totals after " + walk.records + " records: the file is cut short");
      }
      if (totals.getEntries() != walk.entries || totals.getUploads() != walk.uploads
          || totals.getKnownWorkers() != walk.knownWorkers) {
        throw new IOException(String.format("it holds %d entries, %d uploads and %d workers; its totals say %d, %d "
                + "and %d", walk.entries, walk.uploads, walk.knownWorkers, totals.getEntries(), totals.getUploads(),
            totals.getKnownWorkers()));
      }
    }
    return walk;
  }

  private static void walkRecord(byte[] payload, Walk walk, Visitor visitor) throws IOException {
    CodedInputStream in = CodedInputStream.newInstance(payload);
    for (int tag = in.readTag(); tag != 0; tag = in.readTag()) {
      if (walk.totals != null) {
        throw new IOException("a field after the totals");
      }
      if (tag == SEQ) {
        walk.seq = in.readUInt64();
      } else if (tag == FORMAT) {
        int format = in.readUInt32();
        if (walk.records != 0 || walk.format != 0 || format != CheckpointWriter.FORMAT_RECORDS) {
          throw new IOException("format " + format + " in record " + walk.records + " is not one this master "
              + "reads (format " + CheckpointWriter.FORMAT_RECORDS + ", once, in the first record)");
        }
        walk.format = format;
      } else if (tag == ENTRY) {
        CheckpointEntry entry = in.readMessage(CheckpointEntry.parser(), NO_EXTENSIONS);
        walk.entries++;
        if (visitor != null) {
          visitor.entry(entry);
        }
      } else if (tag == UPLOAD) {
        JournalUpload upload = in.readMessage(JournalUpload.parser(), NO_EXTENSIONS);
        walk.uploads++;
        if (visitor != null) {
          visitor.upload(upload);
        }
      } else if (tag == KNOWN_WORKER_ID) {
        String workerId = in.readStringRequireUtf8();
        walk.knownWorkers++;
        if (visitor != null) {
          visitor.knownWorker(workerId);
        }
      } else if (tag == TOTALS) {
        walk.totals = in.readMessage(CheckpointTotals.parser(), NO_EXTENSIONS);
        if (walk.totals.getEarlierRecordsCrc32C() != (int) walk.earlierRecords.getValue()) {
          throw new IOException("the " + walk.records + " records before the last do not match the totals' "
              + "checksum: records lost, repeated or out of order");
        }
      } else if (!in.skipField(tag)) {
        // An end-group tag with no group open: parseFrom refuses the message too.
        throw new InvalidProtocolBufferException("a checkpoint message with a stray end-group tag");
      }
    }
  }

  private static int tag(int fieldNumber, int wireType) {
    return fieldNumber << 3 | wireType;
  }
}
