package io.hiro.master.core;

import static io.hiro.master.core.HealingFixture.GIB;
import static io.hiro.master.core.HealingFixture.PIECE;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.hiro.common.ErrorCode;
import io.hiro.common.HiroException;
import io.hiro.common.PieceId;
import io.hiro.common.WorkerId;
import io.hiro.common.security.CallVerifier;
import io.hiro.common.security.PieceOperation;
import io.hiro.master.config.MasterConfig;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Every way a replica comes to be deleted ends in a delete order that carries a DELETE token for
 * that piece, which a worker holding the secret accepts until the call-credential window has passed.
 * (The fixtures check every delete order of every other test the same way.)
 */
@Timeout(value = 20, unit = TimeUnit.SECONDS)
class DeleteTokensTest {
  private static final Set<PieceOperation> DELETE = Set.of(PieceOperation.DELETE);

  private final HealingFixture f = new HealingFixture(MasterConfig.builder());
  private final List<HeartbeatReply.DeleteOrder> handedOut = new ArrayList<>();

  /** One heartbeat straight to the master (no fixture check); its delete orders are kept for the test to check. */
  private void heartbeat(String worker) {
    handedOut.addAll(f.base.heartbeat(new WorkerId(worker), new WorkerUsage(4 * GIB, GIB, 3 * GIB), 0, false)
        .deletes());
  }

  private List<Long> handedOutIds() {
    return handedOut.stream().map(o -> o.pieceId().value()).toList();
  }

  private static void acceptedBy(HeartbeatReply.DeleteOrder order, PieceId piece, Set<PieceOperation> accepted,
      Instant at) {
    assertThatCode(() -> MasterFixture.TOKENS.verify(order.token(), piece, accepted, at)).doesNotThrowAnyException();
  }

  private static void refusedBy(HeartbeatReply.DeleteOrder order, PieceId piece, Set<PieceOperation> accepted,
      Instant at) {
    assertThatThrownBy(() -> MasterFixture.TOKENS.verify(order.token(), piece, accepted, at))
        .isInstanceOf(HiroException.class)
        .satisfies(e -> assertThat(((HiroException) e).code()).isEqualTo(ErrorCode.PERMISSION_DENIED));
  }

  /** Each order handed out so far opens its own piece's delete until the window has passed, and nothing else. */
  private void assertEveryOrderCarriesItsOwnDeleteToken(Instant issued) {
    assertThat(handedOut).isNotEmpty().allSatisfy(order -> {
      acceptedBy(order, order.pieceId(), DELETE, issued);
      acceptedBy(order, order.pieceId(), DELETE, issued.plus(CallVerifier.WINDOW_DEFAULT));
      refusedBy(order, order.pieceId(), DELETE, issued.plus(CallVerifier.WINDOW_DEFAULT).plusMillis(1));
      refusedBy(order, new PieceId(order.pieceId().value() ^ 1), DELETE, issued);
      refusedBy(order, order.pieceId(), Set.of(PieceOperation.READ, PieceOperation.WRITE, PieceOperation.COPY),
          issued);
    });
  }

  @Test
  void deletesOfARemovedFileCarryADeleteTokenPerPiece() {
    f.register("w1", GIB);
    f.register("w2", GIB);
    f.base.put("/a", 3 * PIECE);
    List<Long> pieces = f.master.stat(MasterFixture.path("/a"), true).pieces().stream().map(p -> p.id().value())
        .toList();
    f.master.delete(MasterFixture.path("/a"), false);
    Instant issued = f.clock.instant();

    heartbeat("w1");
    heartbeat("w2");

    assertThat(handedOutIds()).hasSize(6).containsAll(pieces);
    assertEveryOrderCarriesItsOwnDeleteToken(issued);
  }

  @Test
  void deletesOfAnOverwrittenFilesOldPiecesCarryADeleteToken() {
    f.register("w1", GIB);
    f.base.put("/a", PIECE);
    long old = f.piece("/a");
    f.base.put("/a", PIECE, true);
    Instant issued = f.clock.instant();

    heartbeat("w1");

    assertThat(handedOutIds()).containsExactly(old);
    assertEveryOrderCarriesItsOwnDeleteToken(issued);
  }

  @Test
  void theDeleteOfAnOrphanCarriesADeleteToken() {
    f.register("w1", GIB, 0x1234L);
    f.pass(Duration.ofSeconds(57), "w1");
    f.clock.advance(Duration.ofSeconds(6));
    f.master.sweep();
    Instant issued = f.clock.instant();

    heartbeat("w1");

    assertThat(handedOutIds()).containsExactly(0x1234L);
    assertEveryOrderCarriesItsOwnDeleteToken(issued);
  }

  @Test
  void theDeleteOfAReplicaReportedAfterItsFileWentCarriesADeleteToken() {
    f.register("w1", GIB);
    f.base.put("/a", PIECE);
    long piece = f.piece("/a");
    f.master.delete(MasterFixture.path("/a"), false);
    f.register("w2", GIB, piece);
    Instant issued = f.clock.instant();

    heartbeat("w2");

    assertThat(handedOutIds()).containsExactly(piece);
    assertEveryOrderCarriesItsOwnDeleteToken(issued);
  }

  @Test
  void theDeleteOfASurplusReplicaCarriesADeleteToken() {
    f.register("w1", 2 * GIB);
    f.register("w2", 2 * GIB);
    f.register("w3", 2 * GIB);
    f.base.put("/a", PIECE);
    long piece = f.piece("/a");
    f.register("w4", GIB / 2, piece); // a worker that was away comes back with a fourth replica; 3 are wanted
    f.master.sweep();
    Instant issued = f.clock.instant();

    List.of("w1", "w2", "w3", "w4").forEach(this::heartbeat);

    assertThat(handedOutIds()).containsExactly(piece);
    assertEveryOrderCarriesItsOwnDeleteToken(issued);
  }
}
