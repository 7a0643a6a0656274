package io.hiro.worker.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import com.google.protobuf.ByteString;
import io.hiro.common.Crc32c;
import io.hiro.common.ErrorCode;
import io.hiro.common.HiroException;
import io.hiro.common.PieceId;
import io.hiro.common.WorkerId;
import io.hiro.proto.PieceData;
import io.hiro.proto.ReplicaMeta;
import io.hiro.proto.WorkerRef;
import io.hiro.proto.WritePieceHeader;
import io.hiro.proto.WritePieceResponse;
import io.hiro.worker.store.MemoryPieceStore;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(10)
class ChainWriterTest {
  private static final WorkerId SELF = new WorkerId("w-1");
  private static final PieceId PIECE = new PieceId(0x1234L);
  private static final int MESSAGE_BYTES = 100_000;

  private final MemoryPieceStore store = new MemoryPieceStore();
  private final List<ReplicaMeta> reported = new ArrayList<>();
  private final FakeSink sink = new FakeSink();
  private final List<WritePieceHeader> headersSentDownstream = new ArrayList<>();
  private final PieceWrites writes = new PieceWrites(SELF, TestTokens.CHECK, store, reported::add, Duration.ofSeconds(1), 2);

  private static WritePieceHeader header(int length, String... downstream) {
    WritePieceHeader.Builder header = WritePieceHeader.newBuilder()
        .setPieceId(PIECE.value()).setLength(length).setFileId(9).setIndex(0).setVersion(1).setPath("/a")
        .setToken(TestTokens.write(PIECE.value()));
    for (String id : downstream) {
      header.addDownstream(WorkerRef.newBuilder().setWorkerId(id).setAddress("127.0.0.1:1"));
    }
    return header.build();
  }

  private ChainWriter open(WritePieceHeader header) {
    return writes.open(header, (worker, next) -> {
      headersSentDownstream.add(next);
      return sink;
    });
  }

  private static byte[] randomBytes(int size) {
    byte[] bytes = new byte[size];
    new Random(7).nextBytes(bytes);
    return bytes;
  }

  private static PieceData data(byte[] bytes, int offset, int length) {
    return PieceData.newBuilder().setOffset(offset).setData(ByteString.copyFrom(bytes, offset, length))
        .setCrc32C(Crc32c.of(bytes, offset, length)).build();
  }

  private static void sendAll(ChainWriter writer, byte[] bytes) {
    for (int offset = 0; offset < bytes.length; offset += MESSAGE_BYTES) {
      writer.accept(data(bytes, offset, Math.min(MESSAGE_BYTES, bytes.length - offset)));
    }
  }

  private static ErrorCode codeOf(Throwable e) {
    return ((HiroException) e).code();
  }

  @Test
  void bytesReachStoreAndDownstreamInOrder() {
    byte[] bytes = randomBytes(350_000);
    sink.answer = WritePieceResponse.newBuilder().setCrc32C(Crc32c.of(bytes, 0, bytes.length))
        .addStoredWorkerIds("w-2").addStoredWorkerIds("w-3").build();
    ChainWriter writer = open(header(bytes.length, "w-2", "w-3"));

    sendAll(writer, bytes);
    WritePieceResponse response = writer.finish().join();

    assertThat(store.bytes(PIECE)).isEqualTo(bytes);
    assertThat(sink.bytes.toByteArray()).isEqualTo(bytes);
    assertThat(sink.received).extracting(PieceData::getOffset).containsExactly(0L, 100_000L, 200_000L, 300_000L);
    assertThat(sink.completed).isTrue();
    assertThat(headersSentDownstream).singleElement()
        .satisfies(h -> assertThat(h.getDownstreamList()).extracting(WorkerRef::getWorkerId).containsExactly("w-3"));
    assertThat(response.getStoredWorkerIdsList()).containsExactly("w-1", "w-2", "w-3");
    assertThat(response.getFailedWorkerIdsList()).isEmpty();
    assertThat(response.getCrc32C()).isEqualTo(Crc32c.of(bytes, 0, bytes.length));
    assertThat(reported).singleElement().satisfies(m -> assertThat(m.getPath()).isEqualTo("/a"));
    assertThat(writes.streamsInUse()).isZero();
  }

