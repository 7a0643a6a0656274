package io.hiro.client.rpc;

import io.grpc.CallOptions;
import io.grpc.Context;
import io.grpc.ManagedChannel;
import io.grpc.MethodDescriptor;
import io.grpc.StatusRuntimeException;
import io.grpc.stub.ClientCalls;
import io.hiro.common.Crc32c;
import io.hiro.common.HiroException;
import io.hiro.common.PieceId;
import io.hiro.common.rpc.AliasingMarshaller;
import io.hiro.common.rpc.ByteStrings;
import io.hiro.common.rpc.Rpc;
import io.hiro.common.rpc.StatusMapping;
import io.hiro.proto.DataServiceGrpc;
import io.hiro.proto.PieceData;
import io.hiro.proto.PieceRef;
import io.hiro.proto.ReadPieceRequest;
import io.hiro.proto.ReadPieceResponse;
import io.hiro.proto.WorkerRef;
import java.nio.ByteBuffer;
import java.util.Iterator;
import java.util.concurrent.TimeUnit;

/**
 * Reads one whole replica with ReadPiece and hands its bytes, in order, to a sink, or parses them
 * straight into the piece's array ({@link PieceSink#array}). Every message's CRC32C, its offset and
 * the total length are checked: a mismatch is a DATA_LOSS {@link HiroException}. The blocking
 * stream pulls one message at a time, so memory stays bounded.
 */
public final class PieceReadCall {
  /**
   * Slowest transfer a read is given time for, on top of {@link Rpc#STREAM_IDLE_DEADLINE_MILLIS}:
   * the stream's deadline grows with the piece so large pieces are not cut.
   */
  static final long READ_RATE_MIN_BYTES_PER_SECOND = 1024 * 1024;

  /** Takes the bytes at {@code offsetInPiece}; {@code data} is only valid during the call. */
  @FunctionalInterface
  public interface PieceSink {
    void write(long offsetInPiece, ByteBuffer data);

    /**
     * A sink that is the piece's array, {@code into[0..length)}: a read parses the messages'
     * bytes straight into it ({@link PlacingMarshaller}), one copy less than through a sink.
     */
    static PieceSink array(byte[] into) {
      return new ArraySink(into);
    }
  }

  /** {@link PieceSink#array}. {@link #read} never calls its {@code write}, which copies, so that it is a sink like any other. */
  private record ArraySink(byte[] into) implements PieceSink {
    @Override
    public void write(long offsetInPiece, ByteBuffer data) {
      data.get(into, Math.toIntExact(offsetInPiece), data.remaining());
    }
  }

  /** ReadPiece with its answers parsed with aliasing (one copy of the bytes less). */
  private static final MethodDescriptor<ReadPieceRequest, ReadPieceResponse> READ_PIECE =
      AliasingMarshaller.forResponses(DataServiceGrpc.getReadPieceMethod(), ReadPieceResponse.getDefaultInstance());

  private PieceReadCall() {}

  /** Streams {@code piece} from {@code worker} into {@code sink}; returns the CRC32C of the bytes received. */
  public static int read(ManagedChannel channel, WorkerRef worker, PieceRef piece, PieceSink sink) {
    if (sink instanceof ArraySink array) {
      return readInto(channel, worker, piece, array.into());
    }
    String endpoint = WorkerChannels.endpoint(worker);
    PieceId id = new PieceId(piece.getPieceId());
    // A cancellable context ends the stream at once when we stop early (a bad message), instead of at its deadline.
    Context.CancellableContext context = Context.current().withCancellation();
    Context previous = context.attach();
    try {
      Iterator<ReadPieceResponse> messages = ClientCalls.blockingServerStreamingCall(channel, READ_PIECE,
          callOptions(piece), request(piece));
      int pieceCrc = 0;
      long received = 0;
      while (messages.hasNext()) {
        PieceData data = messages.next().getData();
        ByteBuffer bytes = ByteStrings.view(data.getData());
        int length = data.getData().size();
        checkMessage(endpoint, id, piece.getLength(), received, data.getOffset(), length, false, data.getCrc32C(),
            Crc32c.of(bytes));
        pieceCrc = Crc32c.combine(pieceCrc, data.getCrc32C(), length);
        sink.write(received, bytes);
        received += length;
      }
      checkEnd(endpoint, id, piece.getLength(), received);
      return pieceCrc;
    } catch (StatusRuntimeException e) {
      throw StatusMapping.fromGrpc(e, endpoint);
    } finally {
      context.detach(previous);
      context.cancel(null);
    }
  }

