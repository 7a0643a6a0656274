package io.hiro.client.rpc;

import io.grpc.CallOptions;
import io.grpc.ClientCall;
import io.grpc.Context;
import io.grpc.ManagedChannel;
import io.grpc.Metadata;
import io.grpc.MethodDescriptor;
import io.grpc.Status;
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
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import java.util.function.LongConsumer;

/**
 * Reads one whole replica with ReadPiece and hands its bytes, in order, to a sink, or parses them
 * straight into the piece's array ({@link PieceSink#array}). Every message's CRC32C, its offset and
 * the total length are checked: a mismatch is a DATA_LOSS {@link HiroException}; the worker's own
 * DATA_LOSS (it found the replica corrupt) is a {@link CorruptOnWorkerException}. A read asks for
 * one message at a time (a sink's on the calling thread, an array's on the network thread, as each
 * is placed), so memory stays bounded.
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
     * each message that passed its checks, and 0 when the read begins (so again when another
     * replica is read, from the first byte).
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
    return stream(channel, worker, piece, sink);
  }

  /**
   * {@link #read} into {@code into[0..length)}: each message's bytes are parsed straight to their
   * place and checked on the network thread that received them, and this thread waits for the end.
   * Through the blocking stream each message went from the network thread to one of gRPC's threads,
   * which parsed it, and then to this one, which checked it: the client's receive buffers were held
   * meanwhile, and its cat took 0.2-0.4 s more CPU per GiB than a bare get that does the same checks
   * on the network thread (docs/BENCHMARKS.md, session 37).
   */
  private static int readInto(ManagedChannel channel, WorkerRef worker, PieceRef piece, ArraySink sink) {
    PlacingMarshaller placing = new PlacingMarshaller(sink.into(), Math.toIntExact(piece.getLength()));
    ArrayRead read = new ArrayRead(WorkerChannels.endpoint(worker), piece, sink);
    ClientCall<ReadPieceRequest, PlacingMarshaller.Placed> call = channel.newCall(
        READ_PIECE.toBuilder(READ_PIECE.getRequestMarshaller(), placing).build(),
        callOptions(piece).withExecutor(ON_NETWORK_THREAD));
    sink.reached().accept(0);
    try {
      return read.run(call, request(piece));
    } finally {
      // Before the array goes back to the caller (who may give it to the next replica's read):
      // a message gRPC is still parsing must not write into it any more, nor be checked or counted.
      placing.close();
      read.end();
    }
  }

  /** Runs a read's parses and checks on the network thread that received the message. */
  private static final Executor ON_NETWORK_THREAD = Runnable::run;

  /**
   * One read into a piece's array, as gRPC's listener: checks each message where it was placed
   * (gRPC calls it one message at a time) and asks for the next; {@link #run} waits for the answer.
   */
  private static final class ArrayRead extends ClientCall.Listener<PlacingMarshaller.Placed> {
    private final String endpoint;
    private final PieceId id;
    private final long lengthBytes;
    private final ArraySink sink;
    private final CompletableFuture<Integer> result = new CompletableFuture<>();
    private ClientCall<ReadPieceRequest, PlacingMarshaller.Placed> call;
    /** Set by {@link #end}: messages still coming are neither checked nor counted. Guarded by this. */
    private boolean ended;
    private long received;
    private int pieceCrc;

    ArrayRead(String endpoint, PieceRef piece, ArraySink sink) {
      this.endpoint = endpoint;
      this.id = new PieceId(piece.getPieceId());
      this.lengthBytes = piece.getLength();
      this.sink = sink;
    }

    /** Starts {@code call} with {@code request} and waits for its end; returns the CRC32C of the bytes received. */
    int run(ClientCall<ReadPieceRequest, PlacingMarshaller.Placed> call, ReadPieceRequest request) {
      this.call = call;
      try {
        call.start(this, new Metadata());
        call.sendMessage(request);
        call.halfClose();
        call.request(1);
      } catch (RuntimeException | Error e) {
        cancel("the read could not start", e);
        throw e;
      }
      try {
        return result.get();
      } catch (InterruptedException e) {
        // As gRPC's blocking stream does: the call is cancelled, and the thread stays interrupted.
        cancel("the reading thread was interrupted", e);
        Thread.currentThread().interrupt();
        throw StatusMapping.fromGrpc(Status.CANCELLED.withDescription("Thread interrupted").withCause(e)
            .asRuntimeException(), endpoint);
      } catch (ExecutionException e) {
        if (e.getCause() instanceof RuntimeException failure) {
          throw failure;
        }
        if (e.getCause() instanceof Error error) {
          throw error;
        }
        throw new IllegalStateException(e.getCause());
      }
    }

    /** Cancels the call, from the reading thread: one thread at a time calls it, as gRPC asks. */
    private synchronized void cancel(String why, Throwable cause) {
      call.cancel(why, cause);
    }

    /** Ends the read for its listener: once this returns, no message is checked or counted. */
    synchronized void end() {
      ended = true;
    }

    @Override
    public synchronized void onMessage(PlacingMarshaller.Placed placed) {
      if (ended || result.isDone()) {
        return;
      }
      try {
        byte[] into = sink.into();
        Message message = new Message(placed.offset(), placed.length(), placed.tooLong(), placed.crc32c(),
            placed.tooLong() ? 0 : Crc32c.of(into, (int) received, placed.length()));
        checkMessage(endpoint, id, lengthBytes, received, message);
        pieceCrc = Crc32c.combine(pieceCrc, message.claimedCrc(), message.length());
        received += message.length();
        sink.reached().accept(received);
      } catch (RuntimeException | Error e) {
        // A bad message ends the stream at once, instead of at its deadline.
        result.completeExceptionally(e);
        call.cancel("the read failed", e);
        return;
      }
      call.request(1);
    }

    @Override
    public synchronized void onClose(Status status, Metadata trailers) {
      if (result.isDone()) {
        return;
      }
      if (!status.isOk()) {
        result.completeExceptionally(fromWorker(status.asRuntimeException(trailers), endpoint));
      } else if (received != lengthBytes) {
        result.completeExceptionally(HiroException.dataLoss("piece %s from %s ended after %d of %d bytes", id,
            endpoint, received, lengthBytes));
      } else {
        result.complete(pieceCrc);
      }
    }
  }

  /** One message as the checks see it: what it claims, and the CRC32C its bytes have. */
  private record Message(long offset, int length, boolean tooLong, int claimedCrc, int actualCrc) {}

  /**
   * Reads {@code piece} through the blocking stream into {@code sink}, checking every answer on this
   * thread; returns the CRC32C of the bytes received.
   */
  private static int stream(ManagedChannel channel, WorkerRef worker, PieceRef piece, PieceSink sink) {
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
        checkMessage(endpoint, id, piece.getLength(), received, new Message(data.getOffset(), bytes.remaining(),
            false, data.getCrc32C(), Crc32c.of(bytes)));
        sink.write(received, bytes);
        pieceCrc = Crc32c.combine(pieceCrc, data.getCrc32C(), data.getData().size());
        received += data.getData().size();
      }
      if (received != piece.getLength()) {
        throw HiroException.dataLoss("piece %s from %s ended after %d of %d bytes", id, endpoint, received,
            piece.getLength());
      }
      return pieceCrc;
    } catch (StatusRuntimeException e) {
      throw fromWorker(e, endpoint);
    } finally {
      context.detach(previous);
      context.cancel(null);
    }
  }

  /** A failed call's status as a {@link HiroException}; the worker's own DATA_LOSS is a {@link CorruptOnWorkerException}. */
  private static HiroException fromWorker(StatusRuntimeException e, String endpoint) {
    HiroException answer = StatusMapping.fromGrpc(e, endpoint);
    return answer.code() == ErrorCode.DATA_LOSS ? new CorruptOnWorkerException(answer) : answer;
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
