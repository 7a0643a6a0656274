package io.hiro.master.core;

import static io.hiro.master.core.MasterFixture.path;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.hiro.common.ErrorCode;
import io.hiro.common.HiroException;
import io.hiro.common.WorkerId;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(value = 10, unit = TimeUnit.SECONDS)
class NamespaceOperationsTest {
  private MasterFixture fixture;
  private Master master;

  @BeforeEach
  void setUp() {
    fixture = new MasterFixture();
    fixture.registerWorkers(3);
    master = fixture.master;
  }

  private static void assertFails(ErrorCode code, String messagePart, ThrowingCallable call) {
    assertThatThrownBy(call).isInstanceOf(HiroException.class)
        .satisfies(e -> assertThat(((HiroException) e).code()).isEqualTo(code))
        .hasMessageContaining(messagePart);
  }

  private List<String> names(String dir) {
    return master.list(path(dir)).stream().map(f -> f.path().name()).toList();
  }

  @Test
  void mkdirWithParentsCreatesEveryMissingDirectoryAndAcceptsAnExistingOne() {
    master.mkdir(path("/a/b/c"), true);
    master.mkdir(path("/a/b/c"), true);

    assertThat(master.stat(path("/a/b/c"), false).directory()).isTrue();
    assertThat(master.stat(path("/a"), false).children()).isEqualTo(1);
  }

  @Test
  void mkdirRejectsExistingDirectoriesMissingParentsAndFiles() {
    master.mkdir(path("/a"), false);
    fixture.put("/f", 10);

    assertFails(ErrorCode.ALREADY_EXISTS, "/a", () -> master.mkdir(path("/a"), false));
    assertFails(ErrorCode.NOT_FOUND, "/x", () -> master.mkdir(path("/x/y"), false));
    assertFails(ErrorCode.ALREADY_EXISTS, "/f", () -> master.mkdir(path("/f"), true));
    assertFails(ErrorCode.FAILED_PRECONDITION, "/f is a file", () -> master.mkdir(path("/f/sub"), true));
  }

  @Test
  void putCreatesMissingParentsAndListsThemSorted() {
    fixture.put("/photos/2024/b.jpg", 3 * MasterFixture.PIECE + 5);
    fixture.put("/photos/2024/a.jpg", 0);

    assertThat(names("/photos/2024")).containsExactly("a.jpg", "b.jpg");
    FileView file = master.stat(path("/photos/2024/b.jpg"), true);
    assertThat(file.sizeBytes()).isEqualTo(3 * MasterFixture.PIECE + 5);
    assertThat(file.version()).isEqualTo(1);
    assertThat(file.pieces()).hasSize(4);
    assertThat(file.pieces().get(3).lengthBytes()).isEqualTo(5);
    assertThat(file.pieces().get(3).offsetBytes()).isEqualTo(3 * MasterFixture.PIECE);
    assertThat(file.pieces()).allSatisfy(p -> assertThat(p.replicas()).hasSize(3));
  }

  @Test
  void aFileListsItselfAndAMissingPathIsNotFound() {
    fixture.put("/a.txt", 1);

    assertThat(master.list(path("/a.txt"))).singleElement().satisfies(f -> assertThat(f.directory()).isFalse());
    assertFails(ErrorCode.NOT_FOUND, "/nope", () -> master.list(path("/nope")));
    assertFails(ErrorCode.NOT_FOUND, "/a.txt is a file", () -> master.stat(path("/a.txt/x"), false));
  }

  @Test
  void nothingIsVisibleBeforeCommit() {
    UploadView upload = fixture.create("/later.bin", 100, false);

    assertFails(ErrorCode.NOT_FOUND, "/later.bin", () -> master.stat(path("/later.bin"), false));
    fixture.commit(upload);
    assertThat(master.stat(path("/later.bin"), false).sizeBytes()).isEqualTo(100);
  }

