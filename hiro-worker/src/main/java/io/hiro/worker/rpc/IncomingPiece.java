package io.hiro.worker.rpc;

import io.grpc.stub.ServerCallStreamObserver;
import io.grpc.stub.StreamObserver;
import io.hiro.common.Checks;
import io.hiro.common.ErrorCode;
import io.hiro.common.HiroException;
import io.hiro.common.rpc.StatusMapping;
import io.hiro.proto.WritePieceRequest;
import io.hiro.proto.WritePieceResponse;
import io.hiro.worker.core.ChainWriter;
import io.hiro.worker.core.PieceWrites;
import io.hiro.worker.core.ReplicaSinkFactory;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One WritePiece call: decodes messages for a {@link ChainWriter} and owns the inbound flow
 * control. The first data message is requested with the header; each later one only once the
 * previous one was written locally and the downstream stream is ready, so a slow disk or a slow
 * downstream slows the sender, and at most one message waits beyond what was written.
 *
 * <p>Threads: gRPC calls this on the network thread that read the message ({@link
 * DataService#NETWORK_THREAD_METHODS}), which must never wait, so every callback only queues its
 * work on the stream's {@link SerialExecutor}; the piece's state is touched there alone, one task at
 * a time. The answer goes out from whichever thread completes it last: the stream's, once the
 * local replica is durable, or the network thread that brings the downstream's answer. No thread
 * waits for the downstream (docs/BENCHMARKS.md, session 17).
 */
final class IncomingPiece implements StreamObserver<WritePieceRequest> {
  private static final Logger LOG = LoggerFactory.getLogger(IncomingPiece.class);

  private final ServerCallStreamObserver<WritePieceResponse> call;
  private final PieceWrites pieceWrites;
  private final ReplicaSinkFactory downstream;
  private final Set<IncomingPiece> watched;
  private final Executor work;
  private final long idleNanos;
  private volatile long lastMessageNanos = System.nanoTime();
  /** An idle cut is queued on {@code work}: the sweep does not queue another. */
  private volatile boolean cutQueued;
  // Touched only by tasks of `work`:
  private ChainWriter writer;
  private boolean ended;

  /**
   * {@code watched}: the streams the data service's sweep checks for the idle cut; this one is in it
   * from its start until it ends.
   */
  IncomingPiece(ServerCallStreamObserver<WritePieceResponse> call, PieceWrites pieceWrites,
      ReplicaSinkFactory downstream, Set<IncomingPiece> watched, Duration idleCut, Executor pool) {
    this.call = call;
    this.pieceWrites = pieceWrites;
    this.downstream = downstream;
    this.watched = watched;
    this.work = new SerialExecutor(pool);
    this.idleNanos = idleCut.toNanos();
  }

  /** Must run inside the service method: from here on, messages arrive only when asked for. */
  void start() {
    watched.add(this);
    call.disableAutoRequest();
    call.setOnCancelHandler(() -> queue(() -> stop("the sender cancelled")));
    // The header and the first data message: a small piece then arrives in one go, without a
    // request round between the two through the transport thread.
    call.request(2);
  }

  /**
   * The data service is closing: fails the stream if it is still receiving, so that its unfinished
   * write is removed and its slot freed while the service lets queued work run out.
   */
  void failForClose() {
    queue(() -> {
      if (!ended) {
        fail(DataService.stopping());
      }
    });
  }

  /**
   * Queues a task of this stream's. Once the data service closed, its pool takes no more, and the
   * task is dropped: {@link #failForClose} ended the stream already.
   */
  private void queue(Runnable task) {
    try {
      work.execute(task);
    } catch (RejectedExecutionException e) {
      LOG.debug("piece stream: the worker is stopping; a task of the stream was dropped");
    }
  }

  /** From the data service's periodic sweep: queues the idle cut once nothing arrived for it. */
  void sweep(long nowNanos) {
    if (!cutQueued && nowNanos - lastMessageNanos >= idleNanos) {
      cutQueued = true;
      queue(this::cutIfIdle);
    }
  }

  /** A stream silent for the idle cut is failed, so a vanished sender cannot hold a slot forever. */
  private void cutIfIdle() {
    cutQueued = false;
    if (ended || System.nanoTime() - lastMessageNanos < idleNanos) {
      return;
    }
    fail(new HiroException(ErrorCode.UNAVAILABLE, "piece " + (writer == null ? "stream" : writer.pieceId())
        + ": nothing arrived for " + TimeUnit.NANOSECONDS.toMillis(idleNanos) + " ms; resend the piece"));
  }

  @Override
  public void onNext(WritePieceRequest request) {
    lastMessageNanos = System.nanoTime();
    queue(() -> take(request));
  }

  private void take(WritePieceRequest request) {
    if (ended) {
      return;
    }
    try {
      if (writer == null) {
        Checks.require(request.hasHeader(), "the first message of a piece stream must be its header");
        writer = pieceWrites.open(request.getHeader(), downstream);
        return; // the first data message was requested with the header
      }
      Checks.require(request.hasData(), "piece %s: only data may follow the header", writer.pieceId());
      writer.accept(request.getData());
    } catch (RuntimeException e) {
      fail(e);
      return;
    }
    writer.whenReadyForMore(() -> call.request(1));
  }

  @Override
  public void onError(Throwable error) {
    queue(() -> stop("the sender failed: " + error.getMessage()));
  }

  @Override
  public void onCompleted() {
    queue(this::finish);
  }

  private void finish() {
    if (ended) {
      return;
    }
    CompletableFuture<WritePieceResponse> answer;
    try {
      Checks.require(writer != null, "the piece stream ended before its header");
      answer = writer.finish();
    } catch (RuntimeException e) {
      fail(e);
      return;
    }
    end();
    answer.whenComplete((response, failure) -> answer(call, response, failure));
  }

  /**
   * Sends the chain's answer, or its failure, on a WritePiece or WriteWholePiece call; a failure to
   * send is logged, as the call is then lost.
   */
  static void answer(ServerCallStreamObserver<WritePieceResponse> call, WritePieceResponse response,
      Throwable failure) {
    try {
      if (failure != null) {
        call.onError(StatusMapping.toGrpc(failure instanceof CompletionException && failure.getCause() != null
            ? failure.getCause() : failure));
        return;
      }
      call.onNext(response);
      call.onCompleted();
    } catch (RuntimeException e) {
      LOG.warn("piece write: could not send the answer: {}", e.toString());
    }
  }

  private void fail(RuntimeException error) {
    end();
    if (writer != null) {
      writer.abort(error.getMessage());
    }
    if (!call.isCancelled()) {
      call.onError(StatusMapping.toGrpc(error));
    }
  }

  private void stop(String reason) {
    if (!ended && writer != null) {
      writer.abort(reason);
    }
    end();
  }

  private void end() {
    ended = true;
    watched.remove(this);
  }
}
