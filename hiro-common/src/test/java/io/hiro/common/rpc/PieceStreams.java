package io.hiro.common.rpc;

import io.grpc.Channel;
import io.grpc.Status;
import io.grpc.stub.StreamObserver;
import io.hiro.proto.DataServiceGrpc;
import io.hiro.proto.WritePieceRequest;
import io.hiro.proto.WritePieceResponse;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/** Raw WritePiece streams for tests: any messages, in any order, and how the stream ended. */
public final class PieceStreams {
  private PieceStreams() {}

  /** An observer that completes {@code answer} with the response, or with the stream's failure. */
  public static StreamObserver<WritePieceResponse> completing(CompletableFuture<WritePieceResponse> answer) {
    return new StreamObserver<>() {
      @Override
      public void onNext(WritePieceResponse response) {
        answer.complete(response);
      }

      @Override
      public void onError(Throwable error) {
        answer.completeExceptionally(error);
      }

      @Override
      public void onCompleted() {
        answer.completeExceptionally(new IllegalStateException("the stream ended without an answer"));
      }
    };
  }

  /** Sends {@code messages} as one WritePiece stream, completes it, and returns the status it ended with. */
  public static Status.Code send(Channel channel, List<WritePieceRequest> messages, long deadlineSeconds) {
    CompletableFuture<WritePieceResponse> answer = new CompletableFuture<>();
    StreamObserver<WritePieceRequest> requests = DataServiceGrpc.newStub(channel)
        .withDeadlineAfter(deadlineSeconds, TimeUnit.SECONDS).writePiece(completing(answer));
    messages.forEach(requests::onNext);
    requests.onCompleted();
    Throwable failure = answer.handle((response, error) -> error).join();
    return failure == null ? Status.Code.OK : Status.fromThrowable(failure).getCode();
  }
}
