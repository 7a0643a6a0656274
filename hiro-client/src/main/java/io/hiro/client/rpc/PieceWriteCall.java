package io.hiro.client.rpc;

import com.google.protobuf.UnsafeByteOperations;
import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.grpc.stub.ClientCallStreamObserver;
import io.grpc.stub.ClientResponseObserver;
import io.hiro.common.Crc32c;
import io.hiro.common.HiroException;
import io.hiro.common.Limits;
import io.hiro.common.rpc.Rpc;
import io.hiro.common.rpc.StatusMapping;
import io.hiro.proto.DataServiceGrpc;
import io.hiro.proto.PieceData;
import io.hiro.proto.WholePiece;
import io.hiro.proto.WorkerRef;
import io.hiro.proto.WritePieceHeader;
import io.hiro.proto.WritePieceRequest;
import io.hiro.proto.WritePieceResponse;
import java.nio.ByteBuffer;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Sends one piece to a chain's primary. A piece of up to {@link Limits#MESSAGE_DATA_BYTES} goes in
 * one WriteWholePiece call, header and data together (docs/BENCHMARKS.md, session 20). A longer one
 * (or any, to a worker of an older version without that method) is a WritePiece stream: the header,
 * then data messages of {@link Limits#MESSAGE_DATA_BYTES} each with its CRC32C. After the first data
 * message it sends only while the call is ready (gRPC flow control) and otherwise waits for the
 * onReady signal, so a slow chain slows the caller instead of filling memory: the messages in flight
 * are bounded by the HTTP/2 flow-control window, plus the first one.
 */
public final class PieceWriteCall {
  /** Fills {@code into} (cleared, limit set to the bytes wanted) with the piece's bytes from {@code offsetInPiece}. */
  @FunctionalInterface
  public interface PieceReader {
    void read(long offsetInPiece, ByteBuffer into);
  }

  private static final Logger LOG = LoggerFactory.getLogger(PieceWriteCall.class);

  /** What the primary answered, and the CRC32C of the whole piece as sent. */
  public record Result(WritePieceResponse response, int crc32c) {}

  private final ReentrantLock lock = new ReentrantLock();
  private final Condition changed = lock.newCondition();
  private final String endpoint;
  private WritePieceResponse response;
  private Throwable failure;
  private boolean finished;

  private PieceWriteCall(String endpoint) {
    this.endpoint = endpoint;
  }

  /**
   * Sends the piece described by {@code header} to {@code primary} and waits for its answer.
   * Failures of the call are {@link HiroException}s naming the worker; exceptions thrown by
   * {@code reader} cancel the call and are rethrown unchanged.
   */
  public static Result write(ManagedChannel channel, WorkerRef primary, WritePieceHeader header, PieceReader reader) {
    String endpoint = WorkerChannels.endpoint(primary);
    if (header.getLength() <= Limits.MESSAGE_DATA_BYTES) {
      Optional<Result> whole = new PieceWriteCall(endpoint).whole(channel, header, reader);
      if (whole.isPresent()) {
        return whole.get();
      }
      LOG.debug("{} has no WriteWholePiece (an older version); piece {} goes as a stream", endpoint,
          header.getPieceId());
    }
    return new PieceWriteCall(endpoint).stream(channel, header, reader);
  }

  /** The piece in one call; empty when the worker does not know the method (UNIMPLEMENTED). */
  private Optional<Result> whole(ManagedChannel channel, WritePieceHeader header, PieceReader reader) {
    int length = (int) header.getLength();
    ByteBuffer buffer = read(reader, 0, length);
    int crc32c = Crc32c.of(buffer);
    WholePiece.Builder piece = WholePiece.newBuilder().setHeader(header);
    if (length > 0) {
      piece.setData(PieceData.newBuilder().setOffset(0).setData(UnsafeByteOperations.unsafeWrap(buffer.array()))
          .setCrc32C(crc32c));
    }
    Observer<WholePiece> observer = new Observer<>(false);
    DataServiceGrpc.newStub(channel).withExecutor(Runnable::run).writeWholePiece(piece.build(), observer);
    try {
      return Optional.of(new Result(awaitResponse(), crc32c));
    } catch (HiroException e) {
      if (refusedAsUnknown()) {
        return Optional.empty();
      }
      observer.call.cancel("the client stopped waiting for the piece", e);
      throw e;
    }
  }

  private Result stream(ManagedChannel channel, WritePieceHeader header, PieceReader reader) {
    // The observer only records what arrived and wakes the caller, so it runs on the network thread
    // that received it: no hand-off to another thread per callback.
    ClientCallStreamObserver<WritePieceRequest> call = (ClientCallStreamObserver<WritePieceRequest>)
        DataServiceGrpc.newStub(channel).withExecutor(Runnable::run).writePiece(new Observer<WritePieceRequest>(true));
    try {
      int crc32c = send(call, header, reader);
      call.onCompleted();
      return new Result(awaitResponse(), crc32c);
    } catch (RuntimeException | Error e) {
      call.cancel("the client stopped sending the piece", e);
      throw e;
    }
  }

  /**
   * Sends the header, then the data messages. The first message's bytes are read before the header
   * goes out, so the header does not leave alone while the file is read: a small piece's header,
   * data and end are handed to gRPC one right after the other (docs/BENCHMARKS.md, session 19).
   */
  private int send(ClientCallStreamObserver<WritePieceRequest> call, WritePieceHeader header, PieceReader reader) {
    long lengthBytes = header.getLength();
    int messageBytesMax = (int) Math.min(Limits.MESSAGE_DATA_BYTES, Math.max(lengthBytes, 1));
    int pieceCrc = 0;
    long offset = 0;
    do {
      if (offset > 0) {
        // The first message goes at once, before the new stream reports ready: gRPC holds it until
        // then, and a small piece saves the wait for that signal. Later ones wait for flow control.
        awaitReady(call);
      }
      int length = (int) Math.min(messageBytesMax, lengthBytes - offset);
      ByteBuffer buffer = read(reader, offset, length);
      int messageCrc = Crc32c.of(buffer);
      pieceCrc = Crc32c.combine(pieceCrc, messageCrc, length);
      if (offset == 0) {
        call.onNext(WritePieceRequest.newBuilder().setHeader(header).build());
      }
      if (length > 0) {
        call.onNext(WritePieceRequest.newBuilder()
            .setData(PieceData.newBuilder().setOffset(offset).setData(UnsafeByteOperations.unsafeWrap(buffer.array()))
                .setCrc32C(messageCrc))
            .build());
      }
      offset += length;
    } while (offset < lengthBytes);
    return pieceCrc;
  }

  /** The piece's {@code length} bytes from {@code offset}, in a new array that the message wraps without a copy. */
  private static ByteBuffer read(PieceReader reader, long offset, int length) {
    // A new array per message, as gRPC may still hold the last one after onNext.
    ByteBuffer buffer = ByteBuffer.allocate(length);
    if (length > 0) {
      reader.read(offset, buffer);
    }
    buffer.flip();
    if (buffer.remaining() != length) {
      throw new IllegalStateException("piece reader gave " + buffer.remaining() + " bytes, not " + length);
    }
    return buffer;
  }

  /** Waits until the call can take a message; fails if the worker already ended the call or went silent. */
  private void awaitReady(ClientCallStreamObserver<WritePieceRequest> call) {
    long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(Rpc.STREAM_IDLE_DEADLINE_MILLIS);
    lock.lock();
    try {
      while (true) {
        if (failure != null) {
          throw StatusMapping.fromGrpc(failure, endpoint);
        }
        if (finished) {
          throw HiroException.unavailable("%s ended the piece stream before all data was sent", endpoint);
        }
        if (call.isReady()) {
          return;
        }
        long left = deadline - System.nanoTime();
        if (left <= 0) {
          throw HiroException.unavailable("%s took no data for %d ms", endpoint, Rpc.STREAM_IDLE_DEADLINE_MILLIS);
        }
        changed.awaitNanos(Math.min(left, TimeUnit.MILLISECONDS.toNanos(100)));
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw HiroException.unavailable("interrupted while sending a piece to %s", endpoint);
    } finally {
      lock.unlock();
    }
  }

  private WritePieceResponse awaitResponse() {
    long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(Rpc.STREAM_IDLE_DEADLINE_MILLIS);
    lock.lock();
    try {
      while (failure == null && !finished) {
        long left = deadline - System.nanoTime();
        if (left <= 0) {
          throw HiroException.unavailable("%s did not confirm the piece within %d ms", endpoint,
              Rpc.STREAM_IDLE_DEADLINE_MILLIS);
        }
        changed.awaitNanos(left);
      }
      if (failure != null) {
        throw StatusMapping.fromGrpc(failure, endpoint);
      }
      if (response == null) {
        throw HiroException.unavailable("%s ended the piece stream without an answer", endpoint);
      }
      return response;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw HiroException.unavailable("interrupted while waiting for %s", endpoint);
    } finally {
      lock.unlock();
    }
  }

  /** True when the worker answered that it has no such method (an older version). */
  private boolean refusedAsUnknown() {
    lock.lock();
    try {
      return failure != null && Status.fromThrowable(failure).getCode() == Status.Code.UNIMPLEMENTED;
    } finally {
      lock.unlock();
    }
  }

  private void signal(Runnable update) {
    lock.lock();
    try {
      update.run();
      changed.signalAll();
    } finally {
      lock.unlock();
    }
  }

  /**
   * Records what the worker sent, and wakes the caller only for what it waits for: the call's end,
   * and, while a stream sends, its readiness. The answer itself wakes nobody: its call's end follows
   * it at once, and a caller woken for it would only wait again, a context switch each way per piece
   * (session 43). {@code Q} is the call's request type.
   */
  private final class Observer<Q> implements ClientResponseObserver<Q, WritePieceResponse> {
    private final boolean wakeWhenReady;
    private ClientCallStreamObserver<Q> call;

    /** {@code wakeWhenReady}: the caller waits for the call to be ready (a stream's later messages). */
    Observer(boolean wakeWhenReady) {
      this.wakeWhenReady = wakeWhenReady;
    }

    @Override
    public void beforeStart(ClientCallStreamObserver<Q> requests) {
      call = requests;
      if (wakeWhenReady) {
        requests.setOnReadyHandler(() -> signal(() -> {}));
      }
    }

    @Override
    public void onNext(WritePieceResponse value) {
      lock.lock();
      try {
        response = value;
      } finally {
        lock.unlock();
      }
    }

    @Override
    public void onError(Throwable t) {
      signal(() -> failure = t);
    }

    @Override
    public void onCompleted() {
      signal(() -> finished = true);
    }
  }
}