  @Test
  void overwriteSwapsTheNewVersionInAndQueuesTheOldPiecesForDeletion() {
    FileView first = fixture.put("/f", 2 * MasterFixture.PIECE);
    List<Long> oldPieces = master.stat(path("/f"), true).pieces().stream().map(p -> p.id().value()).toList();

    FileView second = fixture.put("/f", 10, true);

    assertThat(second.version()).isEqualTo(first.version() + 1);
    assertThat(second.fileId()).isEqualTo(first.fileId());
    assertThat(master.stat(path("/f"), false).sizeBytes()).isEqualTo(10);
    for (String worker : List.of("w1", "w2", "w3")) {
      assertThat(MasterFixture.ids(fixture.heartbeat(worker).deletePieceIds())).containsExactlyInAnyOrderElementsOf(oldPieces);
    }
  }

  @Test
  void putWithoutOverwriteOnAnExistingPathOrDirectoryIsAlreadyExists() {
    fixture.put("/f", 1);
    master.mkdir(path("/dir"), false);

    assertFails(ErrorCode.ALREADY_EXISTS, "--overwrite", () -> fixture.create("/f", 1, false));
    assertFails(ErrorCode.ALREADY_EXISTS, "is a directory", () -> fixture.create("/dir", 1, true));
    assertFails(ErrorCode.FAILED_PRECONDITION, "/f is a file", () -> fixture.create("/f/child", 1, false));
  }

  @Test
  void commitIsAlreadyExistsWhenAnotherPutCommittedThePathMeanwhile() {
    UploadView slow = fixture.create("/race", 1, false);
    fixture.put("/race", 2);

    assertFails(ErrorCode.ALREADY_EXISTS, "/race", () -> fixture.commit(slow));
    assertThat(master.stat(path("/race"), false).sizeBytes()).isEqualTo(2);
  }

  @Test
  void moveOfADirectoryMovesItsSubtree() {
    fixture.put("/src/a/one", 1);
    fixture.put("/src/two", 2);
    master.mkdir(path("/dst"), false);

    master.move(path("/src"), path("/dst/moved"));

    assertThat(master.stat(path("/dst/moved/a/one"), false).sizeBytes()).isEqualTo(1);
    assertThat(master.stat(path("/dst/moved/two"), false).sizeBytes()).isEqualTo(2);
    assertFails(ErrorCode.NOT_FOUND, "/src", () -> master.stat(path("/src"), false));
  }

  @Test
  void moveIntoAnExistingDirectoryKeepsTheSourceName() {
    fixture.put("/f", 3);
    master.mkdir(path("/dir"), false);

    master.move(path("/f"), path("/dir"));

    assertThat(master.stat(path("/dir/f"), false).sizeBytes()).isEqualTo(3);
    assertFails(ErrorCode.NOT_FOUND, "/f", () -> master.stat(path("/f"), false));
  }

  @Test
  void moveRejectsMissingSourceExistingDestinationItselfAndMissingParent() {
    fixture.put("/a/f", 1);
    fixture.put("/b", 1);

    assertFails(ErrorCode.NOT_FOUND, "/nope", () -> master.move(path("/nope"), path("/x")));
    assertFails(ErrorCode.ALREADY_EXISTS, "/b", () -> master.move(path("/a"), path("/b")));
    assertFails(ErrorCode.INVALID_ARGUMENT, "into itself", () -> master.move(path("/a"), path("/a/inner")));
    assertFails(ErrorCode.NOT_FOUND, "/missing", () -> master.move(path("/a"), path("/missing/a")));
    assertFails(ErrorCode.INVALID_ARGUMENT, "root", () -> master.move(path("/"), path("/x")));
  }

