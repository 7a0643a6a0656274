package io.hiro.master.store;

import com.google.protobuf.CodedInputStream;
import com.google.protobuf.ExtensionRegistryLite;
import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.WireFormat;
import io.hiro.common.Checks;
import io.hiro.proto.Checkpoint;
import io.hiro.proto.CheckpointEntry;
import io.hiro.proto.JournalUpload;
import java.io.IOException;
import java.io.UncheckedIOException;

/**
 * A checkpoint read back entry by entry from the bytes of its {@link Checkpoint} message, as
 * {@link CheckpointWriter} wrote them, with no message object for the whole state: at a master's
 * start those took ~1.9 GiB of allocations and more heap at once than the state itself for a
 * million files (session 46). The fields are met as {@code Checkpoint.parseFrom} would meet them:
 * repeated ones in order, unknown ones skipped.
 */
public final class CheckpointReader {
  private static final ExtensionRegistryLite NO_EXTENSIONS = ExtensionRegistryLite.getEmptyRegistry();
  private static final int SEQ = tag(Checkpoint.SEQ_FIELD_NUMBER, WireFormat.WIRETYPE_VARINT);
  private static final int ENTRY = tag(Checkpoint.ENTRIES_FIELD_NUMBER, WireFormat.WIRETYPE_LENGTH_DELIMITED);
  private static final int UPLOAD = tag(Checkpoint.UPLOADS_FIELD_NUMBER, WireFormat.WIRETYPE_LENGTH_DELIMITED);
  private static final int KNOWN_WORKER_ID =
      tag(Checkpoint.KNOWN_WORKER_IDS_FIELD_NUMBER, WireFormat.WIRETYPE_LENGTH_DELIMITED);

  /** What a checkpoint holds, met in the file's order (the writer's: entries, uploads, workers). */
  public interface Visitor {
    /** A directory or a file; parents before their children, the root first. */
    void entry(CheckpointEntry entry);

    void upload(JournalUpload upload);

    void knownWorker(String workerId);
  }

  private byte[] array; // let go once read: the master keeps its reader
  private final int offset;
  private final int length;
  private final long seq;

  private CheckpointReader(byte[] array, int offset, int length, long seq) {
    this.array = array;
    this.offset = offset;
    this.length = length;
    this.seq = seq;
  }

  /**
   * The checkpoint in {@code array[offset, offset + length)}, read through once to check that it
   * is a whole checkpoint message (each entry parsed and let go); throws if it is not.
   */
  public static CheckpointReader of(byte[] array, int offset, int length) throws IOException {
    long seq = walk(array, offset, length, null);
    return new CheckpointReader(array, offset, length, seq);
  }

  public long seq() {
    return seq;
  }

  /** The message's bytes. */
  public int length() {
    return length;
  }

  /**
   * Hands every entry, open upload and known worker to {@code visitor}, in the file's order; once:
   * the bytes are let go after it (a start reads its checkpoint once, and the master lives on).
   */
  public void read(Visitor visitor) {
    Checks.check(array != null, "checkpoint %d was read already", seq);
    try {
      walk(array, offset, length, visitor);
    } catch (IOException e) {
      throw new UncheckedIOException("a checkpoint that read whole once does not now", e);
    }
    array = null;
  }

  /** Reads the message through, handing its fields to {@code visitor} if any; returns its seq. */
  private static long walk(byte[] array, int offset, int length, Visitor visitor) throws IOException {
    CodedInputStream in = CodedInputStream.newInstance(array, offset, length);
    long seq = 0;
    for (int tag = in.readTag(); tag != 0; tag = in.readTag()) {
      if (tag == SEQ) {
        seq = in.readUInt64();
      } else if (tag == ENTRY) {
        CheckpointEntry entry = in.readMessage(CheckpointEntry.parser(), NO_EXTENSIONS);
        if (visitor != null) {
          visitor.entry(entry);
        }
      } else if (tag == UPLOAD) {
        JournalUpload upload = in.readMessage(JournalUpload.parser(), NO_EXTENSIONS);
        if (visitor != null) {
          visitor.upload(upload);
        }
      } else if (tag == KNOWN_WORKER_ID) {
        String workerId = in.readStringRequireUtf8();
        if (visitor != null) {
          visitor.knownWorker(workerId);
        }
      } else if (!in.skipField(tag)) {
        // An end-group tag with no group open: parseFrom refuses the message too.
        throw new InvalidProtocolBufferException("a checkpoint message with a stray end-group tag");
      }
    }
    return seq;
  }

  private static int tag(int fieldNumber, int wireType) {
    return fieldNumber << 3 | wireType;
  }
}
