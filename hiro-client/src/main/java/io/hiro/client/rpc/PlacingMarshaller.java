package io.hiro.client.rpc;

import io.grpc.MethodDescriptor;
import io.grpc.Status;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Parses one ReadPiece stream's answers ({@code ReadPieceResponse}, protobuf's wire format) and
 * reads each message's bytes from gRPC's receive buffers straight to their place in the piece's
 * array: no array per message, and one copy of every byte less than protobuf's parser, which
 * copies the bytes into a message of their own that the reader then copies again.
 *
 * <p>The bytes of each message go where the bytes before them ended ({@link Placed} says what the
 * message claimed; {@link PieceReadCall} checks its offset and CRC32C there). A message that would
 * end past the piece's length places nothing. gRPC parses on the network thread, and a parse
 * already under way can still run after the reader gave up on the call (an interrupt, a deadline);
 * so parses hold a lock, and after {@link #close()} returns nothing more is written into the
 * array, which can then be given to the next replica's read at once.
 *
 * <p>Every field is read as protobuf would: in any order, unknown fields skipped, the last value of
 * a field kept, a message field met twice merged. Groups (deprecated wire types 3 and 4), which no
 * worker sends, fail the message.
 *
 * <p>Public for the bench's bare get ({@code limit.grpc_get}), which reads as Hiro's client does.
 */
public final class PlacingMarshaller implements MethodDescriptor.Marshaller<PlacingMarshaller.Placed> {
  /** What one message claimed, and how many bytes of data it placed; {@code tooLong}: it placed none. */
  public record Placed(long offset, int length, int crc32c, boolean tooLong) {}

  /** The answer of a parse after {@link #close()}: nothing placed. */
  static final Placed DISCARDED = new Placed(-1, 0, 0, true);

  private static final int WIRE_VARINT = 0;
  private static final int WIRE_FIXED64 = 1;
  private static final int WIRE_LENGTH = 2;
  private static final int WIRE_FIXED32 = 5;
  /** ReadPieceResponse.data, and PieceData's offset, data and crc32c (worker.proto). */
  private static final int RESPONSE_DATA = 1;
  private static final int OFFSET = 1;
  private static final int DATA = 2;
  private static final int CRC32C = 3;

  private final byte[] into;
  private final int limit;
  private final ReentrantLock lock = new ReentrantLock();
  /** Where the next message's bytes go; guarded by {@link #lock}. */
  private int next;
  private boolean closed;

  /** Places a piece of {@code limit} bytes into {@code into[0..limit)}. */
  public PlacingMarshaller(byte[] into, int limit) {
    if (limit < 0 || limit > into.length) {
      throw new IllegalArgumentException("a piece of " + limit + " bytes does not fit " + into.length);
    }
    this.into = into;
    this.limit = limit;
  }

  /** Ends the placing: returns once no parse writes into the array any more, nor will. */
  public void close() {
    lock.lock();
    try {
      closed = true;
    } finally {
      lock.unlock();
    }
  }

  @Override
  public InputStream stream(Placed value) {
    throw new UnsupportedOperationException("ReadPiece's answers are only received");
  }

  @Override
  public Placed parse(InputStream stream) {
    lock.lock();
    try {
      if (closed) {
        return DISCARDED;
      }
      Message message = new Message();
      Wire wire = new Wire(stream);
      for (int tag = wire.tagOrEnd(); tag != 0; tag = wire.tagOrEnd()) {
        if (tag == (RESPONSE_DATA << 3 | WIRE_LENGTH)) {
          long length = wire.length(Long.MAX_VALUE);
          parsePieceData(wire, wire.position + length, message);
        } else {
          wire.skip(tag, Long.MAX_VALUE);
        }
      }
      if (!message.tooLong) {
        next += message.length;
      }
      return new Placed(message.offset, message.length, message.crc32c, message.tooLong);
    } catch (IOException e) {
      throw Status.INTERNAL.withDescription("invalid protobuf message").withCause(e).asRuntimeException();
    } finally {
      lock.unlock();
    }
  }

  /** Reads PieceData's fields up to {@code end}, its data into {@code into} at {@link #next}. */
  private void parsePieceData(Wire wire, long end, Message message) throws IOException {
    while (wire.position < end) {
      int tag = wire.tag();
      if (tag == (OFFSET << 3 | WIRE_VARINT)) {
        message.offset = wire.varint();
      } else if (tag == (DATA << 3 | WIRE_LENGTH)) {
        int length = (int) wire.length(end);
        message.tooLong = length > limit - next; // the field's last value counts, as in protobuf
        if (message.tooLong) {
          message.length = 0;
          wire.skipBytes(length);
        } else {
          wire.readFully(into, next, length);
          message.length = length;
        }
      } else if (tag == (CRC32C << 3 | WIRE_FIXED32)) {
        message.crc32c = wire.fixed32();
      } else {
        wire.skip(tag, end);
      }
    }
    if (wire.position != end) {
      throw new IOException("a field runs past the end of its message");
    }
  }

  /** The fields of one message, the last value of each. */
  private static final class Message {
    long offset;
    int length;
    int crc32c;
    boolean tooLong;
  }

  /** Protobuf's wire format read from a stream, counting the bytes read. */
  private static final class Wire {
    private final InputStream in;
    long position;

    Wire(InputStream in) {
      this.in = in;
    }

    /** The next field's tag, or 0 at the end of the stream. */
    int tagOrEnd() throws IOException {
      int first = in.read();
      if (first < 0) {
        return 0;
      }
      position++;
      return checkTag(varintFrom(first));
    }

    int tag() throws IOException {
      return checkTag(varint());
    }

    private static int checkTag(long tag) throws IOException {
      if (tag >>> 3 == 0 || tag > Integer.MAX_VALUE) {
        throw new IOException("invalid tag " + tag);
      }
      return (int) tag;
    }

    long varint() throws IOException {
      return varintFrom(readByte());
    }

    private long varintFrom(int first) throws IOException {
      long value = first & 0x7f;
      int b = first;
      for (int shift = 7; (b & 0x80) != 0; shift += 7) {
        if (shift > 63) {
          throw new IOException("a varint longer than 10 bytes");
        }
        b = readByte();
        value |= (long) (b & 0x7f) << shift;
      }
      return value;
    }

    /** A length-delimited field's length; the field must end by {@code end} (a position in the stream). */
    long length(long end) throws IOException {
      long length = varint();
      if (length < 0 || length > end - position || length > Integer.MAX_VALUE) {
        throw new IOException("a field of " + length + " bytes where at most " + (end - position) + " are left");
      }
      return length;
    }

    int fixed32() throws IOException {
      int value = 0;
      for (int i = 0; i < 4; i++) {
        value |= readByte() << (8 * i);
      }
      return value;
    }

    void readFully(byte[] into, int offset, int length) throws IOException {
      if (in.readNBytes(into, offset, length) != length) {
        throw new EOFException("the message ended inside a field");
      }
      position += length;
    }

    void skipBytes(long length) throws IOException {
      in.skipNBytes(length);
      position += length;
    }

    /** Skips the value of a field that is not read; a length-delimited one must end by {@code end}. */
    void skip(int tag, long end) throws IOException {
      switch (tag & 7) {
        case WIRE_VARINT -> varint();
        case WIRE_FIXED64 -> skipBytes(8);
        case WIRE_LENGTH -> skipBytes(length(end));
        case WIRE_FIXED32 -> skipBytes(4);
        default -> throw new IOException("unsupported wire type " + (tag & 7));
      }
    }

    private int readByte() throws IOException {
      int b = in.read();
      if (b < 0) {
        throw new EOFException("the message ended inside a field");
      }
      position++;
      return b;
    }
  }
}
