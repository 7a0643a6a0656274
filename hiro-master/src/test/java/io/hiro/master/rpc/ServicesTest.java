package io.hiro.master.rpc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.protobuf.ByteString;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.hiro.common.security.PieceTokens;
import io.hiro.master.config.MasterConfig;
import io.hiro.master.core.FakeClock;
import io.hiro.master.core.Master;
import io.hiro.proto.ClusterReportRequest;
import io.hiro.proto.ClusterServiceGrpc;
import io.hiro.proto.CommitFileRequest;
import io.hiro.proto.CommittedPiece;
import io.hiro.proto.CreateFileRequest;
import io.hiro.proto.CreateFileResponse;
import io.hiro.proto.DeleteRequest;
import io.hiro.proto.HeartbeatRequest;
import io.hiro.proto.ListRequest;
import io.hiro.proto.MkdirRequest;
import io.hiro.proto.MoveRequest;
import io.hiro.proto.NamespaceServiceGrpc;
import io.hiro.proto.PieceRef;
import io.hiro.proto.RegisterRequest;
import io.hiro.proto.ReportBadReplicaRequest;
import io.hiro.proto.StatRequest;
import io.hiro.proto.WorkerRef;
import java.nio.file.Path;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(value = 20, unit = TimeUnit.SECONDS)
class ServicesTest {
  private InProcessMaster rpc;
  private NamespaceServiceGrpc.NamespaceServiceBlockingStub namespace;
  private ClusterServiceGrpc.ClusterServiceBlockingStub cluster;

  @BeforeEach
  void setUp() throws Exception {
    MasterConfig config = MasterConfig.builder().dataDir(Path.of("unused")).build();
    Master master = new Master(config, new FakeClock(), new SplittableRandom(7));
    rpc = new InProcessMaster(master);
    namespace = rpc.namespace;
    cluster = rpc.cluster;
  }

  @AfterEach
  void tearDown() {
    rpc.close();
  }

  private static void assertStatus(Status.Code code, String messagePart, ThrowingCallable call) {
    assertThatThrownBy(call).isInstanceOf(StatusRuntimeException.class)
        .satisfies(e -> assertThat(((StatusRuntimeException) e).getStatus().getCode()).isEqualTo(code))
        .hasMessageContaining(messagePart);
  }

  private void registerWorker(String id, String address) {
    cluster.register(RegisterRequest.newBuilder().setWorkerId(id).setAddress(address)
        .setCapacityBytes(1L << 40).setFreeBytes(1L << 39).build());
  }

  @Test
  void statusesArriveAsTheRightGrpcCodes() {
    assertStatus(Status.Code.UNAVAILABLE, "hiro worker", () -> namespace.createFile(
        CreateFileRequest.newBuilder().setPath("/f").setSizeBytes(1).build()));
    assertStatus(Status.Code.NOT_FOUND, "/missing", () -> namespace.stat(
        StatRequest.newBuilder().setPath("/missing").build()));
    assertStatus(Status.Code.INVALID_ARGUMENT, "must start with '/'", () -> namespace.list(
        ListRequest.newBuilder().setPath("relative").build()));
    namespace.mkdir(MkdirRequest.newBuilder().setPath("/d/e").setParents(true).build());
    assertStatus(Status.Code.ALREADY_EXISTS, "/d", () -> namespace.mkdir(
        MkdirRequest.newBuilder().setPath("/d").build()));
    assertStatus(Status.Code.FAILED_PRECONDITION, "not empty", () -> namespace.delete(
        DeleteRequest.newBuilder().setPath("/d").build()));
    assertStatus(Status.Code.INVALID_ARGUMENT, "into itself", () -> namespace.move(
        MoveRequest.newBuilder().setSource("/d").setDestination("/d/e/x").build()));
    assertStatus(Status.Code.NOT_FOUND, "not open", () -> namespace.commitFile(
        CommitFileRequest.newBuilder().setUploadId(99).build()));
    assertStatus(Status.Code.INVALID_ARGUMENT, "worker id", () -> namespace.reportBadReplica(
        ReportBadReplicaRequest.newBuilder().setPieceId(1).setWorkerId("bad id!").build()));
    assertStatus(Status.Code.INVALID_ARGUMENT, "HOST:PORT", () -> cluster.register(
        RegisterRequest.newBuilder().setWorkerId("w1").setAddress("nowhere").build()));
    assertStatus(Status.Code.INVALID_ARGUMENT, "negative", () -> cluster.heartbeat(
        HeartbeatRequest.newBuilder().setWorkerId("w1").setFreeBytes(-1).build()));
    assertStatus(Status.Code.INVALID_ARGUMENT, "negative deletes waiting", () -> cluster.heartbeat(
        HeartbeatRequest.newBuilder().setWorkerId("w1").setDeletesWaiting(-1).build()));
  }

  @Test
  void aPutThroughTheServicesIsVisibleWithItsReplicasAndItsDeleteReachesTheWorkers() {
    registerWorker("w1", "10.0.0.1:5050");
    registerWorker("w2", "10.0.0.2:5050");
    CreateFileResponse upload = namespace.createFile(CreateFileRequest.newBuilder()
        .setPath("/docs/a.txt").setSizeBytes(100).setReplication(2).build());
    assertThat(upload.getReplicationGranted()).isEqualTo(2);
    assertThat(upload.getMinReplicas()).isEqualTo(2);
    PieceRef piece = upload.getPieces(0);
    CommitFileRequest.Builder commit = CommitFileRequest.newBuilder().setUploadId(upload.getUploadId())
        .setSha256(ByteString.copyFrom(new byte[32]));
    commit.addPieces(CommittedPiece.newBuilder().setIndex(0).setPieceId(piece.getPieceId()).setLength(100)
        .setCrc32C(42).addAllWorkerIds(piece.getReplicasList().stream().map(WorkerRef::getWorkerId).toList()));

    namespace.commitFile(commit.build());

    var stat = namespace.stat(StatRequest.newBuilder().setPath("/docs/a.txt").setWithPieces(true).build()).getFile();
    assertThat(stat.getSizeBytes()).isEqualTo(100);
    assertThat(stat.getPieces(0).getCrc32C()).isEqualTo(42);
    assertThat(stat.getPieces(0).getReplicasList()).extracting(WorkerRef::getAddress)
        .containsExactlyInAnyOrder("10.0.0.1:5050", "10.0.0.2:5050");
    assertThat(namespace.list(ListRequest.newBuilder().setPath("/docs").build()).getEntriesList())
        .extracting(e -> e.getPath()).containsExactly("/docs/a.txt");
    assertThat(namespace.clusterReport(ClusterReportRequest.getDefaultInstance()).getFileCount()).isEqualTo(1);

    assertThat(namespace.delete(DeleteRequest.newBuilder().setPath("/docs").setRecursive(true).build())
        .getFilesDeleted()).isEqualTo(1);
    assertThat(cluster.heartbeat(HeartbeatRequest.newBuilder().setWorkerId("w1").build()).getDeletesList())
        .singleElement()
        .satisfies(order -> assertThat(order.getPieceId()).isEqualTo(piece.getPieceId()))
        .satisfies(order -> assertThat(order.getToken().size()).isEqualTo(PieceTokens.TOKEN_BYTES));
    assertThat(cluster.heartbeat(HeartbeatRequest.newBuilder().setWorkerId("w-new").build()).getRegisterAgain())
        .isTrue();
  }
}
