package io.hiro.worker.rpc;

import io.grpc.BindableService;
import io.grpc.stub.ServerCallStreamObserver;
import io.grpc.stub.StreamObserver;
import io.hiro.common.PieceId;
import io.hiro.common.rpc.AliasingMarshaller;
import io.hiro.common.rpc.Rpc;
import io.hiro.common.rpc.StatusMapping;
import io.hiro.proto.DataServiceGrpc;
import io.hiro.proto.ReadPieceRequest;
import io.hiro.proto.ReadPieceResponse;
import io.hiro.proto.WritePieceRequest;
import io.hiro.proto.WritePieceResponse;
import io.hiro.worker.core.PieceRead;
import io.hiro.worker.core.PieceReads;
import io.hiro.worker.core.PieceWrites;
import io.hiro.worker.core.ReplicaSinkFactory;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

/** The worker's data service: decodes, calls core, encodes. Flow control lives in the piece classes. */
public final class DataService extends DataServiceGrpc.DataServiceImplBase implements AutoCloseable {
  /** Silence on an incoming piece stream after which it is cut. */
  public static final Duration STREAM_IDLE_CUT = Duration.ofMillis(Rpc.STREAM_IDLE_DEADLINE_MILLIS);
  /**
   * The calls the server runs on the network thread that read them (full method names): a piece
   * stream's callbacks only queue its work ({@link IncomingPiece}). See {@code Rpc.startServer}.
   */
  public static final Set<String> NETWORK_THREAD_METHODS =
      Set.of(DataServiceGrpc.getWritePieceMethod().getFullMethodName());

  private final PieceWrites pieceWrites;
  private final PieceReads pieceReads;
  private final ReplicaSinkFactory downstream;
  private final Duration idleCut;
  /** Idle checks of the streams in flight; a stream that ends cancels its check, which then leaves the queue. */
  private final ScheduledThreadPoolExecutor timer = idleTimer();
  /**
   * Where the piece streams' work runs (their disk writes and fsyncs among it), one task of a stream
   * at a time: platform threads, since each such task blocks on the disk, which would make the
   * virtual-thread scheduler add carriers. A task never waits for another stream's, so a stream
   * over the pool's size only waits for a thread.
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
  }

  private static ScheduledThreadPoolExecutor idleTimer() {
    ScheduledThreadPoolExecutor timer = new ScheduledThreadPoolExecutor(1,
        Thread.ofPlatform().daemon().name("piece-stream-timer").factory());
    timer.setRemoveOnCancelPolicy(true);
    return timer;
  }

  /** Idle checks waiting in the timer: one per piece stream in flight (for tests). */
  int idleChecksQueued() {
    return timer.getQueue().size();
  }

  /** The service to register: piece data arrives parsed with aliasing, one copy of every byte less. */
  public BindableService withAliasing() {
    return () -> AliasingMarshaller.withAliasingRequests(bindService(), DataServiceGrpc.getWritePieceMethod(),
        WritePieceRequest.getDefaultInstance());
  }

  @Override
  public StreamObserver<WritePieceRequest> writePiece(StreamObserver<WritePieceResponse> responses) {
    IncomingPiece incoming = new IncomingPiece(
        (ServerCallStreamObserver<WritePieceResponse>) responses, pieceWrites, downstream, timer, idleCut, pieceWork);
    incoming.start();
    return incoming;
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
    new OutgoingPiece((ServerCallStreamObserver<ReadPieceResponse>) responses, read).start();
  }

  @Override
  public void close() {
    timer.shutdownNow();
    // The streams' queued work runs out (a cancelled stream's abort removes its file); a commit in its
    // fsync finishes. Only what is still running after the wait is interrupted.
    pieceWork.shutdown();
    try {
      if (!pieceWork.awaitTermination(5, TimeUnit.SECONDS)) {
        pieceWork.shutdownNow();
      }
    } catch (InterruptedException e) {
      pieceWork.shutdownNow();
      Thread.currentThread().interrupt();
    }
  }
}