  @Test
  void moveRejectsADirectoryWhosePathsBelowWouldPassTheLimits() {
    String name = "n".repeat(255);
    StringBuilder deep = new StringBuilder();
    for (int i = 0; i < 15; i++) {
      deep.append('/').append(name); // 3,840 characters
    }
    master.mkdir(path(deep.toString()), true);
    master.mkdir(path("/z/" + name), true); // 256 characters more than /z itself

    // Moved into the deep directory, /z would be 3,842 characters long (allowed), the one below it 4,098.
    assertFails(ErrorCode.INVALID_ARGUMENT, "characters long; the limit is 4096",
        () -> master.move(path("/z"), path(deep.toString())));
    assertThat(master.stat(path("/z/" + name), false).directory()).isTrue();

    StringBuilder levels = new StringBuilder();
    for (int i = 0; i < 200; i++) {
      levels.append("/d");
    }
    master.mkdir(path(levels.toString()), true);
    master.mkdir(path("/y" + "/e".repeat(60)), true);
    assertFails(ErrorCode.INVALID_ARGUMENT, "levels deep; the limit is 256",
        () -> master.move(path("/y"), path(levels.toString())));

    // Higher up, the same trees move.
    master.move(path("/y"), path("/d"));
    assertThat(master.stat(path("/d/y" + "/e".repeat(60)), false).directory()).isTrue();
  }

  @Test
  void recursiveDeleteRemovesTheSubtreeCountsFilesAndQueuesEveryReplicaDelete() {
    fixture.put("/d/x", 1);
    fixture.put("/d/sub/y", MasterFixture.PIECE + 1);

    assertThat(master.delete(path("/d"), true)).isEqualTo(2);

    assertFails(ErrorCode.NOT_FOUND, "/d", () -> master.stat(path("/d"), false));
    assertThat(fixture.heartbeat("w1").deletePieceIds()).hasSize(3);
    assertThat(fixture.heartbeat("w1").deletePieceIds()).isEmpty();
    assertThat(master.clusterReport().pieceCount()).isZero();
  }

  @Test
  void deleteRejectsANonEmptyDirectoryWithoutRecursiveTheRootAndAMissingPath() {
    fixture.put("/d/x", 1);

    assertFails(ErrorCode.FAILED_PRECONDITION, "-r", () -> master.delete(path("/d"), false));
    assertFails(ErrorCode.INVALID_ARGUMENT, "root", () -> master.delete(path("/"), true));
    assertFails(ErrorCode.NOT_FOUND, "/nope", () -> master.delete(path("/nope"), false));
    master.mkdir(path("/empty"), false);
    assertThat(master.delete(path("/empty"), false)).isZero();
  }

  @Test
  void aReplicaReportedAfterItsFileWasDeletedIsDeletedButAnUnknownOneIsKept() {
    FileView file = fixture.put("/gone", 1);
    long piece = master.stat(path("/gone"), true).pieces().getFirst().id().value();
    master.delete(path("/gone"), false);
    fixture.heartbeat("w1");

    // Registering queues the deletes of the last answer again; the worker's report of the piece does not count.
    fixture.register("w1", "10.0.0.1:5050", MasterFixture.GIB, piece, 12345L);

    assertThat(MasterFixture.ids(fixture.heartbeat("w1").deletePieceIds())).containsExactly(piece);
    assertThat(file.path()).isEqualTo(path("/gone"));
  }

  /** Puts /gone, deletes it, and hands w1 the delete of its piece in a heartbeat answer; returns the piece. */
  private long goneWithItsDeleteHandedToW1() {
    fixture.put("/gone", 1);
    long piece = master.stat(path("/gone"), true).pieces().getFirst().id().value();
    master.delete(path("/gone"), false);
    assertThat(MasterFixture.ids(fixture.heartbeat("w1").deletePieceIds())).containsExactly(piece);
    return piece;
  }

  /** A write or copy still under way when the delete went out lands after the worker took the order in. */
  @Test
  void aReplicaReportedJustAfterItsDeleteWentOutIsDeletedAgain() {
    long piece = goneWithItsDeleteHandedToW1();

    master.membership().reportReplicas(new WorkerId("w1"), new long[] {piece}, new long[0]);

    assertThat(MasterFixture.ids(fixture.heartbeat("w1").deletePieceIds())).containsExactly(piece);
  }

