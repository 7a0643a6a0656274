package io.hiro.master.store;

import static org.assertj.core.api.Assertions.assertThat;

import io.hiro.common.HiroException;
import io.hiro.common.HiroPath;
import io.hiro.common.HostPort;
import io.hiro.common.Limits;
import io.hiro.common.WorkerId;
import io.hiro.master.core.FakeClock;
import io.hiro.master.core.FileView;
import io.hiro.master.core.Master;
import io.hiro.master.core.PieceCommit;
import io.hiro.master.core.ReplicaChanges;
import io.hiro.master.core.UploadView;
import io.hiro.master.core.WorkerAddress;
import io.hiro.master.core.WorkerRegistration;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.function.BiConsumer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(value = 30, unit = TimeUnit.SECONDS)
class GroupCommitTest {
  private static final int WRITERS = 16;
  private static final int CHANGES_PER_WRITER = 25;
  private static final Duration ANSWER_WAIT = Duration.ofSeconds(10);

  @Test
  void concurrentChangesShareFsyncsAndAllSurvive() throws Exception {
    CrashingFiles files = new CrashingFiles();
    files.forceDelayMillis(5);
    long forcesAtStart;
    try (MasterStore store = open(files)) {
      Master master = masterOf(store);
      forcesAtStart = files.forces();
      ExecutorService pool = Executors.newFixedThreadPool(WRITERS);
      try {
        List<Future<?>> writers = new ArrayList<>();
        for (int w = 0; w < WRITERS; w++) {
          int writer = w;
          writers.add(pool.submit(() -> {
            for (int i = 0; i < CHANGES_PER_WRITER; i++) {
              master.mkdir(HiroPath.parse("/w" + writer + "-" + i), false);
            }
          }));
        }
        for (Future<?> writer : writers) {
          writer.get();
        }
      } finally {
        pool.shutdownNow();
      }
    }
    int changes = WRITERS * CHANGES_PER_WRITER;
    long forces = files.forces() - forcesAtStart;
    System.out.println("GroupCommitTest: " + changes + " changes, " + forces + " fsyncs");
    assertThat(forces).isLessThanOrEqualTo(changes / 4);

    try (MasterStore store = open(files.image())) {
      Master master = masterOf(store);
      assertThat(master.list(HiroPath.ROOT)).hasSize(changes);
    }
  }

  @Test
  void aStatOnANetworkThreadIsNotReadyWhileAChangeItMayShowWaitsForItsFsync() throws Exception {
    CrashingFiles files = new CrashingFiles();
    ExecutorService pool = Executors.newSingleThreadExecutor();
    try (MasterStore store = open(files)) {
      Master master = masterOf(store);
      master.mkdir(HiroPath.parse("/a"), false);
      assertThat(master.statIfReady(HiroPath.parse("/a"), false)).isPresent();

      files.holdForces();
      Future<?> mkdir;
      try {
        mkdir = pool.submit(() -> master.mkdir(HiroPath.parse("/b"), false));
        files.awaitHeldForce();
        assertThat(master.statIfReady(HiroPath.parse("/"), false)).as("the root, whose /b is not durable yet")
            .isEmpty();
        assertThat(master.statIfReady(HiroPath.parse("/a"), false)).as("any read while a record waits").isEmpty();
      } finally {
        files.releaseForces(); // else closing the store would wait for the held fsync
      }
      mkdir.get();
      assertThat(master.statIfReady(HiroPath.parse("/b"), false)).isPresent();
      assertThat(master.statIfReady(HiroPath.parse("/"), false))
          .hasValueSatisfying(root -> assertThat(root.children()).isEqualTo(2));
    } finally {
      pool.shutdownNow();
    }
  }

  @Test
  void aPutCostsOneFsyncAndOpeningItNone() throws Exception {
    CrashingFiles files = new CrashingFiles();
    try (MasterStore store = open(files)) {
      Master master = masterOf(store);
      registerThreeWorkers(master);
      long forcesBefore = files.forces();
      UploadView upload = master.uploads().createFile(HiroPath.parse("/f"), 10, 0, 0, false);
      assertThat(files.forces()).as("fsyncs to open an upload").isEqualTo(forcesBefore);
      assertThat(recoveredUploads(files)).as("uploads a crash now would leave").isZero();

      List<PieceCommit> pieces = piecesOf(upload);
      master.uploads().commitFile(upload.uploadId(), pieces, new byte[32]);
      assertThat(files.forces()).as("fsyncs to open and commit a put").isEqualTo(forcesBefore + 1);
    }
    try (MasterStore store = open(files.image())) {
      Master master = masterOf(store);
      assertThat(master.list(HiroPath.ROOT)).hasSize(1);
    }
  }

