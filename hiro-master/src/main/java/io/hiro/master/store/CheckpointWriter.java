package io.hiro.master.store;

import com.google.protobuf.CodedOutputStream;
import com.google.protobuf.WireFormat;
import io.hiro.common.Checks;
import io.hiro.proto.Checkpoint;
import io.hiro.proto.CheckpointEntry;
import io.hiro.proto.CheckpointFile;
import io.hiro.proto.CheckpointTotals;
import io.hiro.proto.JournalUpload;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.zip.CRC32C;

/**
 * Encodes a checkpoint as it is made, entry by entry, into records of about {@link #RECORD_BYTES}
 * each, handed to a {@link Sink} (the checkpoint's temp file) as each fills: the checkpoint is never
 * whole in memory. A whole one took ~110 bytes of heap per file on top of the state's ~230, and
 * could not pass 2 GiB, one record's bound (session 47); before session 46 a {@link Checkpoint}
 * message object took ~650.
 *
 * <p>The records' payloads, concatenated, are one {@link Checkpoint} message: the first sets the
 * seq and {@link #FORMAT_RECORDS}, then come the entries, the open uploads and the known workers,
 * each field whole within a record, and the last record ends with the totals (the counts, and the
 * CRC32C of the records before it), which tell a whole file from one cut at a record's end or with
 * records lost, repeated or out of order.
 */
public final class CheckpointWriter {
  /** A record is handed over once the field that takes it to this size is in (unless a sink asks for less). */
  static final int RECORD_BYTES = 1 << 20;
  /** The value of {@code Checkpoint.format} for a checkpoint in several records. */
  static final int FORMAT_RECORDS = 2;
  private static final int ENTRIES = Checkpoint.ENTRIES_FIELD_NUMBER;
  private static final int UPLOADS = Checkpoint.UPLOADS_FIELD_NUMBER;
  private static final int KNOWN_WORKER_IDS = Checkpoint.KNOWN_WORKER_IDS_FIELD_NUMBER;
  private static final int ENTRY_PATH = CheckpointEntry.PATH_FIELD_NUMBER;
  private static final int ENTRY_MODIFIED = CheckpointEntry.MODIFIED_MILLIS_FIELD_NUMBER;
  private static final int ENTRY_FILE = CheckpointEntry.FILE_FIELD_NUMBER;
  private static final int FILE_ID = CheckpointFile.FILE_ID_FIELD_NUMBER;
  private static final int FILE_SIZE = CheckpointFile.SIZE_BYTES_FIELD_NUMBER;
  private static final int FILE_REPLICATION = CheckpointFile.REPLICATION_FIELD_NUMBER;
  private static final int FILE_PIECE_SIZE = CheckpointFile.PIECE_SIZE_BYTES_FIELD_NUMBER;
  private static final int FILE_VERSION = CheckpointFile.VERSION_FIELD_NUMBER;
  private static final int FILE_SHA256 = CheckpointFile.SHA256_FIELD_NUMBER;
  private static final int FILE_PIECE_IDS = CheckpointFile.PIECE_IDS_FIELD_NUMBER;
  private static final int FILE_CRCS = CheckpointFile.CRCS_FIELD_NUMBER;
  private static final int SHA256_BYTES = 32;

  /** Where the records go, in order. */
  public interface Sink {
    /** The next record's payload: {@code payload[0, length)}, which is reused once this returns. */
    void record(byte[] payload, int length) throws IOException;

    /** A record is handed over once the field that takes it to this size is in. */
    default int recordBytes() {
      return RECORD_BYTES;
    }
  }

  /**
   * A committed file's fields as a checkpoint entry holds them ({@code CheckpointFile}), read where
   * they are kept: the walk of a million files makes no message, list or array for any of them.
   */
  public interface FileFields {
    long fileId();

    long sizeBytes();

    int replication();

    long pieceSizeBytes();

    long version();

    /** Bytes {@code 8 * index} to {@code 8 * index + 7} of the file's SHA-256 (index 0 to 3), big-endian. */
    long sha256Word(int index);

