package io.hiro.worker.rpc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import com.google.protobuf.ByteString;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.hiro.common.Crc32c;
import io.hiro.common.PieceId;
import io.hiro.proto.ReplicaMeta;
import io.hiro.proto.ReplicaReport;
import io.hiro.proto.WorkerRef;
import io.hiro.proto.WritePieceHeader;
import io.hiro.proto.WritePieceResponse;
import io.hiro.worker.WorkerServer;
import io.hiro.worker.config.WorkerConfig;
import io.hiro.worker.core.TestTokens;
import io.hiro.worker.store.DataDirLayout;
import io.hiro.worker.store.PieceFile;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import java.util.concurrent.ExecutionException;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** Three real workers on real sockets with a fake master: the chain, reads, deletes, restarts. */
@Timeout(60)
class WorkerChainTest {
  private static final int PIECE_BYTES = 5 * 1024 * 1024;
  private static final Duration WAIT = Duration.ofSeconds(10);

  @TempDir Path dir;
  private FakeMaster master;
  private final List<WorkerServer> workers = new ArrayList<>();

  @BeforeEach
  void startCluster() {
    master = new FakeMaster();
    for (int i = 0; i < 3; i++) {
      workers.add(WorkerServer.start(config(i)));
    }
    await().atMost(WAIT).until(() -> workers.stream().allMatch(w -> master.registered(w.workerId().value())));
  }

  private WorkerConfig config(int i) {
    return WorkerConfig.builder().bindHost("127.0.0.1").port(0).advertiseHost("127.0.0.1")
        .master(master.address()).dataDir(dir.resolve("worker-" + i))
        .heartbeatInterval(Duration.ofMillis(100)).secret(TestTokens.SECRET).build();
  }

  @AfterEach
  void stopCluster() throws InterruptedException {
    workers.forEach(WorkerServer::close);
    master.close();
  }

  private WorkerRef ref(int i) {
    WorkerServer worker = workers.get(i);
    return WorkerRef.newBuilder().setWorkerId(worker.workerId().value()).setAddress(worker.address().toString()).build();
  }

  private String id(int i) {
    return workers.get(i).workerId().value();
  }

  private static WritePieceHeader header(long pieceId, int length, WorkerRef... downstream) {
    return WritePieceHeader.newBuilder().setPieceId(pieceId).setLength(length).setFileId(11).setIndex(4)
        .setVersion(2).setPath("/photos/b.jpg").addAllDownstream(Arrays.asList(downstream))
        .setToken(TestTokens.write(pieceId)).build();
  }

  private static byte[] randomBytes(int size, long seed) {
    byte[] bytes = new byte[size];
    new Random(seed).nextBytes(bytes);
    return bytes;
  }

  /** The file that holds worker {@code i}'s replica of the piece, if one does. */
  private Optional<Path> findPieceFile(int i, long pieceId) throws IOException {
    return PieceFile.find(new DataDirLayout(workers.get(i).dataDir()), new PieceId(pieceId));
  }

  private Path pieceFile(int i, long pieceId) throws IOException {
    return findPieceFile(i, pieceId).orElseThrow();
  }

  /** Files under {@code dataDir}'s pieces/ that hold bytes: replicas and writes not cleaned up, not spares. */
  private static long filesWithBytes(Path dataDir) throws IOException {
    try (Stream<Path> files = Files.walk(dataDir.resolve("pieces"))) {
      return files.filter(f -> Files.isRegularFile(f) && f.toFile().length() > 0).count();
    }
  }

  @Test
  void pieceWrittenThroughChainOfThreeIsIdenticalEverywhereAndReadsBack() throws Exception {
    long pieceId = 0x5a5a000000000001L;
    byte[] bytes = randomBytes(PIECE_BYTES, 1);

    WritePieceResponse response;
    try (PieceClient client = new PieceClient(workers.get(0).address())) {
      response = client.write(header(pieceId, bytes.length, ref(1), ref(2)), bytes);
    }

    assertThat(response.getStoredWorkerIdsList()).containsExactly(id(0), id(1), id(2));
    assertThat(response.getFailedWorkerIdsList()).isEmpty();
    assertThat(response.getCrc32C()).isEqualTo(Crc32c.of(bytes, 0, bytes.length));
    for (int i = 0; i < 3; i++) {
      assertThat(PieceFile.readPiece(pieceFile(i, pieceId))).isEqualTo(bytes);
      ReplicaMeta meta = PieceFile.readMeta(pieceFile(i, pieceId));
      assertThat(meta.getPieceId()).isEqualTo(pieceId);
      assertThat(meta.getLength()).isEqualTo(bytes.length);
      assertThat(meta.getCrc32C()).isEqualTo(response.getCrc32C());
      assertThat(meta.getBlockCrc32CCount()).isEqualTo(PIECE_BYTES / 65536);
      assertThat(meta.getFileId()).isEqualTo(11);
      assertThat(meta.getIndex()).isEqualTo(4);
      assertThat(meta.getVersion()).isEqualTo(2);
      assertThat(meta.getPath()).isEqualTo("/photos/b.jpg");
      assertThat(filesWithBytes(workers.get(i).dataDir())).as("the replica only").isEqualTo(1);
    }
    try (PieceClient client = new PieceClient(workers.get(2).address())) {
      assertThat(client.read(pieceId, 0, 0)).isEqualTo(bytes);
      assertThat(client.read(pieceId, 1_000_000, 2_500_000))
          .isEqualTo(Arrays.copyOfRange(bytes, 1_000_000, 3_500_000));
    }
    for (int i = 0; i < 3; i++) {
      String workerId = id(i);
      await().atMost(WAIT).until(() -> master.reportedStored(workerId, pieceId));
    }
  }

