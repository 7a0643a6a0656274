package io.hiro.worker.rpc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import com.google.protobuf.ByteString;
import io.grpc.Status;
import io.hiro.common.security.ClusterSecret;
import io.hiro.common.security.PieceOperation;
import io.hiro.proto.CopyOrder;
import io.hiro.proto.FailedCopy;
import io.hiro.proto.WorkerRef;
import io.hiro.proto.WritePieceHeader;
import io.hiro.proto.WritePieceResponse;
import io.hiro.worker.WorkerServer;
import io.hiro.worker.config.WorkerConfig;
import io.hiro.worker.core.TestTokens;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** Real workers on real sockets: piece tokens on writes, reads, chains and copies. */
@Timeout(60)
class PieceTokenChainTest {
  private static final Duration WAIT = Duration.ofSeconds(15);
  private static final long PIECE = 0x7d7d000000000001L;

  @TempDir Path dir;
  private FakeMaster master;
  private final List<WorkerServer> workers = new ArrayList<>();
  private final byte[] bytes = new byte[300_000];

  @BeforeEach
  void startMaster() {
    master = new FakeMaster();
    new Random(5).nextBytes(bytes);
  }

  @AfterEach
  void stopAll() throws InterruptedException {
    workers.forEach(WorkerServer::close);
    master.close();
  }

  private WorkerServer start(ClusterSecret secret) {
    WorkerServer worker = WorkerServer.start(WorkerConfig.builder().bindHost("127.0.0.1").port(0)
        .advertiseHost("127.0.0.1").master(master.address()).dataDir(dir.resolve("worker-" + workers.size()))
        .heartbeatInterval(Duration.ofMillis(100)).scrubBytesPerSecond(0).secret(secret).build());
    workers.add(worker);
    await().atMost(WAIT).until(() -> master.registered(worker.workerId().value()));
    return worker;
  }

  private static WorkerRef ref(WorkerServer worker) {
    return WorkerRef.newBuilder().setWorkerId(worker.workerId().value()).setAddress(worker.address().toString()).build();
  }

  private static WritePieceHeader header(ByteString token, WorkerRef... downstream) {
    return WritePieceHeader.newBuilder().setPieceId(PIECE).setLength(300_000).setPath("/t").setToken(token)
        .addAllDownstream(List.of(downstream)).build();
  }

  private static Status.Code code(Throwable e) {
    return Status.fromThrowable(e).getCode();
  }

  /** Every file with bytes under the worker's pieces/ and tmp/ (not its empty spares): what a refused request must not leave. */
  private static List<Path> pieceFiles(WorkerServer worker) throws IOException {
    List<Path> found = new ArrayList<>();
    for (String sub : List.of("pieces", "tmp")) {
      Path root = worker.dataDir().resolve(sub);
      if (Files.isDirectory(root)) {
        try (Stream<Path> files = Files.walk(root)) {
          files.filter(f -> Files.isRegularFile(f) && f.toFile().length() > 0).forEach(found::add);
        }
      }
    }
    return found;
  }

  @Test
  void writesAndReadsWithoutTheRightTokenAreDeniedAndLeaveNoFile() throws Exception {
    WorkerServer worker = start(TestTokens.SECRET);
    Map<String, ByteString> writeTokens = TestTokens.bad(PIECE, PieceOperation.WRITE, PieceOperation.READ);

    try (PieceClient client = new PieceClient(worker.address())) {
      writeTokens.forEach((what, token) -> assertThatThrownBy(() -> client.write(header(token), bytes)).as(what)
          .satisfies(e -> assertThat(code(e)).as(what).isEqualTo(Status.Code.PERMISSION_DENIED)));
      assertThat(pieceFiles(worker)).isEmpty();

      client.write(header(TestTokens.write(PIECE)), bytes);
      TestTokens.bad(PIECE, PieceOperation.READ, PieceOperation.WRITE).forEach((what, token) ->
          assertThatThrownBy(() -> client.read(PIECE, 0, 0, token)).as(what)
              .satisfies(e -> assertThat(code(e)).as(what).isEqualTo(Status.Code.PERMISSION_DENIED)));
      assertThat(client.read(PIECE, 0, 0)).isEqualTo(bytes);
    }
  }

  @Test
  void everyWorkerOfTheChainChecksTheTokenItIsForwarded() throws Exception {
    WorkerServer primary = start(TestTokens.SECRET);
    WorkerServer stranger = start(ClusterSecret.generate(new SecureRandom()));
    WorkerServer last = start(TestTokens.SECRET);

    WritePieceResponse response;
    try (PieceClient client = new PieceClient(primary.address())) {
      response = client.write(header(TestTokens.write(PIECE), ref(stranger), ref(last)), bytes);
    }

    assertThat(response.getStoredWorkerIdsList()).containsExactly(primary.workerId().value());
    assertThat(response.getFailedWorkerIdsList())
        .containsExactly(stranger.workerId().value(), last.workerId().value());
    assertThat(pieceFiles(stranger)).isEmpty();
    assertThat(pieceFiles(last)).isEmpty();
  }

  @Test
  void aCopyOrderWithTheMastersTokenIsTakenAndAForgedOneIsRefusedByTheTarget() throws Exception {
    WorkerServer source = start(TestTokens.SECRET);
    WorkerServer target = start(TestTokens.SECRET);
    try (PieceClient client = new PieceClient(source.address())) {
      client.write(header(TestTokens.write(PIECE)), bytes);
    }
    String sourceId = source.workerId().value();

    master.copyOnNextHeartbeat(sourceId, CopyOrder.newBuilder().setPieceId(PIECE).setTarget(ref(target))
        .setToken(TestTokens.forged(PIECE, PieceOperation.COPY)).build());

    await().atMost(WAIT).until(() -> !master.failedCopies(sourceId).isEmpty());
    FailedCopy failed = master.failedCopies(sourceId).get(0);
    assertThat(failed.getReason()).startsWith("PERMISSION_DENIED").contains("bad signature");
    assertThat(pieceFiles(target)).isEmpty();

    master.copyOnNextHeartbeat(sourceId, CopyOrder.newBuilder().setPieceId(PIECE).setTarget(ref(target))
        .setToken(TestTokens.copy(PIECE)).build());

    await().atMost(WAIT).until(() -> master.reportedStored(target.workerId().value(), PIECE));
    try (PieceClient client = new PieceClient(target.address())) {
      assertThat(client.read(PIECE, 0, 0)).isEqualTo(bytes);
    }
  }
}
