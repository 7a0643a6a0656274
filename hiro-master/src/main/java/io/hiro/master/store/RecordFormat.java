package io.hiro.master.store;

import io.hiro.common.Checks;
import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.function.Predicate;
import java.util.zip.CRC32C;

/**
 * How records sit in a journal segment or a checkpoint file: a 4-byte big-endian payload length,
 * a 4-byte CRC32C of the length and the payload, then the payload (a protobuf message).
 *
 * <p>Reading tells apart a torn last record (a crash cut the final write short; the record was
 * never acknowledged, so dropping it is safe) from a damaged record with data after it (the disk
 * lost acknowledged bytes: replaying past it would silently lose what follows).
 */
public final class RecordFormat {
  /** Largest payload: a start-upload of a file with a million pieces, each with a chain. */
  public static final int RECORD_BYTES_MAX = 256 * 1024 * 1024;
  static final int HEADER_BYTES = 8;

  private RecordFormat() {}

  public static byte[] encode(byte[] payload) {
    return encode(payload, RECORD_BYTES_MAX);
  }

  /** Encodes a payload that may be up to {@code maxBytes} long (a checkpoint's records may be larger). */
  public static byte[] encode(byte[] payload, int maxBytes) {
    ByteBuffer buffer = ByteBuffer.allocate(HEADER_BYTES + payload.length);
    return putHeader(buffer, payload, payload.length, maxBytes).put(payload).array();
  }

  /** The header of a record whose payload is {@code payload[0, length)}, to write before it. */
  public static byte[] header(byte[] payload, int length, int maxBytes) {
    return putHeader(ByteBuffer.allocate(HEADER_BYTES), payload, length, maxBytes).array();
  }

  private static ByteBuffer putHeader(ByteBuffer buffer, byte[] payload, int length, int maxBytes) {
    Checks.check(length > 0 && length <= maxBytes && length <= payload.length,
        "record of %d bytes is empty or above the limit of %d", length, maxBytes);
    return buffer.putInt(length).putInt(crc(length, payload, 0));
  }

  /** One record read back: where it starts in the file and its payload. */
  public record Entry(long offset, byte[] payload) {}

  /** Why reading stopped before the end: where the first bad record starts, and what is wrong with it. */
  public record Damage(long offset, String reason) {}

  /** The records read in order, the length of the valid prefix, and the damage that ended it, if any. */
  public record Scan(List<Entry> entries, long validBytes, Damage damage) {}

  public static Scan scan(byte[] bytes) {
    return scan(bytes, RECORD_BYTES_MAX);
  }

  /**
   * Reads records from the start until the end or the first bad one. Whether the damage is a torn
   * tail or lost acknowledged data is for the caller to decide, with {@link #validRecordAfter}.
   */
  public static Scan scan(byte[] bytes, int maxBytes) {
    List<Entry> entries = new ArrayList<>();
    int offset = 0;
    while (offset < bytes.length) {
      String problem = problemAt(bytes, offset, maxBytes);
      if (problem != null) {
        return new Scan(entries, offset, new Damage(offset, problem));
      }
      int length = ByteBuffer.wrap(bytes).getInt(offset);
      byte[] payload = new byte[length];
      System.arraycopy(bytes, offset + HEADER_BYTES, payload, 0, length);
      entries.add(new Entry(offset, payload));
      offset += HEADER_BYTES + length;
    }
    return new Scan(entries, offset, null);
  }

  /**
   * The offset of the first whole record after {@code from} whose checksum matches and whose payload
   * {@code plausible} accepts, or -1 if there is none. A damaged record with a valid one after it is
   * lost acknowledged data, not a torn tail: a crash only cuts the end of the last write. Looks at
   * every byte offset, since the damaged length cannot be trusted to find the next record.
   */
  public static long validRecordAfter(byte[] bytes, long from, int maxBytes, Predicate<byte[]> plausible) {
    for (int offset = (int) from + 1; offset <= bytes.length - HEADER_BYTES; offset++) {
      if (problemAt(bytes, offset, maxBytes) == null) {
        int length = ByteBuffer.wrap(bytes).getInt(offset);
        if (plausible.test(Arrays.copyOfRange(bytes, offset + HEADER_BYTES, offset + HEADER_BYTES + length))) {
          return offset;
        }
      }
    }
    return -1;
  }

  /** What is wrong with the record at {@code offset}, or null if it is whole and its checksum matches. */
  private static String problemAt(byte[] bytes, int offset, int maxBytes) {
    int remaining = bytes.length - offset;
    if (remaining < HEADER_BYTES) {
      return incompleteHeader(remaining);
    }
    ByteBuffer buffer = ByteBuffer.wrap(bytes);
    int length = buffer.getInt(offset);
    String problem = lengthProblem(length, remaining - HEADER_BYTES, maxBytes);
    if (problem == null && crc(length, bytes, offset + HEADER_BYTES) != buffer.getInt(offset + 4)) {
      problem = checksumMismatch(length);
    }
    return problem;
  }

  private static String incompleteHeader(int bytes) {
    return "incomplete header of " + bytes + " bytes";
  }

  /** What is wrong with a record's length, given the payload bytes there are after its header, or null. */
  private static String lengthProblem(int length, long payloadBytes, int maxBytes) {
    if (length <= 0 || length > maxBytes) {
      return "impossible record length " + length;
    }
    if (length > payloadBytes) {
      return "record of " + length + " bytes cut at " + payloadBytes;
    }
    return null;
  }

  private static String checksumMismatch(int length) {
    return "checksum mismatch in a record of " + length + " bytes";
  }

  /**
   * Records read one at a time from a stream, holding only the one read last: for a checkpoint,
   * which is read in order and whose file is unreadable as a whole at its first damaged record.
   */
  static final class Reader implements Closeable {
    private final InputStream in;
    private final int maxBytes;
    private long offset;

    Reader(InputStream in, int maxBytes) {
      this.in = in;
      this.maxBytes = maxBytes;
    }

    /** The next record's payload, or null at the stream's end; throws naming the damage and its offset. */
    byte[] next() throws IOException {
      byte[] header = in.readNBytes(HEADER_BYTES);
      if (header.length == 0) {
        return null;
      }
      if (header.length < HEADER_BYTES) {
        throw damage(incompleteHeader(header.length));
      }
      int length = ByteBuffer.wrap(header).getInt(0);
      String problem = lengthProblem(length, Long.MAX_VALUE, maxBytes);
      if (problem != null) {
        throw damage(problem);
      }
      byte[] payload = in.readNBytes(length); // grows as bytes come: a damaged length allocates no more than the file
      problem = lengthProblem(length, payload.length, maxBytes);
      if (problem == null && crc(length, payload, 0) != ByteBuffer.wrap(header).getInt(4)) {
        problem = checksumMismatch(length);
      }
      if (problem != null) {
        throw damage(problem);
      }
      offset += HEADER_BYTES + length;
      return payload;
    }

    private IOException damage(String problem) {
      return new IOException(problem + " at byte " + offset);
    }

    @Override
    public void close() throws IOException {
      in.close();
    }
  }

  private static int crc(int length, byte[] payload, int from) {
    CRC32C crc = new CRC32C();
    crc.update(ByteBuffer.allocate(4).putInt(0, length));
    crc.update(payload, from, length);
    return (int) crc.getValue();
  }
}
