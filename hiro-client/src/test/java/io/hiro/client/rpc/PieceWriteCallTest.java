package io.hiro.client.rpc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.grpc.ManagedChannel;
import io.grpc.Server;
import io.grpc.inprocess.InProcessChannelBuilder;
import io.grpc.inprocess.InProcessServerBuilder;
import io.grpc.stub.ServerCallStreamObserver;
import io.grpc.stub.StreamObserver;
import io.hiro.common.Crc32c;
import io.hiro.common.Limits;
import io.hiro.proto.DataServiceGrpc;
import io.hiro.proto.WholePiece;
import io.hiro.proto.WorkerRef;
import io.hiro.proto.WritePieceHeader;
import io.hiro.proto.WritePieceRequest;
import io.hiro.proto.WritePieceResponse;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.List;
import java.util.Random;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(value = 30, unit = TimeUnit.SECONDS)
class PieceWriteCallTest {
  private static final int MESSAGES = 16;

  private final String name = "flow-" + UUID.randomUUID();
  private final AtomicReference<ServerCallStreamObserver<WritePieceResponse>> serverCall = new AtomicReference<>();
  private Server server;
  private ManagedChannel channel;

  /**
   * A worker that keeps every message it is sent and how the call ended. A slow one takes messages
   * only when the test asks it to ({@link #serverCall}), as a slow disk would. An old one has no
   * WriteWholePiece (gRPC answers UNIMPLEMENTED), as a worker of an earlier version.
   */
  private final class RecordingWorker extends DataServiceGrpc.DataServiceImplBase {
    final List<WritePieceRequest> received = new CopyOnWriteArrayList<>();
    final List<WholePiece> wholes = new CopyOnWriteArrayList<>();
    final CompletableFuture<Throwable> ended = new CompletableFuture<>();
    private final boolean slow;
    private final boolean old;

    RecordingWorker(boolean slow) {
      this(slow, false);
    }

    RecordingWorker(boolean slow, boolean old) {
      this.slow = slow;
      this.old = old;
    }

    @Override
    public void writeWholePiece(WholePiece request, StreamObserver<WritePieceResponse> responses) {
      if (old) {
        super.writeWholePiece(request, responses);
        return;
      }
      wholes.add(request);
      responses.onNext(WritePieceResponse.newBuilder().addStoredWorkerIds("w1").build());
      responses.onCompleted();
    }

    long dataBytes() {
      return received.stream().mapToLong(request -> request.getData().getData().size()).sum();
    }

    @Override
    public StreamObserver<WritePieceRequest> writePiece(StreamObserver<WritePieceResponse> responses) {
      if (slow) {
        ServerCallStreamObserver<WritePieceResponse> call = (ServerCallStreamObserver<WritePieceResponse>) responses;
        call.disableAutoRequest();
        call.request(2);
        serverCall.set(call);
      }
      return new StreamObserver<>() {
        @Override
        public void onNext(WritePieceRequest request) {
          received.add(request);
        }

        @Override
        public void onError(Throwable t) {
          ended.complete(t);
        }

        @Override
        public void onCompleted() {
          ended.complete(null);
          responses.onNext(WritePieceResponse.newBuilder().addStoredWorkerIds("w1").build());
          responses.onCompleted();
        }
      };
    }
  }

  @AfterEach
  void stop() {
    channel.shutdownNow();
    server.shutdownNow();
  }

  @Test
  void aWorkerThatTakesNoMessagesStopsTheClientFromReadingAhead() throws Exception {
    RecordingWorker slowWorker = start(new RecordingWorker(true));
    AtomicInteger reads = new AtomicInteger();
    long lengthBytes = (long) MESSAGES * Limits.MESSAGE_DATA_BYTES;
    WorkerRef worker = WorkerRef.newBuilder().setWorkerId("w1").setAddress(name).build();
    WritePieceHeader header = WritePieceHeader.newBuilder().setPieceId(7).setLength(lengthBytes).build();

    CompletableFuture<PieceWriteCall.Result> result = CompletableFuture.supplyAsync(() ->
        PieceWriteCall.write(channel, worker, header, (offset, into) -> {
          reads.incrementAndGet();
          into.position(into.limit());
        }));

    await().atMost(Duration.ofSeconds(5)).until(() -> reads.get() >= 1);
    await().during(Duration.ofMillis(300)).atMost(Duration.ofSeconds(2)).until(() -> reads.get() <= 3);
    serverCall.get().request(MESSAGES + 1);
    assertThat(result.get(10, TimeUnit.SECONDS).response().getStoredWorkerIdsList()).containsExactly("w1");
    assertThat(reads.get()).isEqualTo(MESSAGES);
    assertThat(slowWorker.dataBytes()).isEqualTo(lengthBytes);
  }

  @Test
  void sendsTheHeaderThenEachMessageWithItsOffsetAndChecksum() throws Exception {
    RecordingWorker worker = start(new RecordingWorker(false));
    byte[] piece = new byte[Limits.MESSAGE_DATA_BYTES * 2 + 1000];
    new Random(5).nextBytes(piece);
    WritePieceHeader header = WritePieceHeader.newBuilder().setPieceId(8).setLength(piece.length).build();

    PieceWriteCall.Result result = PieceWriteCall.write(channel, ref(), header,
        (offset, into) -> into.put(piece, (int) offset, into.remaining()));

    assertThat(worker.ended.get(5, TimeUnit.SECONDS)).isNull();
    assertThat(worker.received).hasSize(4);
    assertThat(worker.received.get(0).getHeader()).isEqualTo(header);
    ByteArrayOutputStream sent = new ByteArrayOutputStream();
    for (WritePieceRequest request : worker.received.subList(1, 4)) {
      assertThat(request.getData().getOffset()).isEqualTo(sent.size());
      assertThat(request.getData().getCrc32C()).isEqualTo(Crc32c.of(request.getData().getData().asReadOnlyByteBuffer()));
      request.getData().getData().writeTo(sent);
    }
    assertThat(sent.toByteArray()).isEqualTo(piece);
    assertThat(result.crc32c()).isEqualTo(Crc32c.of(ByteBuffer.wrap(piece)));
  }

