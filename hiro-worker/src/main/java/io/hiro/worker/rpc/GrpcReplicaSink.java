package io.hiro.worker.rpc;

import io.grpc.Deadline;
import io.grpc.Status;
import io.grpc.stub.ClientCallStreamObserver;
import io.grpc.stub.ClientResponseObserver;
import io.hiro.common.HiroException;
import io.hiro.common.rpc.StatusMapping;
import io.hiro.proto.DataServiceGrpc;
import io.hiro.proto.PieceData;
import io.hiro.proto.WholePiece;
import io.hiro.proto.WritePieceHeader;
import io.hiro.proto.WritePieceRequest;
import io.hiro.proto.WritePieceResponse;
import io.hiro.worker.core.ReplicaSink;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The next worker of a chain over gRPC. Nothing goes out before the first data (or, for an empty
 * piece, the end): a piece that this first message holds whole goes in one WriteWholePiece call,
 * any other as a WritePiece stream, its header first. A worker without WriteWholePiece (an older
 * version) answers UNIMPLEMENTED, and the piece goes again as a stream. Readiness comes from the
 * stream's {@code isReady}/{@code onReadyHandler}, so the upstream asks for more only when the stream
 * can take it; a whole piece has nothing more to take. A failure of the call completes the answer
 * exceptionally and releases any waiter.
 */
final class GrpcReplicaSink implements ReplicaSink {
  private static final Logger LOG = LoggerFactory.getLogger(GrpcReplicaSink.class);

  private final DataServiceGrpc.DataServiceStub stub;
  private final String target;
  private final WritePieceHeader header;
  private final CompletableFuture<WritePieceResponse> answer = new CompletableFuture<>();
  // Guarded by this: the call that carries the piece once it started (a whole piece's, then perhaps
  // the stream it is sent again on), the stream when the piece goes as one, and whether the piece
  // went whole (then it is complete, whatever carries it: nothing more is sent, nor an end).
  private ClientCallStreamObserver<?> call;
  private ClientCallStreamObserver<WritePieceRequest> stream;
  private boolean whole;
  private Runnable waiting;

  private GrpcReplicaSink(DataServiceGrpc.DataServiceStub stub, String target, WritePieceHeader header) {
    this.stub = stub;
    this.target = target;
    this.header = header;
  }

  /** A sink for the piece of {@code header}; its call, when it starts, ends within {@code deadlineMillis} from now. */
  static GrpcReplicaSink open(DataServiceGrpc.DataServiceStub stub, String target, WritePieceHeader header,
      long deadlineMillis) {
    return new GrpcReplicaSink(stub.withDeadline(Deadline.after(deadlineMillis, TimeUnit.MILLISECONDS)), target,
        header);
  }

  @Override
  public void send(PieceData data) {
    ClientCallStreamObserver<WritePieceRequest> to;
    synchronized (this) {
      if (whole) { // only an empty message can follow a whole piece, whether it was answered or not
        return;
      }
      if (answer.isDone()) {
        throw failure();
      }
      if (call == null && data.getOffset() == 0 && data.getData().size() == header.getLength()) {
        startWhole(WholePiece.newBuilder().setHeader(header).setData(data).build());
        return;
      }
      if (call == null) {
        startStream();
      }
      to = stream;
    }
    to.onNext(WritePieceRequest.newBuilder().setData(data).build());
  }

  @Override
  public void whenReady(Runnable action) {
    synchronized (this) {
      if (!answer.isDone() && stream != null && !stream.isReady()) {
        waiting = action;
        return;
      }
    }
    action.run();
  }

  private void runWaiting() {
    Runnable action;
    synchronized (this) {
      if (waiting == null || (!answer.isDone() && stream != null && !stream.isReady())) {
        return;
      }
      action = waiting;
      waiting = null;
    }
    action.run();
  }

  @Override
  public synchronized void complete() {
    if (answer.isDone() || whole) {
      return;
    }
    if (call == null) { // an empty piece: no data was sent
      startWhole(WholePiece.newBuilder().setHeader(header).build());
    } else {
      stream.onCompleted();
    }
  }

