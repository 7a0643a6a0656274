package io.hiro.worker.rpc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import com.google.protobuf.ByteString;
import io.grpc.ForwardingServerCallListener;
import io.grpc.ManagedChannel;
import io.grpc.Metadata;
import io.grpc.Server;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import io.grpc.ServerInterceptors;
import io.grpc.Status;
import io.grpc.inprocess.InProcessChannelBuilder;
import io.grpc.inprocess.InProcessServerBuilder;
import io.grpc.stub.ClientCallStreamObserver;
import io.grpc.stub.StreamObserver;
import io.hiro.common.Crc32c;
import io.hiro.common.PieceId;
import io.hiro.common.WorkerId;
import io.hiro.common.rpc.PieceStreams;
import io.hiro.proto.DataServiceGrpc;
import io.hiro.proto.PieceData;
import io.hiro.proto.WorkerRef;
import io.hiro.proto.WritePieceHeader;
import io.hiro.proto.WritePieceRequest;
import io.hiro.proto.WritePieceResponse;
import io.hiro.worker.core.PieceReads;
import io.hiro.worker.core.PieceWrites;
import io.hiro.worker.core.ReplicaSink;
import io.hiro.worker.core.TestTokens;
import io.hiro.worker.store.MemoryPieceStore;
import java.time.Duration;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.slf4j.LoggerFactory;

/** The data service over in-process gRPC: admission of piece streams, their idle cut, their wait for a downstream. */
@Timeout(20)
class DataServiceTest {
  private final MemoryPieceStore store = new MemoryPieceStore();
  private final PieceWrites writes = new PieceWrites(new WorkerId("w-1"), TestTokens.CHECK, store, meta -> {},
      Duration.ofSeconds(1), 1);
  private final ListAppender<ILoggingEvent> log = new ListAppender<>();
  private DataService service;
  private Server server;
  private ManagedChannel channel;

  @BeforeEach
  void start() throws Exception {
    log.start();
    ((Logger) LoggerFactory.getLogger(IncomingPiece.class)).addAppender(log);
    String name = InProcessServerBuilder.generateName();
    service = new DataService(writes, new PieceReads(TestTokens.CHECK, store, 1024), (worker, header) -> {
      throw new AssertionError("no downstream expected");
    }, Duration.ofMillis(300));
    server = InProcessServerBuilder.forName(name).addService(service).build().start();
    channel = InProcessChannelBuilder.forName(name).build();
  }

  @AfterEach
  void stop() {
    channel.shutdownNow();
    server.shutdownNow();
    service.close();
    ((Logger) LoggerFactory.getLogger(IncomingPiece.class)).detachAppender(log);
  }

  /** Opens a piece stream and sends only its header. */
  private CompletableFuture<WritePieceResponse> openSilentStream(long pieceId) {
    CompletableFuture<WritePieceResponse> answer = new CompletableFuture<>();
    StreamObserver<WritePieceRequest> requests = DataServiceGrpc.newStub(channel).writePiece(PieceStreams.completing(answer));
    requests.onNext(WritePieceRequest.newBuilder()
        .setHeader(WritePieceHeader.newBuilder().setPieceId(pieceId).setLength(100)
            .setToken(TestTokens.write(pieceId))).build());
    return answer;
  }

  private static Status.Code codeOf(CompletableFuture<?> answer) {
    return Status.fromThrowable(answer.handle((r, e) -> e).join()).getCode();
  }

  @Test
  void silentSenderIsCutAndItsSlotAndTempAreFreed() {
    CompletableFuture<WritePieceResponse> answer = openSilentStream(1);

    await().atMost(Duration.ofSeconds(5)).until(answer::isDone);

    assertThat(codeOf(answer)).isEqualTo(Status.Code.UNAVAILABLE);
    assertThat(store.writesInFlight()).isZero();
    assertThat(writes.streamsInUse()).isZero();
  }

