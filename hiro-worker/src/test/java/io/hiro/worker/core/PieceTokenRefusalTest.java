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
import java.util.ArrayList;
import java.util.List;
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
    TestTokens.bad(PIECE, PieceOperation.WRITE, PieceOperation.READ)
        .forEach((what, token) -> assertDenied(what, () -> open(token)));

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
    TestTokens.bad(PIECE, PieceOperation.READ, PieceOperation.WRITE).forEach((what, token) ->
        assertDenied(what, () -> reads.open(new PieceId(PIECE), 0, 0, token.toByteArray())));

    try (PieceRead read = reads.open(new PieceId(PIECE), 0, 0, TestTokens.read(PIECE).toByteArray())) {
      assertThat(read.hasMore()).isTrue();
    }
  }

  @Test
  void aReadOfAPieceThisWorkerDoesNotHoldIsDeniedNotNotFoundWithoutAToken() {
    assertDenied("no token", () -> reads.open(new PieceId(OTHER_PIECE), 0, 0, new byte[0]));
  }
}
