package io.hiro.master.core;

import static io.hiro.master.core.MasterFixture.path;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.hiro.common.ErrorCode;
import io.hiro.common.HiroException;
import io.hiro.common.Limits;
import io.hiro.common.PieceId;
import io.hiro.common.WorkerId;
import io.hiro.master.config.MasterConfig;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(value = 10, unit = TimeUnit.SECONDS)
class UploadTest {
  private static void assertFails(ErrorCode code, String messagePart, ThrowingCallable call) {
    assertThatThrownBy(call).isInstanceOf(HiroException.class)
        .satisfies(e -> assertThat(((HiroException) e).code()).isEqualTo(code))
        .hasMessageContaining(messagePart);
  }

  @Test
  void createFileWithNoLiveWorkerSaysHowToStartOne() {
    MasterFixture fixture = new MasterFixture();

    assertFails(ErrorCode.UNAVAILABLE, "hiro worker --port 5050 --master", () -> fixture.create("/f", 1, false));
  }

  @Test
  void createFileRejectsBadShapes() {
    MasterFixture fixture = new MasterFixture();
    fixture.registerWorkers(1);
    Uploads uploads = fixture.master.uploads();

    assertFails(ErrorCode.INVALID_ARGUMENT, "size", () -> uploads.createFile(path("/f"), -1, 0, 0, false));
    assertFails(ErrorCode.INVALID_ARGUMENT, "size",
        () -> uploads.createFile(path("/f"), Limits.FILE_SIZE_MAX_BYTES + 1, 0, 0, false));
    assertFails(ErrorCode.INVALID_ARGUMENT, "replication", () -> uploads.createFile(path("/f"), 1, 17, 0, false));
    assertFails(ErrorCode.INVALID_ARGUMENT, "piece size", () -> uploads.createFile(path("/f"), 1, 0, 1000, false));
    assertFails(ErrorCode.INVALID_ARGUMENT, "pieces", () -> uploads.createFile(path("/f"),
        Limits.PIECES_PER_FILE_MAX * Limits.PIECE_SIZE_MIN_BYTES + 1, 0, Limits.PIECE_SIZE_MIN_BYTES, false));
    assertFails(ErrorCode.INVALID_ARGUMENT, "root", () -> uploads.createFile(path("/"), 1, 0, 0, false));
  }

  @Test
  void replicationGrantedIsCappedByLiveWorkersAndMinReplicasIsAutomatic() {
    MasterFixture fixture = new MasterFixture();
    fixture.registerWorkers(1);
    UploadView alone = fixture.create("/one", 1, false);
    fixture.registerWorkers(2);
    UploadView pair = fixture.create("/two", 3 * MasterFixture.PIECE, false);

    assertThat(alone.replication()).isEqualTo(3);
    assertThat(alone.replicationGranted()).isEqualTo(1);
    assertThat(alone.minReplicas()).isEqualTo(1);
    assertThat(pair.replicationGranted()).isEqualTo(2);
    assertThat(pair.minReplicas()).isEqualTo(2);
    assertThat(pair.pieces()).allSatisfy(p -> assertThat(p.replicas()).hasSize(2)
        .extracting(WorkerAddress::id).doesNotHaveDuplicates());
  }

  @Test
  void thePiecesOfAFileTakeTurnsAsPrimaryOnWorkersThatTieForFreeSpace() {
    MasterFixture fixture = new MasterFixture();
    fixture.registerWorkers(3);
    UploadView upload = fixture.create("/f", 6 * MasterFixture.PIECE, false);

    List<WorkerId> primaries = upload.pieces().stream().map(p -> p.replicas().getFirst().id()).toList();
    // Every worker is in every chain (replication 3 of 3), each one primary of two pieces, in turn.
    assertThat(upload.pieces()).allSatisfy(p -> assertThat(p.replicas()).hasSize(3));
    assertThat(Set.copyOf(primaries.subList(0, 3))).hasSize(3);
    assertThat(primaries.subList(3, 6)).isEqualTo(primaries.subList(0, 3));
  }