    int pieceCount();

    long pieceId(int index);

    int crc(int index);
  }

  /** What was written: the seq, what the checkpoint holds, and its size in payload bytes and records. */
  public record Written(long seq, long entries, long uploads, long bytes, int records) {}

  private final long seq;
  private final Sink sink;
  private final int recordBytes;
  private final Bytes bytes = new Bytes();
  private final CodedOutputStream out = CodedOutputStream.newInstance(bytes, 64 * 1024);
  /** {@code out}'s byte count where the current record starts. */
  private long recordStart;
  /** Of the payloads handed over so far, in order. */
  private final CRC32C handedOver = new CRC32C();
  private int records;
  private int field = ENTRIES;
  private long entries;
  private long uploads;
  private long knownWorkers;

  /** A writer for the checkpoint taken after journal record {@code seq}. */
  public CheckpointWriter(long seq, Sink sink) {
    this.seq = seq;
    this.sink = sink;
    this.recordBytes = sink.recordBytes();
    write(() -> {
      out.writeUInt64(Checkpoint.SEQ_FIELD_NUMBER, seq);
      out.writeUInt32(Checkpoint.FORMAT_FIELD_NUMBER, FORMAT_RECORDS);
    });
  }

  /** The next directory; parents before their children, the root first. */
  public void directory(String path, long modifiedMillis) {
    entry(path, modifiedMillis, null);
  }

  /** The next file, after its directory. */
  public void file(String path, long modifiedMillis, FileFields file) {
    entry(path, modifiedMillis, file);
  }