  @Test
  void aPieceThatFitsOneMessageGoesInOneCallWithItsChecksum() throws Exception {
    RecordingWorker worker = start(new RecordingWorker(false));
    byte[] piece = new byte[Limits.MESSAGE_DATA_BYTES];
    new Random(6).nextBytes(piece);
    WritePieceHeader header = WritePieceHeader.newBuilder().setPieceId(10).setLength(piece.length).build();

    PieceWriteCall.Result result = PieceWriteCall.write(channel, ref(), header,
        (offset, into) -> into.put(piece, (int) offset, into.remaining()));

    assertThat(result.response().getStoredWorkerIdsList()).containsExactly("w1");
    assertThat(worker.received).isEmpty();
    assertThat(worker.wholes).hasSize(1);
    WholePiece sent = worker.wholes.get(0);
    assertThat(sent.getHeader()).isEqualTo(header);
    assertThat(sent.getData().getOffset()).isZero();
    assertThat(sent.getData().getData().toByteArray()).isEqualTo(piece);
    assertThat(sent.getData().getCrc32C()).isEqualTo(Crc32c.of(ByteBuffer.wrap(piece)));
    assertThat(result.crc32c()).isEqualTo(Crc32c.of(ByteBuffer.wrap(piece)));
  }

  @Test
  void anEmptyPieceGoesInOneCallWithoutData() throws Exception {
    RecordingWorker worker = start(new RecordingWorker(false));
    WritePieceHeader header = WritePieceHeader.newBuilder().setPieceId(11).setLength(0).build();

    PieceWriteCall.Result result = PieceWriteCall.write(channel, ref(), header, (offset, into) -> {
      throw new AssertionError("an empty piece has nothing to read");
    });

    assertThat(result.response().getStoredWorkerIdsList()).containsExactly("w1");
    assertThat(worker.wholes).singleElement().satisfies(sent -> {
      assertThat(sent.getHeader()).isEqualTo(header);
      assertThat(sent.hasData()).isFalse();
    });
    assertThat(result.crc32c()).isZero();
  }

  @Test
  void aWorkerWithoutWholePiecesGetsTheSmallPieceAsAStream() throws Exception {
    RecordingWorker worker = start(new RecordingWorker(false, true));
    byte[] piece = new byte[4096];
    new Random(7).nextBytes(piece);
    WritePieceHeader header = WritePieceHeader.newBuilder().setPieceId(12).setLength(piece.length).build();

    PieceWriteCall.Result result = PieceWriteCall.write(channel, ref(), header,
        (offset, into) -> into.put(piece, (int) offset, into.remaining()));

    assertThat(result.response().getStoredWorkerIdsList()).containsExactly("w1");
    assertThat(worker.ended.get(5, TimeUnit.SECONDS)).isNull();
    assertThat(worker.received).hasSize(2);
    assertThat(worker.received.get(0).getHeader()).isEqualTo(header);
    assertThat(worker.received.get(1).getData().getData().toByteArray()).isEqualTo(piece);
    assertThat(result.crc32c()).isEqualTo(Crc32c.of(ByteBuffer.wrap(piece)));
  }

  @Test
  void aSmallPieceThatCannotBeReadSendsNothing() throws Exception {
    RecordingWorker worker = start(new RecordingWorker(false));
    WritePieceHeader header = WritePieceHeader.newBuilder().setPieceId(13).setLength(4096).build();

    assertThatThrownBy(() -> PieceWriteCall.write(channel, ref(), header, (offset, into) -> {
      throw new IllegalStateException("the local file shrank");
    })).isInstanceOf(IllegalStateException.class).hasMessage("the local file shrank");

    await().pollDelay(Duration.ZERO).during(Duration.ofMillis(300)).atMost(Duration.ofSeconds(2))
        .until(() -> worker.wholes.isEmpty() && worker.received.isEmpty());
  }

  @Test
  void aPieceThatCannotBeReadSendsNoHeader() throws Exception {
    RecordingWorker worker = start(new RecordingWorker(false));
    // Longer than one message, so that it goes as a stream.
    WritePieceHeader header = WritePieceHeader.newBuilder().setPieceId(9)
        .setLength(Limits.MESSAGE_DATA_BYTES + 4096).build();

    assertThatThrownBy(() -> PieceWriteCall.write(channel, ref(), header, (offset, into) -> {
      // Long enough for a header sent before this read to reach the worker.
      await().pollDelay(Duration.ZERO).during(Duration.ofMillis(500)).atMost(Duration.ofSeconds(2))
          .until(worker.received::isEmpty);
      throw new IllegalStateException("the local file shrank");
    })).isInstanceOf(IllegalStateException.class).hasMessage("the local file shrank");

    // The worker never opens the piece, nor the chain behind it, for bytes that never come.
    assertThat(worker.ended.get(5, TimeUnit.SECONDS)).isNotNull();
    assertThat(worker.received).isEmpty();
  }

  private RecordingWorker start(RecordingWorker worker) throws Exception {
    server = InProcessServerBuilder.forName(name).addService(worker).build().start();
    channel = InProcessChannelBuilder.forName(name).build();
    return worker;
  }

  private WorkerRef ref() {
    return WorkerRef.newBuilder().setWorkerId("w1").setAddress(name).build();
  }
}
