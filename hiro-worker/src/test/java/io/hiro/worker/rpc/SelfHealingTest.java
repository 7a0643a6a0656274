package io.hiro.worker.rpc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.grpc.Status;
import io.hiro.common.PieceId;
import io.hiro.proto.CopyOrder;
import io.hiro.proto.FailedCopy;
import io.hiro.proto.ReplicaMeta;
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
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import java.util.concurrent.ExecutionException;
import java.util.function.UnaryOperator;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** Real workers on real sockets with a fake master: copy orders, corrupt replicas, full disks. */
@Timeout(60)
class SelfHealingTest {
  private static final int PIECE_BYTES = 3 * 1024 * 1024;
  private static final Duration WAIT = Duration.ofSeconds(15);

  @TempDir Path dir;
  private FakeMaster master;
  private final List<WorkerServer> workers = new ArrayList<>();

  @BeforeEach
  void startMaster() {
    master = new FakeMaster();
  }

  @AfterEach
  void stopAll() throws InterruptedException {
    workers.forEach(WorkerServer::close);
    master.close();
  }

  /** Starts the next worker (scrubbing off unless {@code tune} turns it on) and waits for it to register. */
  private WorkerServer start(UnaryOperator<WorkerConfig.Builder> tune) {
    WorkerConfig.Builder config = WorkerConfig.builder().bindHost("127.0.0.1").port(0).advertiseHost("127.0.0.1")
        .master(master.address()).dataDir(dir.resolve("worker-" + workers.size()))
        .heartbeatInterval(Duration.ofMillis(100)).secret(TestTokens.SECRET).scrubBytesPerSecond(0);
    WorkerServer worker = WorkerServer.start(tune.apply(config).build());
    workers.add(worker);
    await().atMost(WAIT).until(() -> master.registered(worker.workerId().value()));
    return worker;
  }

  private WorkerServer start() {
    return start(UnaryOperator.identity());
  }

  private static WorkerRef ref(WorkerServer worker) {
    return WorkerRef.newBuilder().setWorkerId(worker.workerId().value()).setAddress(worker.address().toString()).build();
  }

  private static WritePieceHeader header(long pieceId, int length, WorkerRef... downstream) {
    return WritePieceHeader.newBuilder().setPieceId(pieceId).setLength(length).setFileId(21).setIndex(3)
        .setVersion(5).setPath("/music/c.flac").addAllDownstream(Arrays.asList(downstream))
        .setToken(TestTokens.write(pieceId)).build();
  }

  private static byte[] randomBytes(int size, long seed) {
    byte[] bytes = new byte[size];
    new Random(seed).nextBytes(bytes);
    return bytes;
  }

  private static WritePieceResponse write(WorkerServer worker, WritePieceHeader header, byte[] bytes) throws Exception {
    try (PieceClient client = new PieceClient(worker.address())) {
      return client.write(header, bytes);
    }
  }

  /** The file that holds the worker's replica of the piece, if one does. */
  private static Optional<Path> findPieceFile(WorkerServer worker, long pieceId) throws IOException {
    return PieceFile.find(new DataDirLayout(worker.dataDir()), new PieceId(pieceId));
  }

  private static Path pieceFile(WorkerServer worker, long pieceId) throws IOException {
    return findPieceFile(worker, pieceId).orElseThrow();
  }

  private static void flipOneByte(WorkerServer worker, long pieceId, int offset) throws IOException {
    byte[] bytes = Files.readAllBytes(pieceFile(worker, pieceId));
    bytes[offset] ^= 0x10;
    Files.write(pieceFile(worker, pieceId), bytes);
  }

  /** Files under {@code dataDir}'s pieces/ that hold bytes: replicas and writes not cleaned up, not spares. */
  private static long filesWithBytes(Path dataDir) throws IOException {
    try (Stream<Path> files = Files.walk(dataDir.resolve("pieces"))) {
      return files.filter(f -> Files.isRegularFile(f) && f.toFile().length() > 0).count();
    }
  }

  private static long filesIn(Path path) throws IOException {
    if (!Files.exists(path)) {
      return 0;
    }
    try (Stream<Path> files = Files.walk(path)) {
      return files.filter(Files::isRegularFile).count();
    }
  }

