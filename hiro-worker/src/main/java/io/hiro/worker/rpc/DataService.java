package io.hiro.worker.rpc;

import io.grpc.BindableService;
import io.grpc.stub.ServerCallStreamObserver;
import io.grpc.stub.StreamObserver;
import io.hiro.common.Checks;
import io.hiro.common.HiroException;
import io.hiro.common.PieceId;
import io.hiro.common.rpc.AliasingMarshaller;
import io.hiro.common.rpc.Rpc;
import io.hiro.common.rpc.StatusMapping;
import io.hiro.proto.DataServiceGrpc;
import io.hiro.proto.ReadPieceRequest;
import io.hiro.proto.ReadPieceResponse;
import io.hiro.proto.WholePiece;
import io.hiro.proto.WritePieceRequest;
import io.hiro.proto.WritePieceResponse;
import io.hiro.worker.core.ChainWriter;
import io.hiro.worker.core.PieceRead;
import io.hiro.worker.core.PieceReads;
import io.hiro.worker.core.PieceWrites;
import io.hiro.worker.core.ReplicaSinkFactory;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The worker's data service: decodes, calls core, encodes. Flow control lives in the piece classes. */
public final class DataService extends DataServiceGrpc.DataServiceImplBase implements AutoCloseable {
  /** Silence on an incoming piece stream after which it is cut. */
  public static final Duration STREAM_IDLE_CUT = Duration.ofMillis(Rpc.STREAM_IDLE_DEADLINE_MILLIS);
  private static final Duration SWEEP_PERIOD_MIN = Duration.ofMillis(10);
  private static final Duration SWEEP_PERIOD_MAX = Duration.ofSeconds(1);
  private static final Logger LOG = LoggerFactory.getLogger(DataService.class);
  /**
   * The calls the server runs on the network thread that read them (full method names): a piece
   * stream's callbacks only queue their work ({@link IncomingPiece}); a whole piece's call makes its
   * checks, passes the piece on, and queues its write ({@link #writeWholePiece}). Neither waits. See
   * {@code Rpc.startServer}.
   */
  public static final Set<String> NETWORK_THREAD_METHODS = Set.of(
      DataServiceGrpc.getWritePieceMethod().getFullMethodName(),
      DataServiceGrpc.getWriteWholePieceMethod().getFullMethodName());

  private final PieceWrites pieceWrites;
  private final PieceReads pieceReads;
  private final ReplicaSinkFactory downstream;
  private final Duration idleCut;
  /** The piece streams in flight, which {@link #sweep} checks for the idle cut. */
  private final Set<IncomingPiece> streams = ConcurrentHashMap.newKeySet();
  /** The reads in flight, which {@link #sweep} lets drop their arrays while they wait for their readers. */
  private final Set<OutgoingPiece> reads = ConcurrentHashMap.newKeySet();
  /**
   * Runs {@link #sweep} a few times per idle cut: one periodic task, where a timer task per stream
   * and per wait for a downstream's answer woke a timer thread for nearly every piece (session 18).
   */
  private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(
      Thread.ofPlatform().daemon().name("piece-stream-sweep").factory());
  /** Set once {@link #close} began: a whole piece that arrives then is refused before it is passed on. */
  private volatile boolean closing;
  /**
   * Where the piece streams' work runs (their disk writes and fsyncs among it), one task of a stream
   * at a time, and each whole piece's write: platform threads, since each such task blocks on the
   * disk, which would make the virtual-thread scheduler add carriers. A task never waits for another
   * stream's, so a stream over the pool's size only waits for a thread.
   */
  private final ExecutorService pieceWork = Executors.newFixedThreadPool(PieceWrites.INCOMING_PIECE_STREAMS_MAX,
      Thread.ofPlatform().daemon().name("piece-work-", 0).factory());

  public DataService(PieceWrites pieceWrites, PieceReads pieceReads, ReplicaSinkFactory downstream) {
    this(pieceWrites, pieceReads, downstream, STREAM_IDLE_CUT);
  }

  public DataService(PieceWrites pieceWrites, PieceReads pieceReads, ReplicaSinkFactory downstream, Duration idleCut) {
    this.pieceWrites = pieceWrites;
    this.pieceReads = pieceReads;
    this.downstream = downstream;
    this.idleCut = idleCut;
    long periodNanos = sweepPeriod(idleCut).toNanos();
    timer.scheduleWithFixedDelay(this::sweep, periodNanos, periodNanos, TimeUnit.NANOSECONDS);
  }

  /** A quarter of the idle cut, between 10 ms and 1 s: a stream is cut at most a quarter late. */
  static Duration sweepPeriod(Duration idleCut) {
    Duration quarter = idleCut.dividedBy(4);
    return quarter.compareTo(SWEEP_PERIOD_MIN) < 0 ? SWEEP_PERIOD_MIN
        : quarter.compareTo(SWEEP_PERIOD_MAX) > 0 ? SWEEP_PERIOD_MAX : quarter;
  }

  /**
   * Queues the idle cut of each silent stream, ends each wait for a downstream's answer that is over,
   * and lets each read that sent nothing since the last sweep drop its array.
   */
  private void sweep() {
    try {
      long now = System.nanoTime();
      streams.forEach(stream -> stream.sweep(now));
      reads.forEach(OutgoingPiece::sweep);
      pieceWrites.expireOverdueAnswers();
    } catch (RuntimeException e) { // an exception would end the periodic task for good
      LOG.error("piece streams and reads: the sweep failed; it runs again", e);
    }
  }