  /** The worker's heartbeat call failed after the master had answered it: the answer's deletes go out again. */
  @Test
  void theDeletesOfAnAnswerTheWorkerSaysItLostGoOutAgainAndOnlyThen() {
    long piece = goneWithItsDeleteHandedToW1();

    assertThat(MasterFixture.ids(fixture.heartbeat("w1", true).deletePieceIds())).as("lost").containsExactly(piece);
    assertThat(MasterFixture.ids(fixture.heartbeat("w1", false).deletePieceIds())).as("arrived").isEmpty();
  }

  /**
   * A heartbeat the master handles late, after it answered the worker's next one (it waited past its
   * deadline), sends back an older answer's id: the newer answer's deletes go out again.
   */
  @Test
  void aHeartbeatThatSendsBackAnOlderAnswersIdHasTheLastAnswersDeletesSentAgain() {
    fixture.put("/one", 1);
    fixture.put("/two", 1);
    long one = master.stat(path("/one"), true).pieces().getFirst().id().value();
    long two = master.stat(path("/two"), true).pieces().getFirst().id().value();
    WorkerId w1 = new WorkerId("w1");
    WorkerUsage usage = new WorkerUsage(4 * MasterFixture.GIB, MasterFixture.GIB, 3 * MasterFixture.GIB);
    master.delete(path("/one"), false);
    HeartbeatReply first = master.membership().heartbeat(w1, usage, 0, 0L);
    master.delete(path("/two"), false);
    HeartbeatReply second = master.membership().heartbeat(w1, usage, 0, first.answerId());
    assertThat(MasterFixture.ids(first.deletePieceIds())).containsExactly(one);
    assertThat(MasterFixture.ids(second.deletePieceIds())).containsExactly(two);

    HeartbeatReply late = master.membership().heartbeat(w1, usage, 0, first.answerId());

    assertThat(MasterFixture.ids(late.deletePieceIds())).containsExactly(two);
    assertThat(MasterFixture.ids(master.membership().heartbeat(w1, usage, 0, late.answerId()).deletePieceIds()))
        .isEmpty();
  }

  /** A worker that registers again may have restarted before it carried out its last answer's deletes. */
  @Test
  void theDeletesOfTheLastAnswerGoOutAgainAfterARegistration() {
    long piece = goneWithItsDeleteHandedToW1();

    fixture.register("w1", "10.0.0.1:5050", MasterFixture.GIB);

    assertThat(MasterFixture.ids(fixture.heartbeat("w1").deletePieceIds())).containsExactly(piece);
  }

  @Test
  void aBadReplicaIsDroppedFromTheMapAndDeletedOnItsWorker() {
    fixture.put("/f", 1);
    PieceView piece = master.stat(path("/f"), true).pieces().getFirst();
    var bad = piece.replicas().getFirst().id();

    master.reportBadReplica(piece.id(), bad, "crc mismatch");

    assertThat(master.stat(path("/f"), true).pieces().getFirst().replicas()).hasSize(2)
        .noneSatisfy(r -> assertThat(r.id()).isEqualTo(bad));
    assertThat(MasterFixture.ids(fixture.heartbeat(bad.value()).deletePieceIds())).containsExactly(piece.id().value());
    assertThat(master.clusterReport().underReplicatedPieces()).isEqualTo(1);
  }

  @Test
  void theLastLiveReplicaIsKeptWhenReportedBad() {
    fixture.put("/f", 1);
    PieceView piece = master.stat(path("/f"), true).pieces().getFirst();
    List<WorkerId> holders = piece.replicas().stream().map(WorkerAddress::id).toList();

    for (WorkerId holder : holders) {
      master.reportBadReplica(piece.id(), holder, "crc mismatch");
    }

    assertThat(master.stat(path("/f"), true).pieces().getFirst().replicas()).hasSize(1);
    // Kept for a repair, but known bad: no good replica is left, so the report (and fsck) count it missing.
    assertThat(master.clusterReport().missingPieces()).isEqualTo(1);
  }
}