  @Test
  void streamBeyondTheLimitIsResourceExhausted() {
    openSilentStream(1);
    await().atMost(Duration.ofSeconds(5)).until(() -> writes.streamsInUse() == 1);

    CompletableFuture<WritePieceResponse> second = openSilentStream(2);

    await().atMost(Duration.ofSeconds(5)).until(second::isDone);
    assertThat(codeOf(second)).isEqualTo(Status.Code.RESOURCE_EXHAUSTED);
  }

  /** A stream that ended must leave the sweep's set at once, or it and its objects would stay there. */
  @Test
  void aStreamThatEndsIsNoLongerWatched() throws Exception {
    DataService longCut = new DataService(writes, new PieceReads(TestTokens.CHECK, store, 1024), (worker, header) -> {
      throw new AssertionError("no downstream expected");
    }, Duration.ofHours(1));
    try (Served served = Served.start(longCut)) {
      ManagedChannel longCutChannel = served.channel();
      byte[] bytes = new byte[100];
      for (int crcOffset : new int[] {0, 1}) { // a stored piece, then one refused for its CRC
        long pieceId = 10 + crcOffset;
        CompletableFuture<WritePieceResponse> answer = new CompletableFuture<>();
        StreamObserver<WritePieceRequest> requests =
            DataServiceGrpc.newStub(longCutChannel).writePiece(PieceStreams.completing(answer));
        requests.onNext(WritePieceRequest.newBuilder().setHeader(WritePieceHeader.newBuilder().setPieceId(pieceId)
            .setLength(bytes.length).setToken(TestTokens.write(pieceId))).build());
        requests.onNext(WritePieceRequest.newBuilder().setData(PieceData.newBuilder().setOffset(0)
            .setData(ByteString.copyFrom(bytes)).setCrc32C(Crc32c.of(bytes, 0, bytes.length) + crcOffset)).build());
        requests.onCompleted();
        await().atMost(Duration.ofSeconds(5)).until(answer::isDone);
        if (crcOffset == 0) {
          assertThat(answer.join().getStoredWorkerIdsList()).containsExactly("w-1");
        } else {
          assertThat(codeOf(answer)).isEqualTo(Status.Code.DATA_LOSS);
        }
        assertThat(longCut.streamsWatched()).as("streams watched after piece %s", pieceId).isZero();
      }
    }
  }

  /** The sweep also ends the wait for a downstream's answer (here 1 s), so a silent one cannot hold the piece. */
  @Test
  void aDownstreamThatNeverAnswersIsNamedFailedOnceTheWaitIsOver() throws Exception {
    AnswerLaterSink silent = new AnswerLaterSink();
    DataService chained = new DataService(writes, new PieceReads(TestTokens.CHECK, store, 1024),
        (worker, header) -> silent, Duration.ofHours(1));
    try (Served served = Served.start(chained)) {
      CompletableFuture<WritePieceResponse> answer = new CompletableFuture<>();
      sendPieceWithDownstream(served.channel(), 20, new byte[100], answer);

      await().atMost(Duration.ofSeconds(10)).until(answer::isDone);
      assertThat(answer.join().getStoredWorkerIdsList()).containsExactly("w-1");
      assertThat(answer.join().getFailedWorkerIdsList()).containsExactly("w-2");
      assertThat(silent.cancelled).isNotEmpty();
      assertThat(writes.answersAwaited()).isZero();
    }
  }

  /**
   * The sender cancels after its last byte, while the worker, its replica committed, waits for the
   * downstream: the slot is held until the downstream answers, then freed; the replica stays, and
   * sending the answer to the cancelled call is not a failure.
   */
  @Test
  void aSenderThatCancelsWhileTheDownstreamIsAwaitedKeepsTheReplicaAndFreesTheSlotOnceItAnswers() throws Exception {
    byte[] bytes = randomBytes(100);
    AnswerLaterSink downstream = new AnswerLaterSink();
    CancelsSeen cancels = new CancelsSeen();
    try (Served served = Served.start(chainedService(downstream, Duration.ofHours(1)), cancels)) {
      cancelAfterTheReplicaIsCommitted(served, bytes, cancels);

      assertThat(writes.streamsInUse()).as("the slot, while the downstream is awaited").isEqualTo(1);
      downstream.answer.complete(WritePieceResponse.newBuilder().setPieceId(30)
          .setCrc32C(Crc32c.of(bytes, 0, bytes.length)).addStoredWorkerIds("w-2").build());
      await("the slot freed once the downstream answered").atMost(Duration.ofSeconds(5))
          .until(() -> writes.streamsInUse() == 0);
    } // closing the service runs the stream's queued work out: its cancel has been handled
    assertCancelledPieceKept(bytes);
  }