  @Test
  void writeSucceedsWhenTheMiddleWorkerIsDeadAndNamesTheRestOfTheChainFailed() throws Exception {
    long pieceId = 0x5a5a000000000002L;
    byte[] bytes = randomBytes(PIECE_BYTES, 2);
    workers.get(1).close();

    WritePieceResponse response;
    try (PieceClient client = new PieceClient(workers.get(0).address())) {
      response = client.write(header(pieceId, bytes.length, ref(1), ref(2)), bytes);
    }

    assertThat(response.getStoredWorkerIdsList()).containsExactly(id(0));
    assertThat(response.getFailedWorkerIdsList()).containsExactly(id(1), id(2));
    assertThat(PieceFile.readPiece(pieceFile(0, pieceId))).isEqualTo(bytes);
    assertThat(findPieceFile(2, pieceId)).isEmpty();
  }

  @Test
  void writeSucceedsWhenTheLastWorkerIsDeadAndTheReachedOnesStoreIt() throws Exception {
    long pieceId = 0x5a5a000000000003L;
    byte[] bytes = randomBytes(PIECE_BYTES, 3);
    workers.get(2).close();

    WritePieceResponse response;
    try (PieceClient client = new PieceClient(workers.get(0).address())) {
      response = client.write(header(pieceId, bytes.length, ref(1), ref(2)), bytes);
    }

    assertThat(response.getStoredWorkerIdsList()).containsExactly(id(0), id(1));
    assertThat(response.getFailedWorkerIdsList()).containsExactly(id(2));
    assertThat(PieceFile.readPiece(pieceFile(1, pieceId))).isEqualTo(bytes);
  }

  @Test
  void messageWithWrongCrcFailsTheWriteAsDataLossAndLeavesNoTempAnywhere() throws Exception {
    long pieceId = 0x5a5a000000000004L;
    byte[] bytes = randomBytes(3 * 1024 * 1024, 4);

    try (PieceClient client = new PieceClient(workers.get(0).address())) {
      assertThatThrownBy(() -> client.write(header(pieceId, bytes.length, ref(1), ref(2)), bytes,
              data -> data.getOffset() == 2 * 1024 * 1024 ? data.toBuilder().setCrc32C(data.getCrc32C() + 1).build() : data))
          .isInstanceOf(ExecutionException.class)
          .satisfies(e -> assertThat(Status.fromThrowable(e.getCause()).getCode()).isEqualTo(Status.Code.DATA_LOSS));
    }

    for (int i = 0; i < 3; i++) {
      Path dataDir = workers.get(i).dataDir();
      await().atMost(WAIT).until(() -> filesWithBytes(dataDir) == 0);
      assertThat(findPieceFile(i, pieceId)).isEmpty();
    }
  }

  @Test
  void readOfAPieceTheWorkerDoesNotHoldIsNotFound() {
    try (PieceClient client = new PieceClient(workers.get(0).address())) {
      assertThatThrownBy(() -> client.read(0x77, 0, 0))
          .isInstanceOf(StatusRuntimeException.class)
          .satisfies(e -> assertThat(Status.fromThrowable(e).getCode()).isEqualTo(Status.Code.NOT_FOUND));
    }
  }

  @Test
  void theDataDirIsOwnerOnlyAndSoIsEveryFileTheWorkerWritesInIt() throws Exception {
    long pieceId = 0x5a5a000000000009L;
    byte[] bytes = randomBytes(100_000, 9);
    try (PieceClient client = new PieceClient(workers.get(0).address())) {
      client.write(header(pieceId, bytes.length, ref(1)), bytes);
    }

    for (int i = 0; i < 2; i++) {
      Path root = workers.get(i).dataDir();
      assertThat(permissions(root)).isEqualTo("rwx------");
      try (Stream<Path> files = Files.walk(root)) {
        List<Path> all = files.filter(p -> !p.equals(root)).toList();
        assertThat(all).contains(pieceFile(i, pieceId), root.resolve("worker-id"));
        assertThat(all).allSatisfy(p -> assertThat(permissions(p)).as("%s", p)
            .isEqualTo(Files.isDirectory(p) ? "rwx------" : "rw-------"));
      }
    }
  }