  /**
   * A replica report journals nothing and its empty answer shows nothing: while an opened upload's
   * record waits for its commit's fsync, a report is answered at once, on the thread that made it,
   * and one made where it may wait returns at once too; neither costs an fsync (session 44: each
   * report that waited for the open upload's record made the journal fsync ahead of the commit).
   */
  @Test
  void aReplicaReportNeitherWaitsForNorCostsAnFsync() throws Exception {
    CrashingFiles files = new CrashingFiles();
    ExecutorService pool = Executors.newSingleThreadExecutor();
    try (MasterStore store = open(files)) {
      Master master = masterOf(store);
      registerThreeWorkers(master);
      UploadView upload = master.uploads().createFile(HiroPath.parse("/f"), 10, 0, 0, false);
      ReplicaChanges stored = ReplicaChanges.of(new long[] {upload.pieces().getFirst().id().value()}, new long[0]);
      long forcesBefore = files.forces();
      CompletableFuture<String> answer = new CompletableFuture<>();
      files.holdForces(); // a report that waited for the journal would wait for good
      try {
        assertThat(master.membership().reportReplicasIfReady(new WorkerId("w1"), stored,
            failure -> answer.complete((failure == null ? "taken" : failure.toString()) + " on "
                + Thread.currentThread().getName()))).as("the lock was free").isTrue();
        assertThat(answer).as("answered at once, on the thread that made it")
            .isCompletedWithValue("taken on " + Thread.currentThread().getName());
        assertThat(pool.submit(() -> master.membership().reportReplicas(new WorkerId("w2"), stored)))
            .as("a report made where it may wait").succeedsWithin(ANSWER_WAIT);
      } finally {
        files.releaseForces();
      }
      assertThat(files.forces()).as("fsyncs for the reports").isEqualTo(forcesBefore);
      master.uploads().commitFile(upload.uploadId(), piecesOf(upload), new byte[32]);
      assertThat(files.forces()).as("the commit's fsync, which covers the upload's record").isEqualTo(forcesBefore + 1);
    } finally {
      pool.shutdownNow();
    }
  }

  /**
   * A commit made on a network thread ({@code commitFileIfReady}) is answered only once its record
   * is on disk, from the journal's callback thread, and the file survives a crash right after.
   */
  @Test
  void aCommitThatDoesNotWaitIsAnsweredOnlyOnceDurable() throws Exception {
    CrashingFiles files = new CrashingFiles();
    CompletableFuture<String> answer = new CompletableFuture<>();
    try (MasterStore store = open(files)) {
      Master master = masterOf(store);
      registerThreeWorkers(master);
      UploadView upload = master.uploads().createFile(HiroPath.parse("/f"), 10, 0, 0, false);
      files.holdForces();
      try {
        commitIfReady(master, upload, answerInto(answer));
        files.awaitHeldForce();
        assertThat(answer).as("answered before its fsync").isNotDone();
        assertThat(master.statIfReady(HiroPath.parse("/f"), false)).as("shown to no one before its fsync").isEmpty();
      } finally {
        files.releaseForces();
      }
      assertThat(answer).succeedsWithin(ANSWER_WAIT).isEqualTo("/f on journal-callbacks");
    }
    try (MasterStore store = open(files.image())) {
      Master master = masterOf(store);
      assertThat(master.list(HiroPath.ROOT)).extracting(FileView::path).containsExactly(HiroPath.parse("/f"));
    }
  }

