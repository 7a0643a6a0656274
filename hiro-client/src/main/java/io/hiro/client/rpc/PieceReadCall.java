package io.hiro.client.rpc;

import io.grpc.CallOptions;
import io.grpc.Context;
import io.grpc.ManagedChannel;
import io.grpc.MethodDescriptor;
import io.grpc.StatusRuntimeException;
import io.grpc.stub.ClientCalls;
import io.hiro.common.Crc32c;
import io.hiro.common.ErrorCode;
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
import java.util.function.LongConsumer;

/**
 * Reads one whole replica with ReadPiece and hands its bytes, in order, to a sink, or parses them
 * straight into the piece's array ({@link PieceSink#array}). Every message's CRC32C, its offset and
 * the total length are checked: a mismatch is a DATA_LOSS {@link HiroException}; the worker's own
 * DATA_LOSS (it found the replica corrupt) is a {@link CorruptOnWorkerException}. The blocking
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
      return array(into, end -> {});
    }

    /**
     * As {@link #array(byte[])}, telling {@code reached} how far the piece's bytes have come after
     * each message that passed its checks (from the first byte again if another replica is read).
     */
    static PieceSink array(byte[] into, LongConsumer reached) {
      return new ArraySink(into, reached);
    }
  }

  /**
   * {@link PieceSink#array}. {@link #read} never calls its {@code write}, which copies, so that it is a
   * sink like any other.
   */
  private record ArraySink(byte[] into, LongConsumer reached) implements PieceSink {
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
      return readInto(channel, worker, piece, array);
    }
    return stream(channel, worker, piece, READ_PIECE, new Receiver<>() {
      @Override
      public Message check(ReadPieceResponse message, long received) {
        PieceData data = message.getData();
        return new Message(data.getOffset(), data.getData().size(), false, data.getCrc32C(),
            Crc32c.of(ByteStrings.view(data.getData())));
      }

      @Override
      public void take(ReadPieceResponse message, long received) {
        sink.write(received, ByteStrings.view(message.getData().getData()));
      }
    });
  }

  /** {@link #read} into {@code into[0..length)}, each message's bytes parsed straight to their place. */
  private static int readInto(ManagedChannel channel, WorkerRef worker, PieceRef piece, ArraySink sink) {
    byte[] into = sink.into();
    PlacingMarshaller placing = new PlacingMarshaller(into, Math.toIntExact(piece.getLength()));
    try {
      return stream(channel, worker, piece, READ_PIECE.toBuilder(READ_PIECE.getRequestMarshaller(), placing).build(),
          new Receiver<>() {
            @Override
            public Message check(PlacingMarshaller.Placed placed, long received) {
              return new Message(placed.offset(), placed.length(), placed.tooLong(), placed.crc32c(),
                  placed.tooLong() ? 0 : Crc32c.of(into, (int) received, placed.length()));
            }

            @Override
            public void take(PlacingMarshaller.Placed placed, long received) {
              sink.reached().accept(received + placed.length());
            }
          });
    } finally {
      // Before the array goes back to the caller (who may give it to the next replica's read):
      // a message gRPC is still parsing must not write into it any more.
      placing.close();
    }
  }

  /** One message as the checks see it: what it claims, and the CRC32C its bytes have. */
  private record Message(long offset, int length, boolean tooLong, int claimedCrc, int actualCrc) {}

  /** How a read sees its answers of type {@code M}. */
  @FunctionalInterface
  private interface Receiver<M> {
    /** {@code message}, the next after {@code received} bytes, as the checks see it. */
    Message check(M message, long received);

    /** Takes the bytes of {@code message}, once they passed the checks. */
    default void take(M message, long received) {}
  }

  /** Reads {@code piece} with {@code method}, checking every answer; returns the CRC32C of the bytes received. */
  private static <M> int stream(ManagedChannel channel, WorkerRef worker, PieceRef piece,
      MethodDescriptor<ReadPieceRequest, M> method, Receiver<M> receiver) {
    String endpoint = WorkerChannels.endpoint(worker);
    PieceId id = new PieceId(piece.getPieceId());
    // A cancellable context ends the stream at once when we stop early (a bad message), instead of at its deadline.
    Context.CancellableContext context = Context.current().withCancellation();
    Context previous = context.attach();
    try {
      Iterator<M> messages = ClientCalls.blockingServerStreamingCall(channel, method, callOptions(piece),
          request(piece));
      int pieceCrc = 0;
      long received = 0;
      while (messages.hasNext()) {
        M answer = messages.next();
        Message message = receiver.check(answer, received);
        checkMessage(endpoint, id, piece.getLength(), received, message);
        receiver.take(answer, received);
        pieceCrc = Crc32c.combine(pieceCrc, message.claimedCrc(), message.length());
        received += message.length();
      }
      if (received != piece.getLength()) {
        throw HiroException.dataLoss("piece %s from %s ended after %d of %d bytes", id, endpoint, received,
            piece.getLength());
      }
      return pieceCrc;
    } catch (StatusRuntimeException e) {
      HiroException answer = StatusMapping.fromGrpc(e, endpoint);
      throw answer.code() == ErrorCode.DATA_LOSS ? new CorruptOnWorkerException(answer) : answer;
    } finally {
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

  /** Checks one message, the next after {@code received} bytes of a piece of {@code lengthBytes}. */
  private static void checkMessage(String endpoint, PieceId id, long lengthBytes, long received, Message message) {
    if (message.offset() != received) {
      throw HiroException.dataLoss("piece %s from %s: a message starts at offset %d, expected %d", id, endpoint,
          message.offset(), received);
    }
    if (message.tooLong() || received + message.length() > lengthBytes) {
      throw HiroException.dataLoss("piece %s from %s is longer than its %d bytes", id, endpoint, lengthBytes);
    }
    if (message.actualCrc() != message.claimedCrc()) {
      throw HiroException.dataLoss("piece %s from %s: the message at offset %d failed its CRC32C", id, endpoint,
          message.offset());
    }
  }
}