  /** Piece streams in flight, watched by the sweep (for tests). */
  int streamsWatched() {
    return streams.size();
  }

  /** Reads in flight, visited by the sweep (for tests). */
  int readsWatched() {
    return reads.size();
  }

  /** The service to register: piece data arrives parsed with aliasing, one copy of every byte less. */
  public BindableService withAliasing() {
    return () -> AliasingMarshaller.withAliasingRequests(
        AliasingMarshaller.withAliasingRequests(bindService(), DataServiceGrpc.getWritePieceMethod(),
            WritePieceRequest.getDefaultInstance()),
        DataServiceGrpc.getWriteWholePieceMethod(), WholePiece.getDefaultInstance());
  }

  @Override
  public StreamObserver<WritePieceRequest> writePiece(StreamObserver<WritePieceResponse> responses) {
    IncomingPiece incoming = new IncomingPiece(
        (ServerCallStreamObserver<WritePieceResponse>) responses, pieceWrites, downstream, streams, idleCut, pieceWork);
    incoming.start();
    return incoming;
  }

  /**
   * Runs on the network thread ({@link #NETWORK_THREAD_METHODS}), as the floor's worker does: the
   * piece's checks (token, header, a slot, room on disk, its CRC32C) and its passing on down the
   * chain happen here, so that the next worker starts on it without waiting for a thread hand-off;
   * its write and fsync go to the piece-work pool as one task, and the answer goes out from
   * whichever thread completes it last, as a stream's does ({@link IncomingPiece}).
   */
  @Override
  public void writeWholePiece(WholePiece request, StreamObserver<WritePieceResponse> responses) {
    ServerCallStreamObserver<WritePieceResponse> call = (ServerCallStreamObserver<WritePieceResponse>) responses;
    ChainWriter writer;
    try {
      if (closing) {
        throw stopping();
      }
      Checks.require(request.hasHeader(), "a whole piece must carry its header");
      writer = pieceWrites.passOnWhole(request.getHeader(), request.hasData() ? request.getData() : null, downstream);
    } catch (RuntimeException e) {
      IncomingPiece.answer(call, null, e);
      return;
    }
    WholeWrite write = new WholeWrite(writer, call);
    try {
      pieceWork.execute(write);
    } catch (RejectedExecutionException e) {
      write.refuse();
    }
  }

  /** What a piece that arrives, or is still arriving, while the service closes fails with. */
  static HiroException stopping() {
    return HiroException.unavailable("worker is stopping; resend the piece to another worker");
  }

  /**
   * A whole piece's local write, once it was passed on: run by the piece-work pool, or refused (the
   * piece aborted, its slot freed) if the pool is stopping and takes it no more or drops it queued.
   */
  private record WholeWrite(ChainWriter writer, ServerCallStreamObserver<WritePieceResponse> call)
      implements Runnable {
    @Override
    public void run() {
      if (call.isCancelled()) {
        writer.abort("the sender cancelled"); // before the piece's turn came: nothing was written here
        return;
      }
      CompletableFuture<WritePieceResponse> answer;
      try {
        answer = writer.storeWhole();
      } catch (RuntimeException e) {
        IncomingPiece.answer(call, null, e);
        return;
      }
      answer.whenComplete((response, failure) -> IncomingPiece.answer(call, response, failure));
    }

    void refuse() {
      HiroException stopping = stopping();
      writer.abort(stopping.getMessage());
      IncomingPiece.answer(call, null, stopping);
    }
  }

  @Override
  public void readPiece(ReadPieceRequest request, StreamObserver<ReadPieceResponse> responses) {
    PieceRead read;
    try {
      read = pieceReads.open(new PieceId(request.getPieceId()), request.getOffset(), request.getLength(),
          request.getToken().toByteArray());
    } catch (RuntimeException e) {
      StatusMapping.fail(responses, e);
      return;
    }
    new OutgoingPiece((ServerCallStreamObserver<ReadPieceResponse>) responses, read, reads).start();
  }

  @Override
  public void close() {
    closing = true;
    timer.shutdownNow();
    // Every stream still receiving is failed, and the streams' queued work runs out (an abort removes
    // the unfinished file); a commit in its fsync finishes. A cancel that comes later finds the pool
    // shut and its stream ended. Only what is still running after the wait is interrupted.
    streams.forEach(IncomingPiece::failForClose);
    pieceWork.shutdown();
    try {
      if (!pieceWork.awaitTermination(5, TimeUnit.SECONDS)) {
        stopNow();
      }
    } catch (InterruptedException e) {
      stopNow();
      Thread.currentThread().interrupt();
    }
  }

  /** Interrupts the piece work still running; a whole piece still queued is refused, its slot freed. */
  private void stopNow() {
    for (Runnable dropped : pieceWork.shutdownNow()) {
      if (dropped instanceof WholeWrite write) {
        try {
          write.refuse();
        } catch (RuntimeException e) { // the next ones must still be refused
          LOG.warn("piece {}: could not refuse it while the worker stops: {}", write.writer().pieceId(), e.toString());
        }
      }
    }
  }
}