  /** As above, when the downstream never answers: the slot is freed once the wait for it is over. */
  @Test
  void aSenderThatCancelsWhileTheDownstreamIsAwaitedKeepsTheReplicaAndFreesTheSlotOnceTheWaitIsOver()
      throws Exception {
    byte[] bytes = randomBytes(100);
    AnswerLaterSink downstream = new AnswerLaterSink();
    CancelsSeen cancels = new CancelsSeen();
    try (Served served = Served.start(chainedService(downstream, Duration.ofHours(1)), cancels)) {
      cancelAfterTheReplicaIsCommitted(served, bytes, cancels);

      await("the slot freed once the wait for the downstream is over").atMost(Duration.ofSeconds(10))
          .until(() -> writes.streamsInUse() == 0);
      assertThat(writes.answersAwaited()).as("waits for a downstream's answer not ended").isZero();
      assertThat(downstream.cancelled).as("the downstream, once its wait is over").isNotEmpty();
    }
    assertCancelledPieceKept(bytes);
  }

  /**
   * The idle cut (here 300 ms) is for a sender that went silent mid-piece: a stream whose input
   * ended leaves the sweep's watch, and only the wait for its downstream (1 s) applies to it.
   */
  @Test
  void aStreamAwaitingItsDownstreamIsNotCutForIdlenessButAnsweredOnceTheWaitIsOver() throws Exception {
    AnswerLaterSink downstream = new AnswerLaterSink();
    DataService chained = chainedService(downstream, Duration.ofMillis(300));
    try (Served served = Served.start(chained)) {
      CompletableFuture<WritePieceResponse> answer = new CompletableFuture<>();
      sendPieceWithDownstream(served.channel(), 40, randomBytes(100), answer);
      await("the downstream awaited, and the stream no longer watched for the idle cut").atMost(Duration.ofSeconds(5))
          .until(() -> writes.answersAwaited() == 1 && chained.streamsWatched() == 0);

      await().atMost(Duration.ofSeconds(10)).until(answer::isDone);
      assertThat(answer).as("answered, not cut").isCompleted();
      assertThat(answer.join().getStoredWorkerIdsList()).containsExactly("w-1");
      assertThat(answer.join().getFailedWorkerIdsList()).containsExactly("w-2");
      assertThat(writes.streamsInUse()).isZero();
    }
  }

  private DataService chainedService(ReplicaSink downstream, Duration idleCut) {
    return new DataService(writes, new PieceReads(TestTokens.CHECK, store, 1024), (worker, header) -> downstream,
        idleCut);
  }

  /** Sends piece 30 whole, waits until its replica is committed and its downstream awaited, then cancels. */
  private void cancelAfterTheReplicaIsCommitted(Served served, byte[] bytes, CancelsSeen cancels) throws Exception {
    CompletableFuture<WritePieceResponse> answer = new CompletableFuture<>();
    ClientCallStreamObserver<WritePieceRequest> requests =
        sendPieceWithDownstream(served.channel(), 30, bytes, answer);
    await("the replica committed and the downstream awaited").atMost(Duration.ofSeconds(5))
        .until(() -> writes.answersAwaited() == 1 && served.service().streamsWatched() == 0);
    assertThat(store.bytes(new PieceId(30))).as("the replica, committed before the downstream answers")
        .isEqualTo(bytes);

    requests.cancel("the sender gave up", null);
    assertThat(cancels.seen.tryAcquire(5, TimeUnit.SECONDS)).as("the server saw the cancel").isTrue();
    assertThat(codeOf(answer)).isEqualTo(Status.Code.CANCELLED);
  }