  /**
   * A mkdir made on a network thread ({@code mkdirIfReady}) is answered only once its record is on
   * disk, from the journal's callback thread, and survives a crash right after; one that fails is
   * answered at once, on the thread that made it.
   */
  @Test
  void aMkdirThatDoesNotWaitIsAnsweredOnlyOnceDurableAndAFailedOneAtOnce() throws Exception {
    CrashingFiles files = new CrashingFiles();
    CompletableFuture<String> answer = new CompletableFuture<>();
    CompletableFuture<String> again = new CompletableFuture<>();
    try (MasterStore store = open(files)) {
      Master master = masterOf(store);
      files.holdForces();
      try {
        assertThat(master.mkdirIfReady(HiroPath.parse("/d"), false, mkdirAnswerInto(answer, "/d"))).isTrue();
        files.awaitHeldForce();
        assertThat(answer).as("answered before its fsync").isNotDone();
      } finally {
        files.releaseForces();
      }
      assertThat(answer).succeedsWithin(ANSWER_WAIT).isEqualTo("/d on journal-callbacks");

      assertThat(master.mkdirIfReady(HiroPath.parse("/d"), false, mkdirAnswerInto(again, "/d"))).isTrue();
      assertThat(again).as("a mkdir of an existing dir").isDone().isCompletedWithValue("ALREADY_EXISTS on "
          + Thread.currentThread().getName());
    }
    try (MasterStore store = open(files.image())) {
      Master master = masterOf(store);
      assertThat(master.list(HiroPath.ROOT)).extracting(FileView::path).containsExactly(HiroPath.parse("/d"));
    }
  }

  /** A mkdir's answer as "<path or error code> on <thread>", into {@code answer}. */
  private static BiConsumer<Void, RuntimeException> mkdirAnswerInto(CompletableFuture<String> answer, String path) {
    return (done, failure) -> answer.complete((failure == null ? path : ((HiroException) failure).code().name())
        + " on " + Thread.currentThread().getName());
  }

  /** A commit of many pieces is left to a thread that may wait: its checks and its record would hold the lock. */
  @Test
  void aCommitOfManyPiecesIsNotMadeOnANetworkThread() throws Exception {
    CrashingFiles files = new CrashingFiles();
    try (MasterStore store = open(files)) {
      Master master = masterOf(store);
      registerThreeWorkers(master);
      long pieceSize = Limits.PIECE_SIZE_MIN_BYTES;
      UploadView few = master.uploads().createFile(HiroPath.parse("/few"), Master.PIECES_READY_MAX * pieceSize, 0,
          pieceSize, false);
      UploadView many = master.uploads().createFile(HiroPath.parse("/many"), Master.PIECES_READY_MAX * pieceSize + 1,
          0, pieceSize, false);
      assertThat(many.pieces()).hasSize(Master.PIECES_READY_MAX + 1);
      CompletableFuture<String> answer = new CompletableFuture<>();

      assertThat(master.uploads().commitFileIfReady(many.uploadId(), piecesOf(many), new byte[32],
          answerInto(answer))).as("made on the network thread").isFalse();
      commitIfReady(master, few, answerInto(answer));

      assertThat(answer).succeedsWithin(ANSWER_WAIT).isEqualTo("/few on journal-callbacks");
      assertThat(master.list(HiroPath.ROOT)).extracting(FileView::path).containsExactly(HiroPath.parse("/few"));
      assertThat(master.uploads().commitFile(many.uploadId(), piecesOf(many), new byte[32]).path())
          .isEqualTo(HiroPath.parse("/many"));
    }
  }

