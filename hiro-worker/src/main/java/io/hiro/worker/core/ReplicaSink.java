package io.hiro.worker.core;

import io.hiro.proto.PieceData;
import io.hiro.proto.WritePieceResponse;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;

/**
 * The next worker of a chain, as the worker that forwards to it sees it: a stream of piece data
 * that ends with that worker's answer. The rpc layer implements it over gRPC: one call for a piece
 * whose first message holds all of it, a stream for any other.
 */
public interface ReplicaSink {
  /** Forwards one verified message; throws a HiroException if the downstream already failed. */
  void send(PieceData data);

  /**
   * Runs {@code action} once the downstream can take another message without it piling up in
   * memory: at once if it can (or has failed), else when it becomes ready. One action at a time.
   */
  void whenReady(Runnable action);

  /** No more data follows. */
  void complete();

  /**
   * The downstream's answer, once it comes: failed with a HiroException if the downstream failed.
   * It does not time out by itself.
   */
  CompletableFuture<WritePieceResponse> answer();

  /** Waits for the downstream's answer; throws a HiroException if it failed or did not answer in time. */
  WritePieceResponse awaitAnswer(Duration wait);

  /** Stops the downstream stream; its worker removes its unfinished file. */
  void cancel(String reason);
}
