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
import java.util.zip.CRC32C;

/**
 * Reads one whole replica with ReadPiece and hands its bytes, in order, to a sink. Every message's
 * CRC32C, its offset and the total length are checked: a mismatch is a DATA_LOSS
 * {@link HiroException}. The blocking stream pulls one message at a time, so memory stays bounded.
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
  }

  /** ReadPiece with its answers parsed with aliasing (one copy of the bytes less). */
  private static final MethodDescriptor<ReadPieceRequest, ReadPieceResponse> READ_PIECE =
      AliasingMarshaller.forResponses(DataServiceGrpc.getReadPieceMethod(), ReadPieceResponse.getDefaultInstance());

  private PieceReadCall() {}

  /** Streams {@code piece} from {@code worker} into {@code sink}; returns the CRC32C of the bytes received. */
  public static int read(ManagedChannel channel, WorkerRef worker, PieceRef piece, PieceSink sink) {
    String endpoint = WorkerChannels.endpoint(worker);
    PieceId id = new PieceId(piece.getPieceId());
    long deadlineMillis = Rpc.STREAM_IDLE_DEADLINE_MILLIS + piece.getLength() * 1000 / READ_RATE_MIN_BYTES_PER_SECOND;
    ReadPieceRequest request = ReadPieceRequest.newBuilder()
        .setPieceId(piece.getPieceId()).setOffset(0).setLength(0).setToken(piece.getToken()).build();
    // A cancellable context ends the stream at once when we stop early (a bad message), instead of at its deadline.
    Context.CancellableContext context = Context.current().withCancellation();
    Context previous = context.attach();
    try {
      Iterator<ReadPieceResponse> messages = ClientCalls.blockingServerStreamingCall(channel, READ_PIECE,
          CallOptions.DEFAULT.withDeadlineAfter(deadlineMillis, TimeUnit.MILLISECONDS), request);
      CRC32C pieceCrc = new CRC32C();
      long received = 0;
      while (messages.hasNext()) {
        PieceData data = messages.next().getData();
        ByteBuffer bytes = ByteStrings.view(data.getData());
        checkMessage(endpoint, id, piece.getLength(), received, data, bytes);
        pieceCrc.update(bytes.duplicate());
        sink.write(received, bytes);
        received += data.getData().size();
      }
      if (received != piece.getLength()) {
        throw HiroException.dataLoss("piece %s from %s ended after %d of %d bytes", id, endpoint, received,
            piece.getLength());
      }
      return (int) pieceCrc.getValue();
    } catch (StatusRuntimeException e) {
      throw StatusMapping.fromGrpc(e, endpoint);
    } finally {
      context.detach(previous);
      context.cancel(null);
    }
  }

  /** Checks one message; {@code bytes} is its data. */
  private static void checkMessage(String endpoint, PieceId id, long lengthBytes, long received, PieceData data,
      ByteBuffer bytes) {
    if (data.getOffset() != received) {
      throw HiroException.dataLoss("piece %s from %s: a message starts at offset %d, expected %d", id, endpoint,
          data.getOffset(), received);
    }
    if (received + data.getData().size() > lengthBytes) {
      throw HiroException.dataLoss("piece %s from %s is longer than its %d bytes", id, endpoint, lengthBytes);
    }
    if (Crc32c.of(bytes) != data.getCrc32C()) {
      throw HiroException.dataLoss("piece %s from %s: the message at offset %d failed its CRC32C", id, endpoint,
          data.getOffset());
    }
  }
}