  @Test
  void messageWithWrongCrcIsDataLossAndLeavesNoTemp() {
    byte[] bytes = randomBytes(200);
    ChainWriter writer = open(header(bytes.length, "w-2"));
    PieceData bad = data(bytes, 0, 200).toBuilder().setCrc32C(0xdeadbeef).build();

    assertThatThrownBy(() -> writer.accept(bad)).satisfies(e -> assertThat(codeOf(e)).isEqualTo(ErrorCode.DATA_LOSS));

    assertThat(store.writesInFlight()).isZero();
    assertThat(sink.received).isEmpty();
    assertThat(sink.cancelledBecause).isNotNull();
    assertThat(writes.streamsInUse()).isZero();
  }

  @Test
  void moreBytesThanTheHeaderSaysIsInvalidAndLeavesNoTemp() {
    byte[] bytes = randomBytes(300);
    ChainWriter writer = open(header(250));
    writer.accept(data(bytes, 0, 200));

    assertThatThrownBy(() -> writer.accept(data(bytes, 200, 100)))
        .satisfies(e -> assertThat(codeOf(e)).isEqualTo(ErrorCode.INVALID_ARGUMENT));
    assertThat(store.writesInFlight()).isZero();
    assertThat(store.replicas()).isEmpty();
  }

  @Test
  void messageOutOfOrderIsInvalid() {
    byte[] bytes = randomBytes(300);
    ChainWriter writer = open(header(300));
    writer.accept(data(bytes, 0, 100));

    assertThatThrownBy(() -> writer.accept(data(bytes, 200, 100)))
        .satisfies(e -> assertThat(codeOf(e)).isEqualTo(ErrorCode.INVALID_ARGUMENT));
    assertThat(store.writesInFlight()).isZero();
  }

  @Test
  void shortStreamIsRejectedAndLeavesNoTemp() {
    byte[] bytes = randomBytes(300);
    ChainWriter writer = open(header(300, "w-2"));
    writer.accept(data(bytes, 0, 100));

    assertThatThrownBy(writer::finish).satisfies(e -> assertThat(codeOf(e)).isEqualTo(ErrorCode.INVALID_ARGUMENT))
        .hasMessageContaining("100 of 300");
    assertThat(store.writesInFlight()).isZero();
    assertThat(store.replicas()).isEmpty();
    assertThat(sink.cancelledBecause).isNotNull();
    assertThat(reported).isEmpty();
  }

  @Test
  void failingDownstreamLeavesLocalWriteSucceedingWithRestOfChainNamedFailed() {
    byte[] bytes = randomBytes(350_000);
    sink.failAfterMessages = 2;
    ChainWriter writer = open(header(bytes.length, "w-2", "w-3"));

    sendAll(writer, bytes);
    WritePieceResponse response = writer.finish().join();

    assertThat(store.bytes(PIECE)).isEqualTo(bytes);
    assertThat(sink.received).hasSize(2);
    assertThat(sink.cancelledBecause).isNotNull();
    assertThat(response.getStoredWorkerIdsList()).containsExactly("w-1");
    assertThat(response.getFailedWorkerIdsList()).containsExactly("w-2", "w-3");
    assertThat(reported).hasSize(1);
  }

  @Test
  void downstreamThatLosesATailWorkerIsReportedPartly() {
    byte[] bytes = randomBytes(1000);
    sink.answer = WritePieceResponse.newBuilder().setCrc32C(Crc32c.of(bytes, 0, bytes.length))
        .addStoredWorkerIds("w-2").addFailedWorkerIds("w-3").build();
    ChainWriter writer = open(header(bytes.length, "w-2", "w-3"));
    sendAll(writer, bytes);

    WritePieceResponse response = writer.finish().join();

    assertThat(response.getStoredWorkerIdsList()).containsExactly("w-1", "w-2");
    assertThat(response.getFailedWorkerIdsList()).containsExactly("w-3");
  }

  @Test
  void downstreamWithoutAnAnswerIsNamedFailed() {
    byte[] bytes = randomBytes(1000);
    ChainWriter writer = open(header(bytes.length, "w-2"));
    sendAll(writer, bytes);

    WritePieceResponse response = writer.finish().join();

    assertThat(response.getStoredWorkerIdsList()).containsExactly("w-1");
    assertThat(response.getFailedWorkerIdsList()).containsExactly("w-2");
  }