  private void startWhole(WholePiece piece) {
    whole = true;
    stub.writeWholePiece(piece, new WholeCall(piece));
  }

  private void startStream() {
    stub.writePiece(new StreamCall());
    stream.onNext(WritePieceRequest.newBuilder().setHeader(header).build());
  }

  /**
   * The next worker does not know WriteWholePiece: sends the piece again as a stream, unless the
   * sink was cancelled meanwhile. Runs on the network thread that brought the refusal; the message
   * is in memory already, and gRPC buffers it until the stream can take it.
   */
  private synchronized void resendAsStream(WholePiece piece) {
    if (answer.isDone()) {
      return;
    }
    LOG.debug("{} has no WriteWholePiece (an older version); piece {} goes as a stream", target, header.getPieceId());
    startStream();
    if (piece.hasData()) {
      stream.onNext(WritePieceRequest.newBuilder().setData(piece.getData()).build());
    }
    stream.onCompleted();
  }

  @Override
  public CompletableFuture<WritePieceResponse> answer() {
    return answer.exceptionallyCompose(e -> CompletableFuture.failedFuture(failure()));
  }

  @Override
  public WritePieceResponse awaitAnswer(Duration wait) {
    try {
      return answer.get(wait.toMillis(), TimeUnit.MILLISECONDS);
    } catch (TimeoutException e) {
      cancel("no answer in time");
      throw HiroException.unavailable("%s did not answer within %d ms", target, wait.toMillis());
    } catch (ExecutionException e) {
      throw failure();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      cancel("interrupted");
      throw HiroException.unavailable("interrupted while waiting for %s", target);
    }
  }

  private HiroException failure() {
    try {
      answer.join();
      return HiroException.unavailable("%s answered twice", target);
    } catch (RuntimeException e) {
      Throwable cause = e.getCause() != null ? e.getCause() : e;
      return StatusMapping.fromGrpc(cause, target);
    }
  }

  @Override
  public void cancel(String reason) {
    synchronized (this) {
      if (answer.completeExceptionally(HiroException.unavailable("%s: stream cancelled: %s", target, reason))
          && call != null) {
        call.cancel(reason, null);
      }
    }
    runWaiting();
  }

  private void failed(Throwable error) {
    answer.completeExceptionally(error);
    runWaiting();
  }

  private void ended() {
    // After its answer (the usual end) there is nothing to report, and an exception would cost a stack trace.
    if (!answer.isDone()) {
      answer.completeExceptionally(HiroException.unavailable("%s ended the call without an answer", target));
    }
    runWaiting();
  }

  /** The WritePiece stream's observer; its {@code beforeStart} runs inside {@link #startStream}, under the lock. */
  private final class StreamCall implements ClientResponseObserver<WritePieceRequest, WritePieceResponse> {
    @Override
    public void beforeStart(ClientCallStreamObserver<WritePieceRequest> requests) {
      call = requests;
      stream = requests;
      requests.setOnReadyHandler(GrpcReplicaSink.this::runWaiting);
    }

    @Override
    public void onNext(WritePieceResponse response) {
      answer.complete(response);
    }

    @Override
    public void onError(Throwable error) {
      failed(error);
    }

    @Override
    public void onCompleted() {
      ended();
    }
  }

  /** The WriteWholePiece call's observer; its {@code beforeStart} runs inside {@link #startWhole}, under the lock. */
  private final class WholeCall implements ClientResponseObserver<WholePiece, WritePieceResponse> {
    private final WholePiece piece;

    WholeCall(WholePiece piece) {
      this.piece = piece;
    }

    @Override
    public void beforeStart(ClientCallStreamObserver<WholePiece> requests) {
      call = requests;
    }

    @Override
    public void onNext(WritePieceResponse response) {
      answer.complete(response);
    }

    @Override
    public void onError(Throwable error) {
      if (Status.fromThrowable(error).getCode() == Status.Code.UNIMPLEMENTED) {
        resendAsStream(piece);
      } else {
        failed(error);
      }
    }

    @Override
    public void onCompleted() {
      ended();
    }
  }
}
