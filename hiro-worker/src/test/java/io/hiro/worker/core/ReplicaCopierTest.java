package io.hiro.worker.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.google.protobuf.ByteString;
import io.hiro.common.Crc32c;
import io.hiro.common.WorkerId;
import io.hiro.proto.CopyOrder;
import io.hiro.proto.FailedCopy;
import io.hiro.proto.ReplicaMeta;
import io.hiro.proto.ReportReplicasRequest;
import io.hiro.proto.WorkerRef;
import io.hiro.proto.WritePieceHeader;
import io.hiro.proto.WritePieceResponse;
import io.hiro.worker.store.MemoryPieceStore;
import io.hiro.worker.store.PieceWrite;
import java.nio.ByteBuffer;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(20)
class ReplicaCopierTest {
  private static final WorkerId SELF = new WorkerId("w-source");
  private static final Duration WAIT = Duration.ofSeconds(5);
  private static final ByteString COPY_TOKEN = TestTokens.copy(0x51);

  private final MemoryPieceStore store = new MemoryPieceStore();
  private final RecordingMasterLink master = new RecordingMasterLink();
  private final ReplicaReporter reporter = new ReplicaReporter(SELF, master);
  private final FakeSink sink = new FakeSink();
  private final List<WritePieceHeader> headers = new CopyOnWriteArrayList<>();
  private final ReplicaCopier copier = new ReplicaCopier(SELF, new ReplicaCopy(SELF, store,
      (worker, header) -> {
        headers.add(header);
        return sink;
      }, new Throttle(1L << 30, Clock.systemUTC(), Sleeper.real()), new CorruptReplicas(SELF, store, reporter)),
      reporter);

  @AfterEach
  void stop() {
    copier.close();
    reporter.close();
  }

  private byte[] storePiece(long pieceId, int length) {
    byte[] bytes = new byte[length];
    new Random(pieceId).nextBytes(bytes);
    PieceWrite write = store.begin(ReplicaMeta.newBuilder().setPieceId(pieceId).setLength(length)
        .setFileId(4).setIndex(1).setVersion(2).setPath("/v/m.mkv").build());
    write.append(ByteBuffer.wrap(bytes));
    write.commit();
    return bytes;
  }

  private static CopyOrder order(long pieceId) {
    return CopyOrder.newBuilder().setPieceId(pieceId).setToken(COPY_TOKEN)
        .setTarget(WorkerRef.newBuilder().setWorkerId("w-target").setAddress("127.0.0.1:1")).build();
  }

  @Test
  void repeatedOrderForACopyUnderWayIsIgnoredAndTheCopyCarriesTheReplicasIdentity() {
    byte[] bytes = storePiece(0x51, 2_500_000);
    sink.answer = WritePieceResponse.newBuilder().setCrc32C(Crc32c.of(bytes, 0, bytes.length)).build();
    sink.ready = false;

    copier.order(List.of(order(0x51), order(0x51)));
    copier.order(List.of(order(0x51)));

    await().atMost(WAIT).until(() -> sink.waiting != null);
    assertThat(copier.pendingCount()).isEqualTo(1);
    sink.becomeReady();
    await().atMost(WAIT).until(() -> copier.doneCount() == 1);
    assertThat(headers).singleElement().satisfies(h -> {
      assertThat(h.getPieceId()).isEqualTo(0x51);
      assertThat(h.getLength()).isEqualTo(bytes.length);
      assertThat(h.getDownstreamCount()).isZero();
      assertThat(h.getPath()).isEqualTo("/v/m.mkv");
      assertThat(h.getVersion()).isEqualTo(2);
      assertThat(h.getToken()).as("the master's copy token, for the target to check").isEqualTo(COPY_TOKEN);
    });
    assertThat(sink.bytes.toByteArray()).isEqualTo(bytes);
    assertThat(sink.completed).isTrue();
    assertThat(copier.pendingCount()).isZero();
  }

  @Test
  void orderForAPieceThisWorkerDoesNotHoldIsReportedFailedAsNotFound() {
    reporter.start();

    copier.order(List.of(order(0x52)));

    await().atMost(WAIT).until(() -> master.reports.stream().anyMatch(r -> r.getFailedCopiesCount() > 0));
    FailedCopy failed = master.reports.stream().map(ReportReplicasRequest::getFailedCopiesList)
        .filter(l -> !l.isEmpty()).findFirst().orElseThrow().get(0);
    assertThat(failed.getPieceId()).isEqualTo(0x52);
    assertThat(failed.getTargetWorkerId()).isEqualTo("w-target");
    assertThat(failed.getReason()).startsWith("NOT_FOUND");
    assertThat(headers).isEmpty();
  }
}