  @Test
  void finishReturnsBeforeTheDownstreamAnswersAndHoldsTheSlotUntilItDoes() {
    byte[] bytes = randomBytes(1000);
    sink.answerLater = new CompletableFuture<>();
    ChainWriter writer = open(header(bytes.length, "w-2"));
    sendAll(writer, bytes);

    CompletableFuture<WritePieceResponse> answer = writer.finish();

    assertThat(store.bytes(PIECE)).as("the local replica is committed at once").isEqualTo(bytes);
    assertThat(answer).isNotDone();
    assertThat(writes.streamsInUse()).isEqualTo(1);
    assertThat(reported).isEmpty();
    sink.answerLater.complete(WritePieceResponse.newBuilder().setCrc32C(Crc32c.of(bytes, 0, bytes.length))
        .addStoredWorkerIds("w-2").build());
    assertThat(answer.join().getStoredWorkerIdsList()).containsExactly("w-1", "w-2");
    assertThat(writes.streamsInUse()).isZero();
    assertThat(reported).hasSize(1);
  }

  @Test
  void downstreamThatDoesNotAnswerWithinTheWaitIsCancelledAndNamedFailed() throws Exception {
    byte[] bytes = randomBytes(1000);
    sink.answerLater = new CompletableFuture<>();
    ChainWriter writer = open(header(bytes.length, "w-2", "w-3"));
    sendAll(writer, bytes);

    CompletableFuture<WritePieceResponse> answer = writer.finish();
    writes.expireOverdueAnswers();
    assertThat(answer).as("not ended before its wait is over").isNotDone();
    await().atMost(Duration.ofSeconds(5)).until(() -> {
      writes.expireOverdueAnswers(); // what the data service's sweep does
      return answer.isDone();
    });
    WritePieceResponse response = answer.join();

    assertThat(response.getStoredWorkerIdsList()).containsExactly("w-1");
    assertThat(response.getFailedWorkerIdsList()).containsExactly("w-2", "w-3");
    assertThat(sink.cancelledBecause).isNotNull();
    assertThat(writes.streamsInUse()).isZero();
    assertThat(writes.answersAwaited()).isZero();
  }

  @Test
  void tooManyStreamsAtOnceIsResourceExhausted() {
    ChainWriter first = open(header(10));
    open(header(10));

    assertThatThrownBy(() -> open(header(10)))
        .satisfies(e -> assertThat(codeOf(e)).isEqualTo(ErrorCode.RESOURCE_EXHAUSTED));
    first.abort("test");
    assertThat(open(header(10))).isNotNull();
  }

  @Test
  void chainNamingAWorkerTwiceIsInvalid() {
    assertThatThrownBy(() -> open(header(10, "w-2", "w-2")))
        .satisfies(e -> assertThat(codeOf(e)).isEqualTo(ErrorCode.INVALID_ARGUMENT));
    assertThatThrownBy(() -> open(header(10, "w-1")))
        .satisfies(e -> assertThat(codeOf(e)).isEqualTo(ErrorCode.INVALID_ARGUMENT));
    assertThat(writes.streamsInUse()).isZero();
    assertThat(Arrays.asList(store.writesInFlight())).containsExactly(0);
  }

  @Test
  void nextMessageIsAskedForOnlyOnceTheDownstreamIsReady() {
    byte[] bytes = randomBytes(200);
    ChainWriter writer = open(header(bytes.length, "w-2"));
    List<String> asked = new ArrayList<>();
    sink.ready = false;

    writer.accept(data(bytes, 0, 100));
    writer.whenReadyForMore(() -> asked.add("next"));
    assertThat(asked).isEmpty();

    sink.becomeReady();
    assertThat(asked).containsExactly("next");
  }

  @Test
  void nextMessageIsAskedForAtOnceWhenTheDownstreamHasFailed() {
    byte[] bytes = randomBytes(200);
    sink.failAfterMessages = 0;
    sink.ready = false;
    ChainWriter writer = open(header(bytes.length, "w-2"));
    List<String> asked = new ArrayList<>();

    writer.accept(data(bytes, 0, 100));
    writer.whenReadyForMore(() -> asked.add("next"));

    assertThat(asked).containsExactly("next");
  }