  private void assertCancelledPieceKept(byte[] bytes) {
    assertThat(store.bytes(new PieceId(30))).as("the committed replica after the cancel").isEqualTo(bytes);
    assertThat(store.meta(new PieceId(30))).isPresent();
    assertThat(store.writesInFlight()).isZero();
    assertThat(writes.streamsInUse()).isZero();
    assertThat(log.list).as("warnings of the piece stream").filteredOn(e -> e.getLevel() == Level.WARN).isEmpty();
  }

  /** Sends a whole piece whose chain goes on to w-2; returns the stream, half-closed. */
  private static ClientCallStreamObserver<WritePieceRequest> sendPieceWithDownstream(ManagedChannel channel,
      long pieceId, byte[] bytes, CompletableFuture<WritePieceResponse> answer) {
    StreamObserver<WritePieceRequest> requests =
        DataServiceGrpc.newStub(channel).writePiece(PieceStreams.completing(answer));
    requests.onNext(WritePieceRequest.newBuilder().setHeader(WritePieceHeader.newBuilder().setPieceId(pieceId)
        .setLength(bytes.length).setToken(TestTokens.write(pieceId))
        .addDownstream(WorkerRef.newBuilder().setWorkerId("w-2").setAddress("127.0.0.1:1"))).build());
    requests.onNext(WritePieceRequest.newBuilder().setData(PieceData.newBuilder().setOffset(0)
        .setData(ByteString.copyFrom(bytes)).setCrc32C(Crc32c.of(bytes, 0, bytes.length))).build());
    requests.onCompleted();
    return (ClientCallStreamObserver<WritePieceRequest>) requests;
  }

  private static byte[] randomBytes(int size) {
    byte[] bytes = new byte[size];
    new Random(size).nextBytes(bytes);
    return bytes;
  }

  /** A downstream that takes everything and answers when a test completes {@link #answer} (or never). */
  private static final class AnswerLaterSink implements ReplicaSink {
    final CompletableFuture<WritePieceResponse> answer = new CompletableFuture<>();
    final List<String> cancelled = new CopyOnWriteArrayList<>();

    @Override
    public void send(PieceData data) {}

    @Override
    public void whenReady(Runnable action) {
      action.run();
    }

    @Override
    public void complete() {}

    @Override
    public CompletableFuture<WritePieceResponse> answer() {
      return answer;
    }

    @Override
    public WritePieceResponse awaitAnswer(Duration wait) {
      throw new AssertionError("no thread waits for the answer");
    }

    @Override
    public void cancel(String reason) {
      cancelled.add(reason);
    }
  }

  /** Counts the calls the server saw cancelled, once the service's cancel handler ran. */
  private static final class CancelsSeen implements ServerInterceptor {
    final Semaphore seen = new Semaphore(0);

    @Override
    public <ReqT, RespT> ServerCall.Listener<ReqT> interceptCall(ServerCall<ReqT, RespT> call, Metadata headers,
        ServerCallHandler<ReqT, RespT> next) {
      return new ForwardingServerCallListener.SimpleForwardingServerCallListener<>(next.startCall(call, headers)) {
        @Override
        public void onCancel() {
          super.onCancel();
          seen.release();
        }
      };
    }
  }

  /** A service on an in-process server of its own, closed with it. */
  private record Served(Server server, ManagedChannel channel, DataService service) implements AutoCloseable {
    static Served start(DataService service, ServerInterceptor... interceptors) throws Exception {
      String name = InProcessServerBuilder.generateName();
      return new Served(InProcessServerBuilder.forName(name)
          .addService(ServerInterceptors.intercept(service, interceptors)).build().start(),
          InProcessChannelBuilder.forName(name).build(), service);
    }

    @Override
    public void close() {
      channel.shutdownNow();
      server.shutdownNow();
      service.close();
    }
  }
}