  private static Status.Code readCode(WorkerServer worker, long pieceId) {
    try (PieceClient client = new PieceClient(worker.address())) {
      client.read(pieceId, 0, 0);
      return Status.Code.OK;
    } catch (RuntimeException e) {
      return Status.fromThrowable(e).getCode();
    }
  }

  private static CopyOrder copyOrder(long pieceId, WorkerRef target) {
    return CopyOrder.newBuilder().setPieceId(pieceId).setTarget(target).setToken(TestTokens.copy(pieceId)).build();
  }

  @Test
  void copyOrderPutsAByteIdenticalReplicaOnTheTargetWhichReportsIt() throws Exception {
    WorkerServer source = start();
    WorkerServer target = start();
    long pieceId = 0x6b6b000000000001L;
    byte[] bytes = randomBytes(PIECE_BYTES + 12_345, 1);
    write(source, header(pieceId, bytes.length), bytes);

    master.copyOnNextHeartbeat(source.workerId().value(), copyOrder(pieceId, ref(target)));

    await().atMost(WAIT).until(() -> master.reportedStored(target.workerId().value(), pieceId));
    assertThat(PieceFile.readPiece(pieceFile(target, pieceId))).isEqualTo(bytes);
    ReplicaMeta copied = PieceFile.readMeta(pieceFile(target, pieceId));
    ReplicaMeta original = PieceFile.readMeta(pieceFile(source, pieceId));
    assertThat(copied.toBuilder().clearStoredAtMillis().build())
        .isEqualTo(original.toBuilder().clearStoredAtMillis().build());
    assertThat(copied.getPath()).isEqualTo("/music/c.flac");
    assertThat(master.failedCopies(source.workerId().value())).isEmpty();
  }

  @Test
  void copyToADeadTargetIsReportedFailedWithTheReason() throws Exception {
    WorkerServer source = start();
    WorkerServer target = start();
    long pieceId = 0x6b6b000000000002L;
    byte[] bytes = randomBytes(200_000, 2);
    write(source, header(pieceId, bytes.length), bytes);
    WorkerRef dead = ref(target);
    target.close();

    master.copyOnNextHeartbeat(source.workerId().value(), copyOrder(pieceId, dead));

    await().atMost(WAIT).until(() -> !master.failedCopies(source.workerId().value()).isEmpty());
    FailedCopy failed = master.failedCopies(source.workerId().value()).get(0);
    assertThat(failed.getPieceId()).isEqualTo(pieceId);
    assertThat(failed.getTargetWorkerId()).isEqualTo(dead.getWorkerId());
    assertThat(failed.getReason()).startsWith("UNAVAILABLE").contains(dead.getWorkerId());
  }

  @Test
  void copyFromACorruptReplicaReportsItCorruptAndTheCopyFailedAndLeavesNothingOnTheTarget() throws Exception {
    WorkerServer source = start();
    WorkerServer target = start();
    long pieceId = 0x6b6b000000000003L;
    byte[] bytes = randomBytes(PIECE_BYTES, 3);
    write(source, header(pieceId, bytes.length), bytes);
    flipOneByte(source, pieceId, 2_500_000);

    master.copyOnNextHeartbeat(source.workerId().value(), copyOrder(pieceId, ref(target)));

    await().atMost(WAIT).until(() -> master.reportedCorrupt(source.workerId().value(), pieceId));
    await().atMost(WAIT).until(() -> !master.failedCopies(source.workerId().value()).isEmpty());
    assertThat(master.failedCopies(source.workerId().value()).get(0).getReason()).startsWith("DATA_LOSS");
    await().atMost(WAIT).until(() -> filesWithBytes(target.dataDir()) == 0);
    assertThat(findPieceFile(target, pieceId)).isEmpty();
    assertThat(master.reportedStored(target.workerId().value(), pieceId)).isFalse();
  }