  @Test
  void diskFullMidWriteIsResourceExhaustedAndRemovesTheTempAndCancelsTheDownstream() {
    byte[] bytes = randomBytes(350_000);
    store.diskFullAfterBytes = 150_000;
    ChainWriter writer = open(header(bytes.length, "w-2"));

    assertThatThrownBy(() -> sendAll(writer, bytes))
        .satisfies(e -> assertThat(codeOf(e)).isEqualTo(ErrorCode.RESOURCE_EXHAUSTED));

    assertThat(store.writesInFlight()).isZero();
    assertThat(sink.cancelledBecause).isNotNull();
    assertThat(writes.streamsInUse()).isZero();
  }

  @Test
  void aWholePieceIsPassedOnBeforeAnythingIsWrittenThenStoredAndAnswered() {
    byte[] bytes = randomBytes(4096);
    sink.answer = WritePieceResponse.newBuilder().setCrc32C(Crc32c.of(bytes, 0, bytes.length))
        .addStoredWorkerIds("w-2").build();

    ChainWriter writer = writes.passOnWhole(header(bytes.length, "w-2"), data(bytes, 0, bytes.length),
        (worker, next) -> sink);

    assertThat(sink.bytes.toByteArray()).isEqualTo(bytes);
    assertThat(sink.completed).isTrue();
    assertThat(store.writesInFlight()).isZero();
    assertThat(store.meta(PIECE)).isEmpty();
    WritePieceResponse response = writer.storeWhole().join();
    assertThat(store.bytes(PIECE)).isEqualTo(bytes);
    assertThat(sink.completions).as("the piece ended once downstream, not again at the commit").isEqualTo(1);
    assertThat(response.getStoredWorkerIdsList()).containsExactly("w-1", "w-2");
    assertThat(writes.streamsInUse()).isZero();
  }

  @Test
  void aWholePieceWithAWrongCrcIsNeitherPassedOnNorAdmitted() {
    byte[] bytes = randomBytes(4096);
    PieceData corrupt = data(bytes, 0, bytes.length).toBuilder().setCrc32C(Crc32c.of(bytes, 0, bytes.length) + 1).build();

    assertThatThrownBy(() -> writes.passOnWhole(header(bytes.length, "w-2"), corrupt, (worker, next) -> sink))
        .satisfies(e -> assertThat(codeOf(e)).isEqualTo(ErrorCode.DATA_LOSS));

    assertThat(sink.received).isEmpty();
    assertThat(sink.completed).isFalse();
    assertThat(writes.streamsInUse()).isZero();
  }

  @Test
  void aWholePieceWhoseLocalWriteFailsAfterItWasPassedOnCancelsTheDownstreamAndFreesItsSlot() {
    byte[] bytes = randomBytes(4096);
    store.diskFullAfterBytes = 100;
    ChainWriter writer = writes.passOnWhole(header(bytes.length, "w-2"), data(bytes, 0, bytes.length),
        (worker, next) -> sink);

    assertThatThrownBy(writer::storeWhole).satisfies(e -> assertThat(codeOf(e)).isEqualTo(ErrorCode.RESOURCE_EXHAUSTED));

    assertThat(sink.cancelledBecause).isNotNull();
    assertThat(store.writesInFlight()).isZero();
    assertThat(store.meta(PIECE)).isEmpty();
    assertThat(writes.streamsInUse()).isZero();
  }

  @Test
  void pieceLargerThanTheFreeSpaceIsRefusedAtTheHeaderBeforeAnythingIsWrittenOrForwarded() {
    SpaceBudget space = new SpaceBudget(SELF, () -> 300_000);
    PieceWrites small = new PieceWrites(SELF, TestTokens.CHECK, store, space, reported::add, Duration.ofSeconds(1), 4);
    ChainWriter first = small.open(header(200_000), (worker, next) -> sink);

    assertThatThrownBy(() -> small.open(header(200_000, "w-2"), (worker, next) -> {
      throw new AssertionError("a refused piece must not be forwarded");
    }))
        .satisfies(e -> assertThat(codeOf(e)).isEqualTo(ErrorCode.RESOURCE_EXHAUSTED))
        .hasMessageContaining("full");

    assertThat(store.writesInFlight()).isEqualTo(1);
    assertThat(small.streamsInUse()).isEqualTo(1);
    first.abort("test over");
    assertThat(space.promisedBytes()).isZero();
    assertThat(small.open(header(300_000), (worker, next) -> sink)).isNotNull();
  }
}
