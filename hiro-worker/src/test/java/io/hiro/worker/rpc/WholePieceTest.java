package io.hiro.worker.rpc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import com.google.protobuf.ByteString;
import io.grpc.ManagedChannel;
import io.grpc.Server;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.inprocess.InProcessChannelBuilder;
import io.grpc.inprocess.InProcessServerBuilder;
import io.grpc.stub.StreamObserver;
import io.hiro.common.Crc32c;
import io.hiro.common.HostPort;
import io.hiro.common.PieceId;
import io.hiro.common.WorkerId;
import io.hiro.common.rpc.PieceStreams;
import io.hiro.common.rpc.Rpc;
import io.hiro.common.rpc.RpcSecurity;
import io.hiro.proto.DataServiceGrpc;
import io.hiro.proto.PieceData;
import io.hiro.proto.ReplicaMeta;
import io.hiro.proto.WholePiece;
import io.hiro.proto.WorkerRef;
import io.hiro.proto.WritePieceHeader;
import io.hiro.proto.WritePieceRequest;
import io.hiro.proto.WritePieceResponse;
import io.hiro.worker.core.PieceReads;
import io.hiro.worker.core.PieceWrites;
import io.hiro.worker.core.TestTokens;
import io.hiro.worker.store.ForwardingPieceStore;
import io.hiro.worker.store.MemoryPieceStore;
import io.hiro.worker.store.PieceWrite;
import java.io.ByteArrayOutputStream;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * WriteWholePiece, and how a worker passes a piece on: a worker's data service (in-process, on a
 * memory store) forwards over real sockets to a recording downstream, which has WriteWholePiece or,
 * as an older worker, has not.
 */
@Timeout(30)
class WholePieceTest {
  private static final int MESSAGE_BYTES = 1024 * 1024;

