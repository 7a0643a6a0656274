package io.hiro.master.rpc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.protobuf.ByteString;
import io.hiro.common.ErrorCode;
import io.hiro.common.HiroException;
import io.hiro.common.PieceId;
import io.hiro.common.security.CallVerifier;
import io.hiro.common.security.ClusterSecret;
import io.hiro.common.security.PieceOperation;
import io.hiro.common.security.PieceTokens;
import io.hiro.master.config.MasterConfig;
import io.hiro.master.core.FakeClock;
import io.hiro.master.core.Master;
import io.hiro.proto.AllocateChainRequest;
import io.hiro.proto.CommitFileRequest;
import io.hiro.proto.CommittedPiece;
import io.hiro.proto.CopyOrder;
import io.hiro.proto.CreateFileRequest;
import io.hiro.proto.CreateFileResponse;
import io.hiro.proto.DeleteOrder;
import io.hiro.proto.DeleteRequest;
import io.hiro.proto.HeartbeatRequest;
import io.hiro.proto.HeartbeatResponse;
import io.hiro.proto.PieceRef;
import io.hiro.proto.RegisterRequest;
import io.hiro.proto.StatRequest;
import io.hiro.proto.WorkerRef;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The piece tokens in the master's answers: which operation, which piece, until when. */
@Timeout(value = 20, unit = TimeUnit.SECONDS)
class PieceTokenIssueTest {
  private static final Duration UPLOAD_EXPIRY = Duration.ofMinutes(30);
  private final FakeClock clock = new FakeClock();
  private final ClusterSecret secret = ClusterSecret.generate(new SecureRandom());
  private final PieceTokens workerSide = new PieceTokens(secret, Duration.ZERO);
  private Master master;
  private InProcessMaster rpc;

  @BeforeEach
  void setUp() throws Exception {
    MasterConfig config = MasterConfig.builder().dataDir(Path.of("unused")).uploadExpiry(UPLOAD_EXPIRY).build();
    master = new Master(config, clock, new SplittableRandom(7), null, new PieceTokens(secret, Duration.ZERO));
    rpc = new InProcessMaster(master);
    for (int i = 1; i <= 3; i++) {
      register("w" + i);
    }
  }

  @AfterEach
  void tearDown() {
    rpc.close();
  }

  private void register(String id) {
    rpc.cluster.register(RegisterRequest.newBuilder().setWorkerId(id).setAddress("10.0.0." + id.substring(1) + ":5050")
        .setCapacityBytes(1L << 40).setFreeBytes(1L << 39).build());
  }

  private List<CopyOrder> heartbeat(String id) {
    return heartbeatResponse(id).getCopiesList();
  }

  private HeartbeatResponse heartbeatResponse(String id) {
    return rpc.cluster.heartbeat(HeartbeatRequest.newBuilder().setWorkerId(id).setCapacityBytes(1L << 40)
        .setFreeBytes(1L << 39).build());
  }

  private void accepted(ByteString token, long pieceId, PieceOperation operation, Instant at) {
    assertThatCode(() -> workerSide.verify(token.toByteArray(), new PieceId(pieceId), Set.of(operation), at))
        .doesNotThrowAnyException();
  }

  private void refused(ByteString token, long pieceId, PieceOperation operation, Instant at) {
    assertThatThrownBy(() -> workerSide.verify(token.toByteArray(), new PieceId(pieceId), Set.of(operation), at))
        .isInstanceOf(HiroException.class)
        .satisfies(e -> assertThat(((HiroException) e).code()).isEqualTo(ErrorCode.PERMISSION_DENIED));
  }

  private CreateFileResponse upload(String path, int replication) {
    return rpc.namespace.createFile(CreateFileRequest.newBuilder().setPath(path).setSizeBytes(3 << 20)
        .setPieceSizeBytes(1 << 20).setReplication(replication).build());
  }

  private PieceRef commit(CreateFileResponse upload) {
    CommitFileRequest.Builder commit = CommitFileRequest.newBuilder().setUploadId(upload.getUploadId())
        .setSha256(ByteString.copyFrom(new byte[32]));
    for (PieceRef piece : upload.getPiecesList()) {
      commit.addPieces(CommittedPiece.newBuilder().setIndex(piece.getIndex()).setPieceId(piece.getPieceId())
          .setLength(piece.getLength()).addAllWorkerIds(piece.getReplicasList().stream().map(WorkerRef::getWorkerId)
              .toList()));
    }
    rpc.namespace.commitFile(commit.build());
    return upload.getPieces(0);
  }

  @Test
  void everyPieceOfAnUploadGetsAWriteTokenForItselfUntilTheUploadExpires() {
    Instant now = clock.instant();
    CreateFileResponse upload = upload("/a", 2);

    assertThat(upload.getPiecesList()).hasSize(3).allSatisfy(piece -> {
      accepted(piece.getToken(), piece.getPieceId(), PieceOperation.WRITE, now.plus(UPLOAD_EXPIRY));
      refused(piece.getToken(), piece.getPieceId(), PieceOperation.WRITE, now.plus(UPLOAD_EXPIRY).plusSeconds(1));
      refused(piece.getToken(), piece.getPieceId(), PieceOperation.READ, now);
    });
    PieceRef first = upload.getPieces(0);
    refused(first.getToken(), upload.getPieces(1).getPieceId(), PieceOperation.WRITE, now);
  }