  @Test
  void scrubberFindsAFlippedByteMovesTheReplicaAsideStopsServingItAndReportsItCorrupt() throws Exception {
    WorkerServer worker = start(config -> config.scrubBytesPerSecond(1L << 30).scrubInterval(Duration.ofMillis(50)));
    long good = 0x6b6b000000000004L;
    long bad = 0x6b6b000000000005L;
    byte[] bytes = randomBytes(PIECE_BYTES, 4);
    write(worker, header(good, bytes.length), bytes);
    write(worker, header(bad, bytes.length), bytes);

    flipOneByte(worker, bad, 1_000_000);

    await().atMost(WAIT).until(() -> master.reportedCorrupt(worker.workerId().value(), bad));
    assertThat(findPieceFile(worker, bad)).isEmpty();
    assertThat(filesIn(worker.dataDir().resolve("corrupt"))).as("one .piece file").isEqualTo(1);
    assertThat(readCode(worker, bad)).isIn(Status.Code.NOT_FOUND, Status.Code.DATA_LOSS);
    assertThat(readCode(worker, good)).isEqualTo(Status.Code.OK);
    assertThat(master.reportedCorrupt(worker.workerId().value(), good)).isFalse();
    assertThat(worker.scrubProgress()).hasValueSatisfying(p -> assertThat(p.corruptFoundTotal()).isEqualTo(1));
    await().atMost(WAIT).until(() -> master.heartbeats.getLast().getReplicaCount() == 1);
  }

  @Test
  void readThatFindsACorruptBlockIsDataLossAndMovesTheReplicaAsideAndReportsIt() throws Exception {
    WorkerServer worker = start();
    long pieceId = 0x6b6b000000000006L;
    byte[] bytes = randomBytes(PIECE_BYTES, 6);
    write(worker, header(pieceId, bytes.length), bytes);
    flipOneByte(worker, pieceId, 100);

    assertThat(readCode(worker, pieceId)).isEqualTo(Status.Code.DATA_LOSS);

    await().atMost(WAIT).until(() -> master.reportedCorrupt(worker.workerId().value(), pieceId));
    assertThat(readCode(worker, pieceId)).isEqualTo(Status.Code.NOT_FOUND);
    assertThat(filesIn(worker.dataDir().resolve("corrupt"))).as("one .piece file").isEqualTo(1);
  }

  @Test
  void workerAtCapacityRefusesAPieceAtTheHeaderWithResourceExhaustedAndLeavesNoTemp() throws Exception {
    WorkerServer worker = start(config -> config.capacityBytes(PIECE_BYTES + PIECE_BYTES / 2));
    byte[] bytes = randomBytes(PIECE_BYTES, 7);
    write(worker, header(0x6b6b000000000007L, bytes.length), bytes);
    long refused = 0x6b6b000000000008L;

    assertThatThrownBy(() -> write(worker, header(refused, bytes.length), bytes))
        .isInstanceOf(ExecutionException.class)
        .satisfies(e -> assertThat(Status.fromThrowable(e.getCause()).getCode())
            .isEqualTo(Status.Code.RESOURCE_EXHAUSTED))
        .hasMessageContaining("full");

    assertThat(filesWithBytes(worker.dataDir())).as("the replica stored before").isEqualTo(1);
    assertThat(findPieceFile(worker, refused)).isEmpty();
    await().atMost(WAIT).until(() -> master.heartbeats.getLast().getFreeBytes() == PIECE_BYTES / 2);
  }

  @Test
  void fullDownstreamWorkerIsNamedFailedWhileTheChainSucceeds() throws Exception {
    WorkerServer primary = start();
    WorkerServer middle = start();
    WorkerServer full = start(config -> config.capacityBytes(PIECE_BYTES / 3));
    long pieceId = 0x6b6b000000000009L;
    byte[] bytes = randomBytes(PIECE_BYTES, 9);

    WritePieceResponse response = write(primary, header(pieceId, bytes.length, ref(middle), ref(full)), bytes);

    assertThat(response.getStoredWorkerIdsList())
        .containsExactly(primary.workerId().value(), middle.workerId().value());
    assertThat(response.getFailedWorkerIdsList()).containsExactly(full.workerId().value());
    assertThat(PieceFile.readPiece(pieceFile(middle, pieceId))).isEqualTo(bytes);
    assertThat(filesWithBytes(full.dataDir())).isZero();
    assertThat(findPieceFile(full, pieceId)).isEmpty();
  }
}