  private final MemoryPieceStore store = new MemoryPieceStore();
  /** Released at once unless a test holds the local writes' begin (as a slow disk would). */
  private volatile CountDownLatch begins = new CountDownLatch(0);
  /** Calls opened to the next worker, whether or not it got to store what they carried. */
  private final AtomicInteger downstreamCalls = new AtomicInteger();
  private final PieceWrites writes = new PieceWrites(new WorkerId("w-1"), TestTokens.CHECK,
      new ForwardingPieceStore(store) {
        @Override
        public PieceWrite begin(ReplicaMeta identity) {
          try {
            begins.await();
          } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
          }
          return super.begin(identity);
        }
      }, meta -> {}, Duration.ofSeconds(10), 4);
  private final WorkerChannels channels = new WorkerChannels(RpcSecurity.PLAINTEXT);
  private RecordingDownstream downstream;
  private Server downstreamServer;
  private DataService service;
  private Server server;
  private ManagedChannel channel;

  private void start(boolean downstreamIsOld) throws Exception {
    downstream = new RecordingDownstream(downstreamIsOld);
    downstreamServer = Rpc.startServer("127.0.0.1", 0, List.of(downstream));
    GrpcReplicaSinkFactory sinks = new GrpcReplicaSinkFactory(channels);
    service = new DataService(writes, new PieceReads(TestTokens.CHECK, store, 1024), (worker, next) -> {
      downstreamCalls.incrementAndGet();
      return sinks.connect(worker, next);
    }, Duration.ofSeconds(10));
    String name = InProcessServerBuilder.generateName();
    server = InProcessServerBuilder.forName(name).addService(service.withAliasing()).build().start();
    channel = InProcessChannelBuilder.forName(name).build();
  }

  @AfterEach
  void stop() {
    channel.shutdownNow();
    server.shutdownNow();
    service.close();
    channels.close();
    downstreamServer.shutdownNow();
  }

  @Test
  void aWholePieceIsStoredAndPassedOnInOneCall() throws Exception {
    start(false);
    byte[] bytes = randomBytes(4096);
    WritePieceHeader header = header(1, bytes.length);

    WritePieceResponse answer = writeWhole(WholePiece.newBuilder().setHeader(header).setData(data(bytes)).build());

    assertStoredOnBoth(answer, 1, bytes);
    assertThat(downstream.streamed).isEmpty();
    assertThat(downstream.wholes).singleElement().satisfies(passed -> {
      assertThat(passed.getHeader()).isEqualTo(header.toBuilder().clearDownstream().build());
      assertThat(passed.getData()).isEqualTo(data(bytes));
    });
  }

  /**
   * A whole piece is passed on from the thread that received it, before this worker begins its own
   * write: the next worker has it while the local disk is still held.
   */
  @Test
  void aWholePieceIsPassedOnBeforeTheLocalWriteBegins() throws Exception {
    start(false);
    byte[] bytes = randomBytes(4096);
    begins = new CountDownLatch(1);

    CompletableFuture<WritePieceResponse> answer = CompletableFuture.supplyAsync(
        () -> writeWhole(WholePiece.newBuilder().setHeader(header(8, bytes.length)).setData(data(bytes)).build()));

    try {
      await("the next worker has the piece").atMost(Duration.ofSeconds(10)).until(() -> !downstream.wholes.isEmpty());
      assertThat(answer).isNotDone();
      assertThat(store.meta(new PieceId(8))).isEmpty();
    } finally {
      begins.countDown();
    }
    assertStoredOnBoth(answer.get(20, TimeUnit.SECONDS), 8, bytes);
  }

  @Test
  void aWholePieceThatArrivesOnceTheWorkerIsClosingIsRefusedAndNotPassedOn() throws Exception {
    start(false);
    service.close();
    byte[] bytes = randomBytes(4096);

    assertThatThrownBy(() -> writeWhole(WholePiece.newBuilder().setHeader(header(9, bytes.length)).setData(data(bytes))
        .build())).isInstanceOfSatisfying(StatusRuntimeException.class,
            e -> assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.UNAVAILABLE));

    assertThat(downstreamCalls).as("nothing passed on").hasValue(0);
    assertThat(writes.streamsInUse()).isZero();
  }

  @Test
  void aPieceThatCameAsAStreamInOneMessageIsPassedOnInOneCall() throws Exception {
    start(false);
    byte[] bytes = randomBytes(MESSAGE_BYTES);

    WritePieceResponse answer = writeStream(header(2, bytes.length), bytes);

    assertStoredOnBoth(answer, 2, bytes);
    assertThat(downstream.streamed).isEmpty();
    assertThat(downstream.wholes).singleElement()
        .satisfies(passed -> assertThat(passed.getData().getData().toByteArray()).isEqualTo(bytes));
  }

  @Test
  void aPieceLongerThanOneMessageIsPassedOnAsAStream() throws Exception {
    start(false);
    byte[] bytes = randomBytes(MESSAGE_BYTES + 100);

    WritePieceResponse answer = writeStream(header(3, bytes.length), bytes);

    assertStoredOnBoth(answer, 3, bytes);
    assertThat(downstream.wholes).isEmpty();
    assertThat(downstream.streamed).hasSize(3);
    assertThat(downstream.streamedBytes()).isEqualTo(bytes);
  }

  @Test
  void anEmptyPieceIsPassedOnInOneCallWithoutData() throws Exception {
    start(false);

    WritePieceResponse answer = writeWhole(WholePiece.newBuilder().setHeader(header(4, 0)).build());

    assertStoredOnBoth(answer, 4, new byte[0]);
    assertThat(downstream.wholes).singleElement().satisfies(passed -> assertThat(passed.hasData()).isFalse());
  }

  /** A worker of an earlier version answers UNIMPLEMENTED to WriteWholePiece: the piece goes again as a stream. */
  @Test
  void aDownstreamWithoutWholePiecesGetsThePieceAsAStream() throws Exception {
    start(true);
    byte[] bytes = randomBytes(4096);
    WritePieceHeader header = header(5, bytes.length);

    WritePieceResponse answer = writeWhole(WholePiece.newBuilder().setHeader(header).setData(data(bytes)).build());

    assertStoredOnBoth(answer, 5, bytes);
    assertThat(downstream.wholes).isEmpty();
    assertThat(downstream.streamed).hasSize(2);
    assertThat(downstream.streamed.get(0).getHeader()).isEqualTo(header.toBuilder().clearDownstream().build());
    assertThat(downstream.streamedBytes()).isEqualTo(bytes);
  }

  /**
   * The worker passing a piece on ends it (sends the end of the piece) after it wrote its own copy,
   * which may be after an older downstream's UNIMPLEMENTED already made the piece go again as a
   * stream, ended: that end must not end the stream a second time, nor an empty message follow it.
   */
  @Test
  void aPieceSentAgainAsAStreamIsNotEndedTwice() throws Exception {
    start(true);
    byte[] bytes = randomBytes(4096);
    WritePieceHeader header = header(7, bytes.length).toBuilder().clearDownstream().build();
    GrpcReplicaSink sink = GrpcReplicaSink.open(DataServiceGrpc.newStub(channels.get(
        HostPort.parse(downstreamRef().getAddress()))).withExecutor(Runnable::run), "w-2", header, 10_000);

    sink.send(data(bytes));
    await("the piece sent again as a stream, and ended").atMost(Duration.ofSeconds(10))
        .until(() -> !downstream.streamed.isEmpty());
    sink.send(PieceData.newBuilder().setOffset(bytes.length).setCrc32C(Crc32c.of(new byte[0], 0, 0)).build());
    sink.complete();

    assertThat(sink.answer().get(10, TimeUnit.SECONDS).getStoredWorkerIdsList()).containsExactly("w-2");
    assertThat(downstream.streamedBytes()).isEqualTo(bytes);
  }

  @Test
  void aRefusedWholePieceLeavesNothingAndPassesNothingOn() throws Exception {
    start(false);
    byte[] bytes = randomBytes(4096);
    List<RefusedCase> cases = List.of(
        new RefusedCase("no header", Status.Code.INVALID_ARGUMENT,
            piece -> piece.toBuilder().clearHeader().build()),
        new RefusedCase("fewer bytes than its length", Status.Code.INVALID_ARGUMENT,
            piece -> piece.toBuilder().setHeader(piece.getHeader().toBuilder().setLength(bytes.length + 1)).build()),
        new RefusedCase("more bytes than its length", Status.Code.INVALID_ARGUMENT,
            piece -> piece.toBuilder().setHeader(piece.getHeader().toBuilder().setLength(bytes.length - 1)).build()),
        new RefusedCase("data not at offset 0", Status.Code.INVALID_ARGUMENT,
            piece -> piece.toBuilder().setData(piece.getData().toBuilder().setOffset(1)).build()),
        new RefusedCase("a wrong CRC32C", Status.Code.DATA_LOSS,
            piece -> piece.toBuilder().setData(piece.getData().toBuilder().setCrc32C(piece.getData().getCrc32C() + 1))
                .build()),
        new RefusedCase("another piece's token", Status.Code.PERMISSION_DENIED,
            piece -> piece.toBuilder().setHeader(piece.getHeader().toBuilder().setToken(TestTokens.write(99))).build()));
    WholePiece good = WholePiece.newBuilder().setHeader(header(6, bytes.length)).setData(data(bytes)).build();

    for (RefusedCase refused : cases) {
      assertThatThrownBy(() -> writeWhole(refused.tamper().apply(good))).as(refused.what())
          .isInstanceOfSatisfying(StatusRuntimeException.class,
              e -> assertThat(e.getStatus().getCode()).as(refused.what()).isEqualTo(refused.code()));
      assertThat(store.meta(new PieceId(6))).as(refused.what()).isEmpty();
      assertThat(store.writesInFlight()).as(refused.what()).isZero();
      assertThat(writes.streamsInUse()).as(refused.what()).isZero();
    }
    assertThat(downstream.wholes).isEmpty();
    assertThat(downstream.streamed).isEmpty();

    assertStoredOnBoth(writeWhole(good), 6, bytes);
  }

  private record RefusedCase(String what, Status.Code code, UnaryOperator<WholePiece> tamper) {}

  private void assertStoredOnBoth(WritePieceResponse answer, long pieceId, byte[] bytes) {
    assertThat(answer.getStoredWorkerIdsList()).containsExactly("w-1", "w-2");
    assertThat(answer.getFailedWorkerIdsList()).isEmpty();
    assertThat(answer.getCrc32C()).isEqualTo(Crc32c.of(bytes, 0, bytes.length));
    assertThat(store.bytes(new PieceId(pieceId))).isEqualTo(bytes);
    assertThat(writes.streamsInUse()).isZero();
  }

  private WorkerRef downstreamRef() {
    return WorkerRef.newBuilder().setWorkerId("w-2").setAddress("127.0.0.1:" + downstreamServer.getPort()).build();
  }

  private WritePieceHeader header(long pieceId, long length) {
    return WritePieceHeader.newBuilder().setPieceId(pieceId).setLength(length).setToken(TestTokens.write(pieceId))
        .addDownstream(downstreamRef()).build();
  }

  private static PieceData data(byte[] bytes) {
    return PieceData.newBuilder().setOffset(0).setData(ByteString.copyFrom(bytes))
        .setCrc32C(Crc32c.of(bytes, 0, bytes.length)).build();
  }

  private WritePieceResponse writeWhole(WholePiece piece) {
    return DataServiceGrpc.newBlockingStub(channel).withDeadlineAfter(20, TimeUnit.SECONDS).writeWholePiece(piece);
  }

  /** Sends the piece as a WritePiece stream: the header, then messages of 1 MiB. */
  private WritePieceResponse writeStream(WritePieceHeader header, byte[] bytes) throws Exception {
    CompletableFuture<WritePieceResponse> answer = new CompletableFuture<>();
    StreamObserver<WritePieceRequest> requests =
        DataServiceGrpc.newStub(channel).withDeadlineAfter(20, TimeUnit.SECONDS).writePiece(PieceStreams.completing(answer));
    requests.onNext(WritePieceRequest.newBuilder().setHeader(header).build());
    for (int offset = 0; offset < bytes.length; offset += MESSAGE_BYTES) {
      int length = Math.min(MESSAGE_BYTES, bytes.length - offset);
      requests.onNext(WritePieceRequest.newBuilder().setData(PieceData.newBuilder().setOffset(offset)
          .setData(ByteString.copyFrom(bytes, offset, length)).setCrc32C(Crc32c.of(bytes, offset, length))).build());
    }
    requests.onCompleted();
    return answer.get(20, TimeUnit.SECONDS);
  }

  private static byte[] randomBytes(int size) {
    byte[] bytes = new byte[size];
    new Random(size).nextBytes(bytes);
    return bytes;
  }

  /**
   * The next worker of the chain: keeps what it is sent and answers as the last worker of a chain,
   * with the CRC32C of the bytes it got. An old one has no WriteWholePiece.
   */
  private static final class RecordingDownstream extends DataServiceGrpc.DataServiceImplBase {
    final List<WholePiece> wholes = new CopyOnWriteArrayList<>();
    final List<WritePieceRequest> streamed = new CopyOnWriteArrayList<>();
    private final boolean old;

    RecordingDownstream(boolean old) {
      this.old = old;
    }

    byte[] streamedBytes() {
      ByteArrayOutputStream bytes = new ByteArrayOutputStream();
      streamed.stream().filter(WritePieceRequest::hasData).forEach(m -> bytes.writeBytes(m.getData().getData().toByteArray()));
      return bytes.toByteArray();
    }

    @Override
    public void writeWholePiece(WholePiece request, StreamObserver<WritePieceResponse> responses) {
      if (old) {
        super.writeWholePiece(request, responses);
        return;
      }
      wholes.add(request);
      answer(request.getData().getData().toByteArray(), responses);
    }

    @Override
    public StreamObserver<WritePieceRequest> writePiece(StreamObserver<WritePieceResponse> responses) {
      List<WritePieceRequest> mine = new ArrayList<>();
      return new StreamObserver<>() {
        @Override
        public void onNext(WritePieceRequest request) {
          mine.add(request);
        }

        @Override
        public void onError(Throwable t) {}

        @Override
        public void onCompleted() {
          streamed.addAll(mine);
          answer(streamedBytes(), responses);
        }
      };
    }

    private static void answer(byte[] bytes, StreamObserver<WritePieceResponse> responses) {
      responses.onNext(WritePieceResponse.newBuilder().setCrc32C(Crc32c.of(bytes, 0, bytes.length))
          .addStoredWorkerIds("w-2").build());
      responses.onCompleted();
    }
  }
}
