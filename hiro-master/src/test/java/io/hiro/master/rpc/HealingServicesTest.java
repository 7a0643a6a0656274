package io.hiro.master.rpc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.protobuf.ByteString;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.hiro.master.config.MasterConfig;
import io.hiro.master.core.FakeClock;
import io.hiro.master.core.Master;
import io.hiro.proto.ClusterReportRequest;
import io.hiro.proto.ClusterServiceGrpc;
import io.hiro.proto.CommitFileRequest;
import io.hiro.proto.CommittedPiece;
import io.hiro.proto.CopyOrder;
import io.hiro.proto.CreateFileRequest;
import io.hiro.proto.CreateFileResponse;
import io.hiro.proto.FailedCopy;
import io.hiro.proto.FsckRequest;
import io.hiro.proto.FsckResponse;
import io.hiro.proto.HeartbeatRequest;
import io.hiro.proto.NamespaceServiceGrpc;
import io.hiro.proto.PieceRef;
import io.hiro.proto.RegisterRequest;
import io.hiro.proto.ReplicaReport;
import io.hiro.proto.ReportReplicasRequest;
import io.hiro.proto.WorkerRef;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Fsck, copy orders, corrupt and failed-copy reports through in-process gRPC. */
@Timeout(value = 20, unit = TimeUnit.SECONDS)
class HealingServicesTest {
  private final FakeClock clock = new FakeClock();
  private Master master;
  private InProcessMaster rpc;
  private NamespaceServiceGrpc.NamespaceServiceBlockingStub namespace;
  private ClusterServiceGrpc.ClusterServiceBlockingStub cluster;

  @BeforeEach
  void setUp() throws Exception {
    MasterConfig config = MasterConfig.builder().dataDir(Path.of("unused")).defaultPieceSizeBytes(1 << 20).build();
    master = new Master(config, clock, new SplittableRandom(7));
    rpc = new InProcessMaster(master);
    namespace = rpc.namespace;
    cluster = rpc.cluster;
  }

  @AfterEach
  void tearDown() {
    rpc.close();
  }

  private void register(String id) {
    cluster.register(RegisterRequest.newBuilder().setWorkerId(id).setAddress("10.0.0." + id.substring(1) + ":5050")
        .setCapacityBytes(1L << 40).setFreeBytes(1L << 39).build());
  }

  private List<CopyOrder> heartbeat(String id) {
    return cluster.heartbeat(HeartbeatRequest.newBuilder().setWorkerId(id).setCapacityBytes(1L << 40)
        .setFreeBytes(1L << 39).build()).getCopiesList();
  }

  private long put(String path, long size) {
    CreateFileResponse upload = namespace.createFile(CreateFileRequest.newBuilder().setPath(path).setSizeBytes(size)
        .setReplication(2).build());
    PieceRef piece = upload.getPieces(0);
    namespace.commitFile(CommitFileRequest.newBuilder().setUploadId(upload.getUploadId())
        .setSha256(ByteString.copyFrom(new byte[32]))
        .addPieces(CommittedPiece.newBuilder().setIndex(0).setPieceId(piece.getPieceId()).setLength(size)
            .addAllWorkerIds(piece.getReplicasList().stream().map(WorkerRef::getWorkerId).toList()))
        .build());
    return piece.getPieceId();
  }

  private FsckResponse fsck(String path) {
    return namespace.fsck(FsckRequest.newBuilder().setPath(path).build());
  }

  @Test
  void fsckListsOnlyUnhealthyFilesUnderThePathWithTheirCounts() {
    register("w1");
    register("w2");
    long piece = put("/docs/a.txt", 100);
    put("/docs/b.txt", 100);
    put("/other.txt", 100);

    cluster.reportReplicas(ReportReplicasRequest.newBuilder().setWorkerId("w1").addCorruptPieceIds(piece).build());

    FsckResponse docs = fsck("/docs");
    assertThat(docs.getFilesChecked()).isEqualTo(2);
    assertThat(docs.getFilesUnderReplicated()).isEqualTo(1);
    assertThat(docs.getFilesUnreadable()).isZero();
    assertThat(docs.getSafeMode()).isFalse();
    assertThat(docs.getTruncated()).isFalse();
    assertThat(docs.getFilesList()).singleElement().satisfies(file -> {
      assertThat(file.getPath()).isEqualTo("/docs/a.txt");
      assertThat(file.getState()).isEqualTo("under-replicated");
      assertThat(file.getPieces()).isEqualTo(1);
      assertThat(file.getUnderReplicatedPieces()).isEqualTo(1);
      assertThat(file.getCorruptReplicas()).isEqualTo(1);
      assertThat(file.getReplication()).isEqualTo(2);
      assertThat(file.getSizeBytes()).isEqualTo(100);
    });
    assertThat(fsck("").getFilesChecked()).as("an empty path is the root").isEqualTo(3);
    assertThat(fsck("/docs/b.txt").getFilesList()).isEmpty();
  }

  @Test
  void fsckOfAMissingPathIsNotFoundAndABadPathIsInvalid() {
    assertThatThrownBy(() -> fsck("/nothing")).isInstanceOfSatisfying(StatusRuntimeException.class,
        e -> assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.NOT_FOUND));
    assertThatThrownBy(() -> fsck("relative")).isInstanceOfSatisfying(StatusRuntimeException.class,
        e -> assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT));
  }

  @Test
  void aDeadWorkersPieceIsOrderedCopiedInAHeartbeatReplyAndAFailedCopyGoesElsewhere() {
    register("w1");
    register("w2");
    long piece = put("/f", 100);
    register("w3");
    register("w4");
    List<String> alive = List.of("w1", "w3", "w4");
    List<CopyOrder> orders = new ArrayList<>();
    for (int i = 0; i < 11; i++) {
      clock.advance(Duration.ofSeconds(3));
      alive.forEach(id -> orders.addAll(heartbeat(id)));
      master.sweep();
    }
    orders.addAll(heartbeat("w1"));
    assertThat(orders).singleElement().satisfies(order -> assertThat(order.getPieceId()).isEqualTo(piece));
    String firstTarget = orders.getFirst().getTarget().getWorkerId();
    assertThat(orders.getFirst().getTarget().getAddress()).isEqualTo("10.0.0." + firstTarget.substring(1) + ":5050");
    assertThat(namespace.clusterReport(ClusterReportRequest.getDefaultInstance()).getPendingCopies()).isEqualTo(1);

    cluster.reportReplicas(ReportReplicasRequest.newBuilder().setWorkerId("w1").addFailedCopies(
        FailedCopy.newBuilder().setPieceId(piece).setTargetWorkerId(firstTarget).setReason("connection refused")).build());
    master.sweep();
    List<CopyOrder> retry = heartbeat("w1");

    assertThat(retry).singleElement().satisfies(order -> assertThat(order.getTarget().getWorkerId())
        .isNotEqualTo(firstTarget).isIn("w3", "w4"));
    String secondTarget = retry.getFirst().getTarget().getWorkerId();
    cluster.reportReplicas(ReportReplicasRequest.newBuilder().setWorkerId(secondTarget)
        .addStored(ReplicaReport.newBuilder().setPieceId(piece).setLength(100)).build());
    assertThat(namespace.clusterReport(ClusterReportRequest.getDefaultInstance()).getPendingCopies()).isZero();
    assertThat(fsck("/").getFilesList()).isEmpty();
  }
}
