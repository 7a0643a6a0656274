package io.hiro.worker.rpc;

import io.grpc.stub.ClientCallStreamObserver;
import io.grpc.stub.ClientResponseObserver;
import io.hiro.common.HiroException;
import io.hiro.common.rpc.StatusMapping;
import io.hiro.proto.DataServiceGrpc;
import io.hiro.proto.PieceData;
import io.hiro.proto.WritePieceHeader;
import io.hiro.proto.WritePieceRequest;
import io.hiro.proto.WritePieceResponse;
import io.hiro.worker.core.ReplicaSink;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * The next worker of a chain over a gRPC client stream. Readiness comes from the stream's
 * {@code isReady}/{@code onReadyHandler}, so the upstream asks for more only when this stream can
 * take it. A failure of the stream completes the answer exceptionally and releases any waiter.
 */
final class GrpcReplicaSink implements ReplicaSink, ClientResponseObserver<WritePieceRequest, WritePieceResponse> {
  private final String target;
  private final CompletableFuture<WritePieceResponse> answer = new CompletableFuture<>();
  private ClientCallStreamObserver<WritePieceRequest> requests;
  private Runnable waiting;

  private GrpcReplicaSink(String target) {
    this.target = target;
  }

  /** Opens the stream and sends the header. */
  static GrpcReplicaSink open(DataServiceGrpc.DataServiceStub stub, String target, WritePieceHeader header,
      long deadlineMillis) {
    GrpcReplicaSink sink = new GrpcReplicaSink(target);
    stub.withDeadlineAfter(deadlineMillis, TimeUnit.MILLISECONDS).writePiece(sink);
    sink.requests.onNext(WritePieceRequest.newBuilder().setHeader(header).build());
    return sink;
  }

  @Override
  public void beforeStart(ClientCallStreamObserver<WritePieceRequest> requestStream) {
    this.requests = requestStream;
    requestStream.setOnReadyHandler(this::runWaiting);
  }

  @Override
  public void send(PieceData data) {
    if (answer.isDone()) {
      throw failure();
    }
    requests.onNext(WritePieceRequest.newBuilder().setData(data).build());
  }

  @Override
  public void whenReady(Runnable action) {
    synchronized (this) {
      if (!answer.isDone() && !requests.isReady()) {
        waiting = action;
        return;
      }
    }
    action.run();
  }

  private void runWaiting() {
    Runnable action;
    synchronized (this) {
      if (waiting == null || (!answer.isDone() && !requests.isReady())) {
        return;
      }
      action = waiting;
      waiting = null;
    }
    action.run();
  }

  @Override
  public void complete() {
    if (!answer.isDone()) {
      requests.onCompleted();
    }
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
    if (answer.completeExceptionally(HiroException.unavailable("%s: stream cancelled: %s", target, reason))) {
      requests.cancel(reason, null);
    }
    runWaiting();
  }

  @Override
  public void onNext(WritePieceResponse response) {
    answer.complete(response);
  }

  @Override
  public void onError(Throwable error) {
    answer.completeExceptionally(error);
    runWaiting();
  }

  @Override
  public void onCompleted() {
    // After its answer (the usual end) there is nothing to report, and an exception would cost a stack trace.
    if (!answer.isDone()) {
      answer.completeExceptionally(HiroException.unavailable("%s ended the stream without an answer", target));
    }
    runWaiting();
  }
}
