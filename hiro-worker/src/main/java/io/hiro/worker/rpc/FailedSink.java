package io.hiro.worker.rpc;

import io.hiro.common.HiroException;
import io.hiro.proto.PieceData;
import io.hiro.proto.WritePieceResponse;
import io.hiro.worker.core.ReplicaSink;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;

/** A downstream that could not even be opened: every use reports the failure. */
final class FailedSink implements ReplicaSink {
  private final HiroException failure;

  FailedSink(HiroException failure) {
    this.failure = failure;
  }

  @Override
  public void send(PieceData data) {
    throw failure;
  }

  @Override
  public void whenReady(Runnable action) {
    action.run();
  }

  @Override
  public void complete() {}

  @Override
  public CompletableFuture<WritePieceResponse> answer() {
    return CompletableFuture.failedFuture(failure);
  }

  @Override
  public WritePieceResponse awaitAnswer(Duration wait) {
    throw failure;
  }

  @Override
  public void cancel(String reason) {}
}
