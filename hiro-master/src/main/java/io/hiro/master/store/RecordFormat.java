package io.hiro.master.store;

import io.hiro.common.Checks;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
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

  /** Encodes a payload that may be up to {@code maxBytes} long (a checkpoint is one large record). */
  public static byte[] encode(byte[] payload, int maxBytes) {
    Checks.check(payload.length > 0 && payload.length <= maxBytes,
        "record of %d bytes is empty or above the limit of %d", payload.length, maxBytes);
    ByteBuffer buffer = ByteBuffer.allocate(HEADER_BYTES + payload.length);
    buffer.putInt(payload.length);
    buffer.putInt(crc(payload.length, payload, 0));
    buffer.put(payload);
    return buffer.array();
  }

  /** One record read back: where it starts in the file and its payload. */
  public record Entry(long offset, byte[] payload) {}

  /** Why reading stopped before the end: a torn tail (cut it) or a damaged record (stop start-up). */
  public record Damage(boolean torn, long offset, String reason) {}

  /** The records read in order, the length of the valid prefix, and the damage that ended it, if any. */
  public record Scan(List<Entry> entries, long validBytes, Damage damage) {}

  public static Scan scan(byte[] bytes) {
    return scan(bytes, RECORD_BYTES_MAX);
  }

  public static Scan scan(byte[] bytes, int maxBytes) {
    List<Entry> entries = new ArrayList<>();
    ByteBuffer buffer = ByteBuffer.wrap(bytes);
    int offset = 0;
    while (offset < bytes.length) {
      int remaining = bytes.length - offset;
      if (remaining < HEADER_BYTES) {
        return new Scan(entries, offset, new Damage(true, offset, "incomplete header of " + remaining + " bytes"));
      }
      int length = buffer.getInt(offset);
      int storedCrc = buffer.getInt(offset + 4);
      if (length <= 0 || length > maxBytes) {
        boolean torn = zeros(bytes, offset) || (length > maxBytes && length > remaining - HEADER_BYTES);
        return new Scan(entries, offset, new Damage(torn, offset, "impossible record length " + length));
      }
      if (length > remaining - HEADER_BYTES) {
        return new Scan(entries, offset, new Damage(true, offset,
            "record of " + length + " bytes cut at " + (remaining - HEADER_BYTES)));
      }
      if (crc(length, bytes, offset + HEADER_BYTES) != storedCrc) {
        boolean last = offset + HEADER_BYTES + length == bytes.length;
        return new Scan(entries, offset, new Damage(last || zeros(bytes, offset + HEADER_BYTES + length), offset,
            "checksum mismatch in a record of " + length + " bytes"));
      }
      byte[] payload = new byte[length];
      System.arraycopy(bytes, offset + HEADER_BYTES, payload, 0, length);
      entries.add(new Entry(offset, payload));
      offset += HEADER_BYTES + length;
    }
    return new Scan(entries, offset, null);
  }

  private static int crc(int length, byte[] payload, int from) {
    CRC32C crc = new CRC32C();
    crc.update(ByteBuffer.allocate(4).putInt(0, length));
    crc.update(payload, from, length);
    return (int) crc.getValue();
  }

  /** True if every byte from {@code from} to the end is zero (a file extended but never written). */
  private static boolean zeros(byte[] bytes, int from) {
    for (int i = from; i < bytes.length; i++) {
      if (bytes[i] != 0) {
        return false;
      }
    }
    return true;
  }
}