  @Test
  void aNewChainGetsAWriteTokenThatStillEndsWithTheUpload() {
    Instant created = clock.instant();
    CreateFileResponse upload = upload("/a", 1);
    clock.advance(Duration.ofMinutes(10));
    List.of("w1", "w2", "w3").forEach(this::heartbeat);

    PieceRef again = rpc.namespace.allocateChain(AllocateChainRequest.newBuilder().setUploadId(upload.getUploadId())
        .setIndex(1).addExcludeWorkerIds(upload.getPieces(1).getReplicas(0).getWorkerId()).build()).getPiece();

    accepted(again.getToken(), again.getPieceId(), PieceOperation.WRITE, created.plus(UPLOAD_EXPIRY));
    refused(again.getToken(), again.getPieceId(), PieceOperation.WRITE, created.plus(UPLOAD_EXPIRY).plusSeconds(1));
  }

  @Test
  void statGivesReadTokensForAQuarterOfAnHour() {
    PieceRef piece = commit(upload("/a", 2));
    clock.advance(Duration.ofMinutes(5));
    Instant now = clock.instant();

    PieceRef stated = rpc.namespace.stat(StatRequest.newBuilder().setPath("/a").setWithPieces(true).build())
        .getFile().getPieces(0);

    assertThat(stated.getPieceId()).isEqualTo(piece.getPieceId());
    accepted(stated.getToken(), piece.getPieceId(), PieceOperation.READ, now.plus(Duration.ofMinutes(15)));
    refused(stated.getToken(), piece.getPieceId(), PieceOperation.READ, now.plus(Duration.ofMinutes(15)).plusSeconds(1));
    refused(stated.getToken(), piece.getPieceId(), PieceOperation.WRITE, now);
  }

  @Test
  void aCopyOrderCarriesACopyTokenForItsPiece() {
    PieceRef piece = commit(upload("/a", 2));
    List<String> holders = piece.getReplicasList().stream().map(WorkerRef::getWorkerId).toList();
    String survivor = holders.get(0);
    List<String> alive = new ArrayList<>(List.of("w1", "w2", "w3"));
    alive.remove(holders.get(1));
    List<CopyOrder> orders = new ArrayList<>();
    for (int i = 0; i < 12 && orders.stream().noneMatch(o -> o.getPieceId() == piece.getPieceId()); i++) {
      clock.advance(Duration.ofSeconds(3));
      alive.forEach(id -> orders.addAll(heartbeat(id)));
      master.sweep();
    }
    orders.addAll(heartbeat(survivor));

    assertThat(orders).filteredOn(order -> order.getPieceId() == piece.getPieceId()).singleElement().satisfies(order -> {
      // The copy's deadline: at least a minute after it was ordered, a heartbeat ago at most.
      accepted(order.getToken(), piece.getPieceId(), PieceOperation.COPY, clock.instant().plusSeconds(30));
      refused(order.getToken(), piece.getPieceId(), PieceOperation.READ, clock.instant());
      refused(order.getToken(), piece.getPieceId(), PieceOperation.COPY, clock.instant().plus(Duration.ofHours(1)));
    });
  }

  @Test
  void everyDeleteOrderCarriesADeleteTokenForItsPieceForAsLongAsTheCallCredentialWindow() {
    PieceRef removed = commit(upload("/removed", 3));
    commit(upload("/overwritten", 3));
    long overwrittenPiece = rpc.namespace.stat(StatRequest.newBuilder().setPath("/overwritten").setWithPieces(true)
        .build()).getFile().getPieces(0).getPieceId();
    commit(rpc.namespace.createFile(CreateFileRequest.newBuilder().setPath("/overwritten").setSizeBytes(1 << 20)
        .setPieceSizeBytes(1 << 20).setReplication(3).setOverwrite(true).build()));
    rpc.namespace.delete(DeleteRequest.newBuilder().setPath("/removed").build());
    Instant now = clock.instant();

    for (String worker : List.of("w1", "w2", "w3")) {
      List<DeleteOrder> orders = heartbeatResponse(worker).getDeletesList();
      assertThat(orders).as("deletes for %s", worker).extracting(DeleteOrder::getPieceId)
          .contains(removed.getPieceId(), overwrittenPiece).hasSize(6);
      assertThat(orders).allSatisfy(order -> {
        accepted(order.getToken(), order.getPieceId(), PieceOperation.DELETE, now.plus(CallVerifier.WINDOW_DEFAULT));
        refused(order.getToken(), order.getPieceId(), PieceOperation.DELETE,
            now.plus(CallVerifier.WINDOW_DEFAULT).plusSeconds(1));
        refused(order.getToken(), order.getPieceId() + 1, PieceOperation.DELETE, now);
        refused(order.getToken(), order.getPieceId(), PieceOperation.READ, now);
        refused(order.getToken(), order.getPieceId(), PieceOperation.WRITE, now);
        refused(order.getToken(), order.getPieceId(), PieceOperation.COPY, now);
      });
    }
  }
}
