package io.hiro.worker.rpc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.google.protobuf.ByteString;
import io.grpc.ManagedChannel;
import io.grpc.Server;
import io.grpc.Status;
import io.grpc.inprocess.InProcessChannelBuilder;
import io.grpc.inprocess.InProcessServerBuilder;
import io.grpc.stub.StreamObserver;
import io.hiro.common.Crc32c;
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
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The data service over in-process gRPC: admission and the idle cut of piece streams. */
@Timeout(20)
class DataServiceTest {
  private final MemoryPieceStore store = new MemoryPieceStore();
  private final PieceWrites writes = new PieceWrites(new WorkerId("w-1"), TestTokens.CHECK, store, meta -> {},
      Duration.ofSeconds(1), 1);
  private DataService service;
  private Server server;
  private ManagedChannel channel;

  @BeforeEach
  void start() throws Exception {
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
    List<String> cancelled = new CopyOnWriteArrayList<>();
    ReplicaSink silent = new ReplicaSink() {
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
        return new CompletableFuture<>(); // never
      }

      @Override
      public WritePieceResponse awaitAnswer(Duration wait) {
        throw new AssertionError("no thread waits for the answer");
      }

      @Override
      public void cancel(String reason) {
        cancelled.add(reason);
      }
    };
    DataService chained = new DataService(writes, new PieceReads(TestTokens.CHECK, store, 1024),
        (worker, header) -> silent, Duration.ofHours(1));
    try (Served served = Served.start(chained)) {
      byte[] bytes = new byte[100];
      CompletableFuture<WritePieceResponse> answer = new CompletableFuture<>();
      StreamObserver<WritePieceRequest> requests =
          DataServiceGrpc.newStub(served.channel()).writePiece(PieceStreams.completing(answer));
      requests.onNext(WritePieceRequest.newBuilder().setHeader(WritePieceHeader.newBuilder().setPieceId(20)
          .setLength(bytes.length).setToken(TestTokens.write(20))
          .addDownstream(WorkerRef.newBuilder().setWorkerId("w-2").setAddress("127.0.0.1:1"))).build());
      requests.onNext(WritePieceRequest.newBuilder().setData(PieceData.newBuilder().setOffset(0)
          .setData(ByteString.copyFrom(bytes)).setCrc32C(Crc32c.of(bytes, 0, bytes.length))).build());
      requests.onCompleted();

      await().atMost(Duration.ofSeconds(10)).until(answer::isDone);
      assertThat(answer.join().getStoredWorkerIdsList()).containsExactly("w-1");
      assertThat(answer.join().getFailedWorkerIdsList()).containsExactly("w-2");
      assertThat(cancelled).isNotEmpty();
      assertThat(writes.answersAwaited()).isZero();
    }
  }

  /** A service on an in-process server of its own, closed with it. */
  private record Served(Server server, ManagedChannel channel, DataService service) implements AutoCloseable {
    static Served start(DataService service) throws Exception {
      String name = InProcessServerBuilder.generateName();
      return new Served(InProcessServerBuilder.forName(name).addService(service).build().start(),
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
