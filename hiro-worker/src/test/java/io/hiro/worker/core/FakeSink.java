package io.hiro.worker.core;

import io.hiro.common.HiroException;
import io.hiro.proto.PieceData;
import io.hiro.proto.WritePieceResponse;
import java.io.ByteArrayOutputStream;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.ArrayList;
import java.util.List;

/** A downstream worker in memory: records what it got, can fail after a number of messages. */
final class FakeSink implements ReplicaSink {
  final List<PieceData> received = new ArrayList<>();
  final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
  int failAfterMessages = Integer.MAX_VALUE;
  WritePieceResponse answer;
  /** When set, the answer instead of {@link #answer}: a test completes it (or never does). */
  CompletableFuture<WritePieceResponse> answerLater;
  volatile boolean completed;
  /** How many times the piece was ended: once, or the next worker would be told twice. */
  volatile int completions;
  String cancelledBecause;
  volatile boolean ready = true;
  volatile Runnable waiting;

  @Override
  public void send(PieceData data) {
    if (received.size() >= failAfterMessages) {
      throw HiroException.unavailable("fake downstream died");
    }
    received.add(data);
    bytes.writeBytes(data.getData().toByteArray());
  }

  @Override
  public void whenReady(Runnable action) {
    if (ready) {
      action.run();
    } else {
      waiting = action;
    }
  }

  void becomeReady() {
    ready = true;
    Runnable action = waiting;
    waiting = null;
    if (action != null) {
      action.run();
    }
  }

  @Override
  public void complete() {
    completed = true;
    completions++;
  }

  @Override
  public CompletableFuture<WritePieceResponse> answer() {
    if (answerLater != null) {
      return answerLater;
    }
    return answer == null ? CompletableFuture.failedFuture(HiroException.unavailable("fake downstream gave no answer"))
        : CompletableFuture.completedFuture(answer);
  }

  @Override
  public WritePieceResponse awaitAnswer(Duration wait) {
    if (answer == null) {
      throw HiroException.unavailable("fake downstream gave no answer");
    }
    return answer;
  }

  @Override
  public void cancel(String reason) {
    if (cancelledBecause == null) {
      cancelledBecause = reason;
    }
  }
}