  private static String permissions(Path path) throws IOException {
    return PosixFilePermissions.toString(Files.getPosixFilePermissions(path));
  }

  @Test
  void readOfACorruptReplicaIsDataLoss() throws Exception {
    long pieceId = 0x5a5a000000000005L;
    byte[] bytes = randomBytes(1024 * 1024, 5);
    try (PieceClient client = new PieceClient(workers.get(0).address())) {
      client.write(header(pieceId, bytes.length), bytes);
      byte[] corrupt = Files.readAllBytes(pieceFile(0, pieceId));
      corrupt[500_000] ^= 0x01;
      Files.write(pieceFile(0, pieceId), corrupt);

      assertThatThrownBy(() -> client.read(pieceId, 0, 0))
          .satisfies(e -> assertThat(Status.fromThrowable(e).getCode()).isEqualTo(Status.Code.DATA_LOSS))
          .hasMessageContaining(id(0));
    }
  }

  @Test
  void deleteHandedOutOnAHeartbeatRemovesTheReplicaAndIsReported() throws Exception {
    long pieceId = 0x5a5a000000000006L;
    byte[] bytes = randomBytes(200_000, 6);
    try (PieceClient client = new PieceClient(workers.get(0).address())) {
      client.write(header(pieceId, bytes.length), bytes);
    }
    assertThat(findPieceFile(0, pieceId)).isPresent();

    master.deleteOnNextHeartbeat(id(0), pieceId);

    await().atMost(WAIT).until(() -> master.reportedRemoved(id(0), pieceId));
    assertThat(findPieceFile(0, pieceId)).isEmpty();
  }

  @Test
  void aDeleteOrderWithoutTheMastersTokenForThatPieceKeepsTheReplica() throws Exception {
    long pieceId = 0x5a5a000000000016L;
    byte[] bytes = randomBytes(100_000, 16);
    try (PieceClient client = new PieceClient(workers.get(0).address())) {
      client.write(header(pieceId, bytes.length), bytes);
    }
    master.deleteOnNextHeartbeat(id(0), pieceId, ByteString.EMPTY);
    master.deleteOnNextHeartbeat(id(0), pieceId, TestTokens.delete(pieceId + 1));
    master.deleteOnNextHeartbeat(id(0), pieceId, TestTokens.copy(pieceId));

    await().atMost(WAIT).until(() -> master.deletesHandedOut(id(0)));
    int seen = master.heartbeats.size();
    // The heartbeat thread answers one heartbeat before it sends the next: one more means the orders were handled.
    await().atMost(WAIT).until(() -> master.heartbeats.size() > seen);

    assertThat(findPieceFile(0, pieceId)).isPresent();
    assertThat(master.reportedRemoved(id(0), pieceId)).isFalse();
    try (PieceClient client = new PieceClient(workers.get(0).address())) {
      assertThat(client.read(pieceId, 0, 0)).isEqualTo(bytes);
    }
  }

  @Test
  void restartedWorkerKeepsItsIdAndReportsItsReplicasWhenItRegisters() throws Exception {
    long pieceId = 0x5a5a000000000007L;
    byte[] bytes = randomBytes(300_000, 7);
    try (PieceClient client = new PieceClient(workers.get(2).address())) {
      client.write(header(pieceId, bytes.length), bytes);
    }
    String before = id(2);
    workers.get(2).close();
    master.registrations.clear();

    workers.set(2, WorkerServer.start(config(2)));

    assertThat(id(2)).isEqualTo(before);
    await().atMost(WAIT).until(() -> master.registered(before));
    assertThat(master.registrations).filteredOn(r -> r.getWorkerId().equals(before)).first()
        .satisfies(r -> assertThat(r.getReplicasList()).extracting(ReplicaReport::getPieceId).containsExactly(pieceId))
        .satisfies(r -> assertThat(r.getUsedBytes()).isEqualTo(bytes.length));
    try (PieceClient client = new PieceClient(workers.get(2).address())) {
      assertThat(client.read(pieceId, 0, 0)).isEqualTo(bytes);
    }
  }

  @Test
  void heartbeatAnsweredWithRegisterAgainMakesTheWorkerRegisterAgain() {
    long before = master.registrationCount(id(1));

    master.forget(id(1));

    await().atMost(WAIT).until(() -> master.registrationCount(id(1)) > before);
    assertThat(master.heartbeats).anySatisfy(h -> assertThat(h.getWorkerId()).isEqualTo(id(1)));
  }
}
