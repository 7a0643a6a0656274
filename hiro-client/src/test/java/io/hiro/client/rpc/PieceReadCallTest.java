package io.hiro.client.rpc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.protobuf.ByteString;
import io.grpc.ManagedChannel;
import io.grpc.MethodDescriptor;
import io.grpc.Server;
import io.grpc.ServerServiceDefinition;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import io.grpc.stub.ServerCallStreamObserver;
import io.grpc.stub.ServerCalls;
import io.grpc.stub.StreamObserver;
import io.hiro.client.rpc.PieceReadCall.PieceSink;
import io.hiro.common.Crc32c;
import io.hiro.common.ErrorCode;
import io.hiro.common.HiroException;
import io.hiro.proto.DataServiceGrpc;
import io.hiro.proto.PieceData;
import io.hiro.proto.PieceRef;
import io.hiro.proto.ReadPieceRequest;
import io.hiro.proto.ReadPieceResponse;
import io.hiro.proto.WorkerRef;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Function;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * A piece read over real gRPC (Netty on loopback) from a worker that sends what each test makes
 * it send, into the piece's array ({@link PieceSink#array}, parsed in place) and through a sink.
 */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class PieceReadCallTest {
  private static final int MESSAGE_BYTES = 256 * 1024;

  private final byte[] piece = randomBytes(3 * MESSAGE_BYTES + 1_000);
  private final WorkerRef worker = WorkerRef.newBuilder().setWorkerId("w1").setAddress("127.0.0.1:0").build();
  private volatile Function<byte[], List<ReadPieceResponse>> answers = PieceReadCallTest::asAWorkerSendsIt;
  /** Sent after {@link #answers}, as they are. */
  private volatile List<byte[]> rawAnswers = List.of();
  /** Whether the worker keeps the stream open after its answers, as a stalled worker would. */
  private volatile boolean stalls;
  /** Counted down when a stalled stream is cancelled by the reader. */
  private final CountDownLatch cancelled = new CountDownLatch(1);
  private Server server;
  private ManagedChannel channel;

  @BeforeEach
  void start() throws IOException {
    // ReadPiece answered with whatever bytes the test sets, so that it can send what protobuf would not.
    MethodDescriptor<ReadPieceRequest, byte[]> raw = DataServiceGrpc.getReadPieceMethod().toBuilder(
        DataServiceGrpc.getReadPieceMethod().getRequestMarshaller(), new MethodDescriptor.Marshaller<byte[]>() {
          @Override
          public InputStream stream(byte[] value) {
            return new ByteArrayInputStream(value);
          }

          @Override
          public byte[] parse(InputStream stream) {
            throw new UnsupportedOperationException();
          }
        }).build();
    server = NettyServerBuilder.forAddress(new InetSocketAddress("127.0.0.1", 0))
        .addService(ServerServiceDefinition.builder(DataServiceGrpc.SERVICE_NAME)
            .addMethod(raw, ServerCalls.asyncServerStreamingCall((ReadPieceRequest request,
                StreamObserver<byte[]> responses) -> {
              ((ServerCallStreamObserver<byte[]>) responses).setOnCancelHandler(cancelled::countDown);
              answers.apply(piece).forEach(message -> responses.onNext(message.toByteArray()));
              rawAnswers.forEach(responses::onNext);
              if (!stalls) {
                responses.onCompleted();
              }
            })).build())
        .build().start();
    channel = NettyChannelBuilder.forAddress("127.0.0.1", server.getPort()).usePlaintext().build();
  }

  @AfterEach
  void stop() throws InterruptedException {
    channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
    server.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
  }

  @ParameterizedTest
  @ValueSource(booleans = {true, false})
  void readsEveryByteAndReturnsThePiecesCrc(boolean intoArray) {
    byte[] into = new byte[piece.length + 100];

    int crc = PieceReadCall.read(channel, worker, ref(piece.length), sink(intoArray, into));

    assertThat(crc).isEqualTo(Crc32c.of(piece, 0, piece.length));
    assertThat(Arrays.copyOf(into, piece.length)).isEqualTo(piece);
  }

  @ParameterizedTest
  @ValueSource(booleans = {true, false})
  void aMessageFailingItsCrcIsDataLoss(boolean intoArray) {
    answers = bytes -> {
      List<ReadPieceResponse> sent = new ArrayList<>(asAWorkerSendsIt(bytes));
      PieceData second = sent.get(1).getData();
      sent.set(1, ReadPieceResponse.newBuilder().setData(second.toBuilder().setCrc32C(second.getCrc32C() ^ 1)).build());
      return sent;
    };

    assertDataLoss(intoArray, piece.length, "the message at offset " + MESSAGE_BYTES + " failed its CRC32C");
  }

  @ParameterizedTest
  @ValueSource(booleans = {true, false})
  void aMessageAtAnotherOffsetIsDataLoss(boolean intoArray) {
    answers = bytes -> {
      List<ReadPieceResponse> sent = new ArrayList<>(asAWorkerSendsIt(bytes));
      sent.remove(1);
      return sent;
    };

    assertDataLoss(intoArray, piece.length,
        "a message starts at offset " + 2 * MESSAGE_BYTES + ", expected " + MESSAGE_BYTES);
  }

  @ParameterizedTest
  @ValueSource(booleans = {true, false})
  void aPieceLongerThanItsLengthIsDataLoss(boolean intoArray) {
    assertDataLoss(intoArray, piece.length - 1, "is longer than its " + (piece.length - 1) + " bytes");
  }

  @ParameterizedTest
  @ValueSource(booleans = {true, false})
  void aPieceShorterThanItsLengthIsDataLoss(boolean intoArray) {
    assertDataLoss(intoArray, piece.length + 1, "ended after " + piece.length + " of " + (piece.length + 1) + " bytes");
  }

  @ParameterizedTest
  @ValueSource(booleans = {true, false})
  void aMessageThatIsNotProtobufFailsTheReadButIsNotDataLoss(boolean intoArray) {
    answers = bytes -> asAWorkerSendsIt(bytes).subList(0, 1);
    rawAnswers = List.of(new byte[] {(byte) (1 << 3 | 2), 100, 1, 2, 3}); // a field of 100 bytes that has 3
    byte[] into = new byte[piece.length + 100];

    // Not DATA_LOSS: the replica may be fine, and is not reported as corrupt; the next one is tried.
    assertThatThrownBy(() -> PieceReadCall.read(channel, worker, ref(piece.length), sink(intoArray, into)))
        .isInstanceOfSatisfying(HiroException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.UNAVAILABLE));
  }

  @ParameterizedTest
  @ValueSource(booleans = {true, false})
  void aBadMessageCancelsTheStreamAtOnce(boolean intoArray) throws InterruptedException {
    answers = bytes -> {
      List<ReadPieceResponse> sent = new ArrayList<>(asAWorkerSendsIt(bytes));
      PieceData first = sent.get(0).getData();
      return List.of(ReadPieceResponse.newBuilder().setData(first.toBuilder().setCrc32C(first.getCrc32C() ^ 1)).build());
    };
    stalls = true;

    // Not at the stream's deadline (over a minute): the class's timeout is 30 s.
    assertDataLoss(intoArray, piece.length, "the message at offset 0 failed its CRC32C");
    assertThat(cancelled.await(10, TimeUnit.SECONDS)).as("the worker saw the stream cancelled").isTrue();
  }

  @ParameterizedTest
  @ValueSource(booleans = {true, false})
  void anInterruptedReadEndsAtOnceCancelledAndTheThreadStaysInterrupted(boolean intoArray) throws Exception {
    answers = bytes -> asAWorkerSendsIt(bytes).subList(0, 1);
    stalls = true;
    byte[] into = new byte[piece.length];
    CountDownLatch firstMessage = new CountDownLatch(1);
    PieceSink sink = intoArray ? PieceSink.array(into, end -> {
      if (end > 0) { // 0: the read began
        firstMessage.countDown();
      }
    })
        : (offset, data) -> firstMessage.countDown();
    AtomicReference<Throwable> failure = new AtomicReference<>();
    AtomicBoolean stillInterrupted = new AtomicBoolean();
    Thread reader = Thread.ofVirtual().start(() -> {
      try {
        PieceReadCall.read(channel, worker, ref(piece.length), sink);
      } catch (Throwable e) {
        failure.set(e);
      }
      stillInterrupted.set(Thread.currentThread().isInterrupted());
    });
    assertThat(firstMessage.await(10, TimeUnit.SECONDS)).as("the first message arrived").isTrue();

    reader.interrupt();

    assertThat(reader.join(java.time.Duration.ofSeconds(10))).as("the read ended").isTrue();
    assertThat(failure.get()).isInstanceOfSatisfying(HiroException.class,
        e -> assertThat(e.code()).isNotEqualTo(ErrorCode.DATA_LOSS));
    assertThat(stillInterrupted).isTrue();
    assertThat(cancelled.await(10, TimeUnit.SECONDS)).as("the worker saw the stream cancelled").isTrue();
  }

  private void assertDataLoss(boolean intoArray, int length, String message) {
    byte[] into = new byte[piece.length + 100];
    assertThatThrownBy(() -> PieceReadCall.read(channel, worker, ref(length), sink(intoArray, into)))
        .isInstanceOfSatisfying(HiroException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.DATA_LOSS))
        .hasMessageContaining(message);
  }

  private static PieceSink sink(boolean intoArray, byte[] into) {
    return intoArray ? PieceSink.array(into)
        : (offset, data) -> data.get(into, Math.toIntExact(offset), data.remaining());
  }

  private static PieceRef ref(int length) {
    return PieceRef.newBuilder().setPieceId(7).setIndex(0).setOffset(0).setLength(length).build();
  }

  /** The piece in messages of {@link #MESSAGE_BYTES}, each with its offset and CRC32C. */
  private static List<ReadPieceResponse> asAWorkerSendsIt(byte[] bytes) {
    List<ReadPieceResponse> messages = new ArrayList<>();
    for (int offset = 0; offset < bytes.length; offset += MESSAGE_BYTES) {
      int length = Math.min(MESSAGE_BYTES, bytes.length - offset);
      messages.add(ReadPieceResponse.newBuilder().setData(PieceData.newBuilder().setOffset(offset)
          .setData(ByteString.copyFrom(bytes, offset, length)).setCrc32C(Crc32c.of(bytes, offset, length))).build());
    }
    return messages;
  }

  private static byte[] randomBytes(int length) {
    byte[] bytes = new byte[length];
    new Random(11).nextBytes(bytes);
    return bytes;
  }
}