  @Test
  void smallFilesOfOnePieceDoNotAllHaveTheSamePrimary() {
    MasterFixture fixture = new MasterFixture();
    fixture.registerWorkers(3);

    Set<WorkerId> primaries = new java.util.HashSet<>();
    for (int i = 0; i < 30; i++) {
      primaries.add(fixture.create("/f" + i, 4096, false).pieces().getFirst().replicas().getFirst().id());
    }

    // The fixture's random is seeded: the starts are the same in every run, and spread over all 3.
    assertThat(primaries).hasSize(3);
  }

  @Test
  void commitNeedsMinReplicasConfirmedForEveryPieceAndNamesThePiece() {
    MasterFixture fixture = new MasterFixture();
    fixture.registerWorkers(3);
    UploadView upload = fixture.create("/f", 2 * MasterFixture.PIECE, false);
    PieceView second = upload.pieces().get(1);
    List<PieceCommit> pieces = upload.pieces().stream()
        .map(p -> new PieceCommit(p.index(), p.id(), p.lengthBytes(), 1,
            p.index() == 1 ? List.of(p.replicas().getFirst().id()) : p.replicas().stream().map(WorkerAddress::id).toList()))
        .toList();

    assertFails(ErrorCode.UNAVAILABLE, second.id().toString(),
        () -> fixture.master.uploads().commitFile(upload.uploadId(), pieces, new byte[32]));
    assertFails(ErrorCode.NOT_FOUND, "/f", () -> fixture.master.stat(path("/f"), false));
  }

  @Test
  void replicasReportedByWorkersCountTowardsTheCommit() {
    MasterFixture fixture = new MasterFixture();
    fixture.registerWorkers(2);
    UploadView upload = fixture.create("/f", 1, false);
    PieceView piece = upload.pieces().getFirst();
    for (WorkerAddress worker : piece.replicas()) {
      fixture.master.membership().reportReplicas(worker.id(), new long[] {piece.id().value()}, new long[0]);
    }

    FileView file = fixture.master.uploads().commitFile(upload.uploadId(),
        List.of(new PieceCommit(0, piece.id(), 1, 9, List.of())), new byte[32]);

    assertThat(file.sizeBytes()).isEqualTo(1);
    assertThat(fixture.master.stat(path("/f"), true).pieces().getFirst().replicas()).hasSize(2);
  }

  @Test
  void commitRejectsMissingWrongAndMisSizedPiecesAndUnknownUploads() {
    MasterFixture fixture = new MasterFixture();
    fixture.registerWorkers(1);
    UploadView upload = fixture.create("/f", MasterFixture.PIECE + 1, false);
    Uploads uploads = fixture.master.uploads();
    List<WorkerId> w1 = List.of(new WorkerId("w1"));
    PieceView first = upload.pieces().get(0);
    PieceView last = upload.pieces().get(1);

    assertFails(ErrorCode.INVALID_ARGUMENT, "lists 1 pieces", () -> uploads.commitFile(upload.uploadId(),
        List.of(new PieceCommit(0, first.id(), first.lengthBytes(), 0, w1)), new byte[32]));
    assertFails(ErrorCode.INVALID_ARGUMENT, "expected 1", () -> uploads.commitFile(upload.uploadId(), List.of(
        new PieceCommit(0, first.id(), first.lengthBytes(), 0, w1), new PieceCommit(1, last.id(), 2, 0, w1)),
        new byte[32]));
    assertFails(ErrorCode.INVALID_ARGUMENT, "not", () -> uploads.commitFile(upload.uploadId(), List.of(
        new PieceCommit(0, new PieceId(5), first.lengthBytes(), 0, w1), new PieceCommit(1, last.id(), 1, 0, w1)),
        new byte[32]));
    assertFails(ErrorCode.INVALID_ARGUMENT, "sha256", () -> uploads.commitFile(upload.uploadId(), List.of(),
        new byte[3]));
    assertFails(ErrorCode.NOT_FOUND, "upload", () -> uploads.commitFile(77, List.of(), new byte[32]));
  }