  /**
   * The journal fails between two fsyncs while the callback thread has callbacks of both in one
   * batch: the commit whose record an earlier fsync made durable is answered with its file, the one
   * whose fsync failed with UNAVAILABLE, never with success, and the thread goes on answering.
   */
  @Test
  void aFailedFsyncFailsOnlyTheCommitsItWasToMakeDurableAndTheCallbackThreadGoesOn() throws Exception {
    CrashingFiles files = new CrashingFiles();
    try (MasterStore store = open(files)) {
      Master master = masterOf(store);
      registerThreeWorkers(master);
      UploadView first = master.uploads().createFile(HiroPath.parse("/first"), 10, 0, 0, false);
      UploadView durable = master.uploads().createFile(HiroPath.parse("/durable"), 10, 0, 0, false);
      UploadView lost = master.uploads().createFile(HiroPath.parse("/lost"), 10, 0, 0, false);
      // The first commit's callback holds the callback thread, so the next two queue up as one batch.
      CountDownLatch callbackThreadHeld = new CountDownLatch(1);
      CountDownLatch releaseCallbackThread = new CountDownLatch(1);
      commitIfReady(master, first, (file, failure) -> {
        callbackThreadHeld.countDown();
        awaitUninterruptibly(releaseCallbackThread);
      });
      assertThat(callbackThreadHeld.await(10, TimeUnit.SECONDS)).as("the first commit answered").isTrue();

      CompletableFuture<String> durableAnswer = new CompletableFuture<>();
      commitIfReady(master, durable, answerInto(durableAnswer));
      master.mkdir(HiroPath.parse("/d"), false); // its fsync makes the commit of /durable durable too
      long durableSeq = store.durableSeq();
      files.failForces();
      CompletableFuture<String> lostAnswer = new CompletableFuture<>();
      commitIfReady(master, lost, answerInto(lostAnswer));
      assertThat(durableAnswer).as("queued behind the held callback").isNotDone();
      releaseCallbackThread.countDown();

      assertThat(durableAnswer).as("the commit made durable before the failure").succeedsWithin(ANSWER_WAIT)
          .isEqualTo("/durable on journal-callbacks");
      assertThat(lostAnswer).as("the commit whose fsync failed").succeedsWithin(ANSWER_WAIT)
          .isEqualTo("UNAVAILABLE on journal-callbacks");
      assertThat(store.durableSeq()).isEqualTo(durableSeq);
      assertThat(store.isFailed()).isTrue();

      CompletableFuture<String> laterAnswer = new CompletableFuture<>();
      store.whenDurable(store.appendedSeq(), failure -> laterAnswer.complete(
          (failure == null ? "durable" : failure.code().name()) + " on " + Thread.currentThread().getName()));
      assertThat(laterAnswer).as("a callback after the failure").succeedsWithin(ANSWER_WAIT)
          .isEqualTo("UNAVAILABLE on journal-callbacks");
    }
    try (MasterStore store = open(files.image())) {
      Master master = masterOf(store);
      assertThat(master.list(HiroPath.ROOT)).extracting(FileView::path).extracting(HiroPath::toString)
          .containsExactlyInAnyOrder("/first", "/durable", "/d");
    }
  }

  /** A store that never checkpoints here, so every change stays in the journal. */
  private static MasterStore open(CrashingFiles files) throws IOException {
    return MasterStore.open(files, 1_000_000, Long.MAX_VALUE / 2, 0);
  }

  private static Master masterOf(MasterStore store) {
    return new Master(JournalCrashTest.CONFIG, new FakeClock(), new SplittableRandom(1), store);
  }

  private static void commitIfReady(Master master, UploadView upload, BiConsumer<FileView, RuntimeException> then) {
    boolean started = master.uploads().commitFileIfReady(upload.uploadId(), piecesOf(upload), new byte[32], then);
    assertThat(started).as("the lock was free").isTrue();
  }

  /** A commit's answer as "<path or error code> on <thread>", into {@code answer}. */
  private static BiConsumer<FileView, RuntimeException> answerInto(CompletableFuture<String> answer) {
    return (file, failure) -> answer.complete((failure == null ? file.path().toString()
        : ((HiroException) failure).code().name()) + " on " + Thread.currentThread().getName());
  }

  private static void awaitUninterruptibly(CountDownLatch latch) {
    try {
      latch.await();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private static void registerThreeWorkers(Master master) {
    for (int w = 1; w <= 3; w++) {
      master.membership().register(new WorkerRegistration(new WorkerId("w" + w),
          HostPort.parse("10.0.0." + w + ":5050"), 1L << 40, 1L << 39, 1L << 39, new long[0]));
    }
  }

  private static List<PieceCommit> piecesOf(UploadView upload) {
    return upload.pieces().stream()
        .map(p -> new PieceCommit(p.index(), p.id(), p.lengthBytes(), 7,
            p.replicas().stream().map(WorkerAddress::id).toList()))
        .toList();
  }

  private static int recoveredUploads(CrashingFiles files) throws Exception {
    try (MasterStore store = open(files.image())) {
      masterOf(store);
      return store.snapshot().getUploadsCount();
    }
  }
}