  /**
   * A {@code CheckpointEntry} of these fields, encoded as its message would encode itself (fields
   * in order, those at their default left out, repeated numbers packed), with no message made.
   */
  private void entry(String path, long modifiedMillis, FileFields file) {
    next(ENTRIES);
    int fileBytes = file == null ? 0 : fileBytes(file);
    int entryBytes = (path.isEmpty() ? 0 : CodedOutputStream.computeStringSize(ENTRY_PATH, path))
        + (modifiedMillis == 0 ? 0 : CodedOutputStream.computeInt64Size(ENTRY_MODIFIED, modifiedMillis))
        + (file == null ? 0 : lengthDelimitedBytes(ENTRY_FILE, fileBytes));
    try {
      out.writeTag(ENTRIES, WireFormat.WIRETYPE_LENGTH_DELIMITED);
      out.writeUInt32NoTag(entryBytes);
      if (!path.isEmpty()) {
        out.writeString(ENTRY_PATH, path);
      }
      if (modifiedMillis != 0) {
        out.writeInt64(ENTRY_MODIFIED, modifiedMillis);
      }
      if (file != null) {
        out.writeTag(ENTRY_FILE, WireFormat.WIRETYPE_LENGTH_DELIMITED);
        out.writeUInt32NoTag(fileBytes);
        writeFile(file);
      }
      handOverIfFull();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    entries++;
  }

  private static int fileBytes(FileFields file) {
    int pieces = file.pieceCount();
    return (file.fileId() == 0 ? 0 : CodedOutputStream.computeFixed64Size(FILE_ID, file.fileId()))
        + (file.sizeBytes() == 0 ? 0 : CodedOutputStream.computeInt64Size(FILE_SIZE, file.sizeBytes()))
        + (file.replication() == 0 ? 0 : CodedOutputStream.computeInt32Size(FILE_REPLICATION, file.replication()))
        + (file.pieceSizeBytes() == 0 ? 0 : CodedOutputStream.computeInt64Size(FILE_PIECE_SIZE, file.pieceSizeBytes()))
        + (file.version() == 0 ? 0 : CodedOutputStream.computeInt64Size(FILE_VERSION, file.version()))
        + lengthDelimitedBytes(FILE_SHA256, SHA256_BYTES)
        + (pieces == 0 ? 0 : lengthDelimitedBytes(FILE_PIECE_IDS, Long.BYTES * pieces)
            + lengthDelimitedBytes(FILE_CRCS, Integer.BYTES * pieces));
  }

  private void writeFile(FileFields file) throws IOException {
    if (file.fileId() != 0) {
      out.writeFixed64(FILE_ID, file.fileId());
    }
    if (file.sizeBytes() != 0) {
      out.writeInt64(FILE_SIZE, file.sizeBytes());
    }
    if (file.replication() != 0) {
      out.writeInt32(FILE_REPLICATION, file.replication());
    }
    if (file.pieceSizeBytes() != 0) {
      out.writeInt64(FILE_PIECE_SIZE, file.pieceSizeBytes());
    }
    if (file.version() != 0) {
      out.writeInt64(FILE_VERSION, file.version());
    }
    out.writeTag(FILE_SHA256, WireFormat.WIRETYPE_LENGTH_DELIMITED);
    out.writeUInt32NoTag(SHA256_BYTES);
    for (int i = 0; i < SHA256_BYTES / Long.BYTES; i++) {
      out.writeFixed64NoTag(Long.reverseBytes(file.sha256Word(i))); // fixed64 is little-endian
    }
    int pieces = file.pieceCount();
    if (pieces > 0) {
      out.writeTag(FILE_PIECE_IDS, WireFormat.WIRETYPE_LENGTH_DELIMITED);
      out.writeUInt32NoTag(Long.BYTES * pieces);
      for (int i = 0; i < pieces; i++) {
        out.writeFixed64NoTag(file.pieceId(i));
      }
      out.writeTag(FILE_CRCS, WireFormat.WIRETYPE_LENGTH_DELIMITED);
      out.writeUInt32NoTag(Integer.BYTES * pieces);
      for (int i = 0; i < pieces; i++) {
        out.writeFixed32NoTag(file.crc(i));
      }
    }
  }

  private static int lengthDelimitedBytes(int field, int length) {
    return CodedOutputStream.computeTagSize(field) + CodedOutputStream.computeUInt32SizeNoTag(length) + length;
  }

  public void upload(JournalUpload upload) {
    next(UPLOADS);
    write(() -> out.writeMessage(UPLOADS, upload));
    uploads++;
  }

  public void knownWorker(String workerId) {
    next(KNOWN_WORKER_IDS);
    write(() -> out.writeString(KNOWN_WORKER_IDS, workerId));
    knownWorkers++;
  }

  /** Ends the last record with the totals and hands it over; the writer takes nothing more. */
  public Written finish() {
    field = Integer.MAX_VALUE;
    CheckpointTotals totals = CheckpointTotals.newBuilder().setEntries(entries).setUploads(uploads)
        .setKnownWorkers(knownWorkers).setEarlierRecordsCrc32C((int) handedOver.getValue()).build();
    write(() -> out.writeMessage(Checkpoint.TOTALS_FIELD_NUMBER, totals));
    write(this::handOver);
    return new Written(seq, entries, uploads, out.getTotalBytesWritten(), records);
  }

  private void next(int nextField) {
    Checks.check(nextField >= field, "checkpoint field %d written after field %d", nextField, field);
    field = nextField;
  }

  private interface Write {
    void run() throws IOException;
  }

  /** Runs one write, then hands the record over if it is full. A sink's failure fails the checkpoint. */
  private void write(Write write) {
    try {
      write.run();
      handOverIfFull();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private void handOverIfFull() throws IOException {
    if (out.getTotalBytesWritten() - recordStart >= recordBytes) {
      handOver();
    }
  }

  private void handOver() throws IOException {
    out.flush();
    if (bytes.size() > 0) {
      handedOver.update(bytes.array(), 0, bytes.size());
      sink.record(bytes.array(), bytes.size());
      records++;
      bytes.reset();
    }
    recordStart = out.getTotalBytesWritten();
  }

  /** A byte stream whose array is handed out as it is, not copied. */
  private static final class Bytes extends ByteArrayOutputStream {
    Bytes() {
      super(RECORD_BYTES + 64 * 1024);
    }

    byte[] array() {
      return buf;
    }
  }
}