  @Test
  void allocateChainAvoidsTheNamedWorkers() {
    MasterFixture fixture = new MasterFixture(MasterConfig.builder().defaultReplication(2));
    fixture.registerWorkers(4);
    UploadView upload = fixture.create("/f", 1, false);
    Set<WorkerId> failed = Set.of(upload.pieces().getFirst().replicas().getFirst().id());

    PieceView again = fixture.master.uploads().allocateChain(upload.uploadId(), 0, failed);

    assertThat(again.id()).isEqualTo(upload.pieces().getFirst().id());
    assertThat(again.replicas()).hasSize(2).extracting(WorkerAddress::id).doesNotContainAnyElementsOf(failed);
    assertFails(ErrorCode.INVALID_ARGUMENT, "index", () -> fixture.master.uploads().allocateChain(upload.uploadId(), 3, Set.of()));
  }

  @Test
  void anUncommittedUploadExpiresAndItsChainWorkersAreToldToDeleteItsPieces() {
    MasterFixture fixture = new MasterFixture(MasterConfig.builder().uploadExpiry(Duration.ofMinutes(10)));
    fixture.registerWorkers(2);
    UploadView upload = fixture.create("/f", 1, false);
    long piece = upload.pieces().getFirst().id().value();

    fixture.clock.advance(Duration.ofMinutes(9));
    fixture.heartbeat("w1");
    fixture.heartbeat("w2");
    fixture.master.sweep();
    assertThat(fixture.heartbeat("w1").deletePieceIds()).isEmpty();
    fixture.clock.advance(Duration.ofMinutes(2));
    fixture.master.sweep();

    assertThat(MasterFixture.ids(fixture.heartbeat("w1").deletePieceIds())).containsExactly(piece);
    assertThat(MasterFixture.ids(fixture.heartbeat("w2").deletePieceIds())).containsExactly(piece);
    assertFails(ErrorCode.NOT_FOUND, "not open", () -> fixture.commit(upload));
  }

  @Test
  void abortForgetsTheUploadAndDeletesItsPieces() {
    MasterFixture fixture = new MasterFixture();
    fixture.registerWorkers(1);
    UploadView upload = fixture.create("/f", 1, false);

    fixture.master.uploads().abortUpload(upload.uploadId());

    assertThat(fixture.heartbeat("w1").deletePieceIds()).hasSize(1);
    assertFails(ErrorCode.NOT_FOUND, "not open", () -> fixture.master.uploads().abortUpload(upload.uploadId()));
  }

  @Test
  void deletesGoOutInBoundedBatches() {
    MasterFixture fixture = new MasterFixture();
    fixture.registerWorkers(1);
    int pieces = Limits.DELETES_PER_HEARTBEAT_MAX + 5;
    UploadView upload = fixture.master.uploads().createFile(path("/big"), pieces * Limits.PIECE_SIZE_MIN_BYTES, 1,
        Limits.PIECE_SIZE_MIN_BYTES, false);
    fixture.master.uploads().abortUpload(upload.uploadId());

    assertThat(fixture.heartbeat("w1").deletePieceIds()).hasSize(Limits.DELETES_PER_HEARTBEAT_MAX);
    assertThat(fixture.heartbeat("w1").deletePieceIds()).hasSize(5);
  }

  /** A worker still busy with earlier delete orders gets only as many more as the batch has room for. */
  @Test
  void aWorkerWithDeletesWaitingGetsOnlyTheBatchesRest() {
    MasterFixture fixture = new MasterFixture();
    fixture.registerWorkers(1);
    UploadView upload = fixture.master.uploads().createFile(path("/f"), 10 * Limits.PIECE_SIZE_MIN_BYTES, 1,
        Limits.PIECE_SIZE_MIN_BYTES, false);
    fixture.master.uploads().abortUpload(upload.uploadId());
    WorkerId w1 = new WorkerId("w1");
    WorkerUsage usage = new WorkerUsage(4 * MasterFixture.GIB, MasterFixture.GIB, 3 * MasterFixture.GIB);

    assertThat(fixture.heartbeat(w1, usage, Limits.DELETES_PER_HEARTBEAT_MAX, false).deletes())
        .as("a full batch still waiting on the worker").isEmpty();
    assertThat(fixture.heartbeat(w1, usage, Limits.DELETES_PER_HEARTBEAT_MAX - 3, false).deletes())
        .hasSize(3);
    assertThat(fixture.heartbeat(w1, usage, 0, false).deletes()).hasSize(7);
  }
}
