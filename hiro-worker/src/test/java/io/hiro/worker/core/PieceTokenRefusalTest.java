package io.hiro.worker.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.protobuf.ByteString;
import io.hiro.common.ErrorCode;
import io.hiro.common.HiroException;
import io.hiro.common.PieceId;
import io.hiro.common.WorkerId;
import io.hiro.common.security.PieceOperation;
import io.hiro.proto.ReplicaMeta;
import io.hiro.proto.WorkerRef;
import io.hiro.proto.WritePieceHeader;
import io.hiro.worker.store.MemoryPieceStore;
import io.hiro.worker.store.PieceWrite;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Without the master's token for that piece and that operation, a worker writes, reads and forwards nothing. */
@Timeout(20)
class PieceTokenRefusalTest {
  private static final WorkerId SELF = new WorkerId("w-1");
  private static final long PIECE = 0x7e7e000000000001L;
  private static final long OTHER_PIECE = 0x7e7e000000000002L;

  private final MemoryPieceStore store = new MemoryPieceStore();
  private final List<WritePieceHeader> forwarded = new ArrayList<>();
  private final PieceWrites writes = new PieceWrites(SELF, TestTokens.CHECK, store, meta -> {}, Duration.ofSeconds(1), 4);
  private final PieceReads reads = new PieceReads(TestTokens.CHECK, store, 1024);

  /** Every token a worker must refuse for a write of {@link #PIECE}, by what is wrong with it. */
  static Map<String, ByteString> badWriteTokens() {
    Map<String, ByteString> tokens = new LinkedHashMap<>();
    tokens.put("no token", ByteString.EMPTY);
    tokens.put("another piece's token", TestTokens.write(OTHER_PIECE));
    tokens.put("a read token", TestTokens.read(PIECE));
    tokens.put("an expired token", TestTokens.issue(PIECE, PieceOperation.WRITE, Instant.now().minusSeconds(5)));
    tokens.put("a tampered token", tampered(TestTokens.write(PIECE)));
    tokens.put("another cluster's token", TestTokens.forged(PIECE, PieceOperation.WRITE));
    tokens.put("a truncated token", TestTokens.write(PIECE).substring(0, 20));
    return tokens;
  }

  /** The same token with one byte of its expiry changed: the signature no longer matches. */
  static ByteString tampered(ByteString token) {
    byte[] bytes = token.toByteArray();
    bytes[12] += 1;
    return ByteString.copyFrom(bytes);
  }

  private static WritePieceHeader header(ByteString token) {
    return WritePieceHeader.newBuilder().setPieceId(PIECE).setLength(10).setPath("/a").setToken(token)
        .addDownstream(WorkerRef.newBuilder().setWorkerId("w-2").setAddress("127.0.0.1:1")).build();
  }

  private ChainWriter open(ByteString token) {
    return writes.open(header(token), (worker, next) -> {
      forwarded.add(next);
      return new FakeSink();
    });
  }

  private static void assertDenied(String what, ThrowingCallable call) {
    assertThatThrownBy(call).as(what).isInstanceOf(HiroException.class)
        .satisfies(e -> assertThat(((HiroException) e).code()).as(what).isEqualTo(ErrorCode.PERMISSION_DENIED));
  }

  @Test
  void aWriteWithoutAValidWriteTokenIsDeniedBeforeAnythingIsWrittenOrForwarded() {
    badWriteTokens().forEach((what, token) -> assertDenied(what, () -> open(token)));

    assertThat(store.writesInFlight()).isZero();
    assertThat(store.replicas()).isEmpty();
    assertThat(forwarded).isEmpty();
    assertThat(writes.streamsInUse()).isZero();
  }

  @Test
  void aWriteTokenOrACopyTokenForThePieceOpensItsStreamAndIsForwardedUnchanged() {
    ByteString write = TestTokens.write(PIECE);
    open(write).abort("test");
    open(TestTokens.copy(PIECE)).abort("test");

    assertThat(forwarded).hasSize(2);
    assertThat(forwarded.get(0).getToken()).isEqualTo(write);
  }

  @Test
  void aReadWithoutAValidReadTokenIsDenied() {
    PieceWrite write = store.begin(ReplicaMeta.newBuilder().setPieceId(PIECE).setLength(4).build());
    write.append(ByteBuffer.wrap(new byte[] {1, 2, 3, 4}));
    write.commit();
    Map<String, ByteString> bad = new LinkedHashMap<>();
    bad.put("no token", ByteString.EMPTY);
    bad.put("a write token", TestTokens.write(PIECE));
    bad.put("another piece's token", TestTokens.read(OTHER_PIECE));
    bad.put("an expired token", TestTokens.issue(PIECE, PieceOperation.READ, Instant.now().minusSeconds(5)));
    bad.put("a tampered token", tampered(TestTokens.read(PIECE)));
    bad.put("another cluster's token", TestTokens.forged(PIECE, PieceOperation.READ));

    bad.forEach((what, token) -> assertDenied(what, () -> reads.open(new PieceId(PIECE), 0, 0, token.toByteArray())));

    try (PieceRead read = reads.open(new PieceId(PIECE), 0, 0, TestTokens.read(PIECE).toByteArray())) {
      assertThat(read.hasMore()).isTrue();
    }
  }

  @Test
  void aReadOfAPieceThisWorkerDoesNotHoldIsDeniedNotNotFoundWithoutAToken() {
    assertDenied("no token", () -> reads.open(new PieceId(OTHER_PIECE), 0, 0, new byte[0]));
  }
}