  /** {@link #read} into {@code into[0..length)}, each message's bytes parsed straight to their place. */
  private static int readInto(ManagedChannel channel, WorkerRef worker, PieceRef piece, byte[] into) {
    String endpoint = WorkerChannels.endpoint(worker);
    PieceId id = new PieceId(piece.getPieceId());
    PlacingMarshaller placing = new PlacingMarshaller(into, Math.toIntExact(piece.getLength()));
    MethodDescriptor<ReadPieceRequest, PlacingMarshaller.Placed> method = READ_PIECE.toBuilder(
        READ_PIECE.getRequestMarshaller(), placing).build();
    Context.CancellableContext context = Context.current().withCancellation();
    Context previous = context.attach();
    try {
      Iterator<PlacingMarshaller.Placed> messages = ClientCalls.blockingServerStreamingCall(channel, method,
          callOptions(piece), request(piece));
      int pieceCrc = 0;
      int received = 0;
      while (messages.hasNext()) {
        PlacingMarshaller.Placed message = messages.next();
        checkMessage(endpoint, id, piece.getLength(), received, message.offset(), message.length(),
            message.tooLong(), message.crc32c(), message.tooLong() ? 0 : Crc32c.of(into, received, message.length()));
        pieceCrc = Crc32c.combine(pieceCrc, message.crc32c(), message.length());
        received += message.length();
      }
      checkEnd(endpoint, id, piece.getLength(), received);
      return pieceCrc;
    } catch (StatusRuntimeException e) {
      throw StatusMapping.fromGrpc(e, endpoint);
    } finally {
      // Before the array goes back to the caller (who may give it to the next replica's read):
      // a message gRPC is still parsing must not write into it any more.
      placing.close();
      context.detach(previous);
      context.cancel(null);
    }
  }

  private static CallOptions callOptions(PieceRef piece) {
    long deadlineMillis = Rpc.STREAM_IDLE_DEADLINE_MILLIS + piece.getLength() * 1000 / READ_RATE_MIN_BYTES_PER_SECOND;
    return CallOptions.DEFAULT.withDeadlineAfter(deadlineMillis, TimeUnit.MILLISECONDS);
  }

  private static ReadPieceRequest request(PieceRef piece) {
    return ReadPieceRequest.newBuilder()
        .setPieceId(piece.getPieceId()).setOffset(0).setLength(0).setToken(piece.getToken()).build();
  }

  private static void checkEnd(String endpoint, PieceId id, long lengthBytes, long received) {
    if (received != lengthBytes) {
      throw HiroException.dataLoss("piece %s from %s ended after %d of %d bytes", id, endpoint, received, lengthBytes);
    }
  }

  /**
   * Checks one message that claims {@code offset} and {@code claimedCrc} for {@code length} bytes
   * whose CRC32C is {@code actualCrc}; {@code tooLong}: its bytes would end past the piece.
   */
  private static void checkMessage(String endpoint, PieceId id, long lengthBytes, long received, long offset,
      int length, boolean tooLong, int claimedCrc, int actualCrc) {
    if (offset != received) {
      throw HiroException.dataLoss("piece %s from %s: a message starts at offset %d, expected %d", id, endpoint,
          offset, received);
    }
    if (tooLong || received + length > lengthBytes) {
      throw HiroException.dataLoss("piece %s from %s is longer than its %d bytes", id, endpoint, lengthBytes);
    }
    if (actualCrc != claimedCrc) {
      throw HiroException.dataLoss("piece %s from %s: the message at offset %d failed its CRC32C", id, endpoint,
          offset);
    }
  }
}
