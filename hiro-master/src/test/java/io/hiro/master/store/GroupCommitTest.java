package io.hiro.master.store;

import static org.assertj.core.api.Assertions.assertThat;

import io.hiro.common.HiroPath;
import io.hiro.common.HostPort;
import io.hiro.common.WorkerId;
import io.hiro.master.core.FakeClock;
import io.hiro.master.core.FileView;
import io.hiro.master.core.Master;
import io.hiro.master.core.PieceCommit;
import io.hiro.master.core.UploadView;
import io.hiro.master.core.WorkerAddress;
import io.hiro.master.core.WorkerRegistration;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(value = 30, unit = TimeUnit.SECONDS)
class GroupCommitTest {
  private static final int WRITERS = 16;
  private static final int CHANGES_PER_WRITER = 25;

  @Test
  void concurrentChangesShareFsyncsAndAllSurvive() throws Exception {
    CrashingFiles files = new CrashingFiles();
    files.forceDelayMillis(5);
    long forcesAtStart;
    try (MasterStore store = MasterStore.open(files, 1_000_000, Long.MAX_VALUE / 2, 0)) {
      Master master = new Master(JournalCrashTest.CONFIG, new FakeClock(), new SplittableRandom(1), store);
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

    try (MasterStore store = MasterStore.open(files.image(), 1_000_000, Long.MAX_VALUE / 2, 0)) {
      Master master = new Master(JournalCrashTest.CONFIG, new FakeClock(), new SplittableRandom(1), store);
      assertThat(master.list(HiroPath.ROOT)).hasSize(changes);
    }
  }

  @Test
  void aStatOnANetworkThreadIsNotReadyWhileAChangeItMayShowWaitsForItsFsync() throws Exception {
    CrashingFiles files = new CrashingFiles();
    ExecutorService pool = Executors.newSingleThreadExecutor();
    try (MasterStore store = MasterStore.open(files, 1_000_000, Long.MAX_VALUE / 2, 0)) {
      Master master = new Master(JournalCrashTest.CONFIG, new FakeClock(), new SplittableRandom(1), store);
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
    try (MasterStore store = MasterStore.open(files, 1_000_000, Long.MAX_VALUE / 2, 0)) {
      Master master = new Master(JournalCrashTest.CONFIG, new FakeClock(), new SplittableRandom(1), store);
      for (int w = 1; w <= 3; w++) {
        master.membership().register(new WorkerRegistration(new WorkerId("w" + w),
            HostPort.parse("10.0.0." + w + ":5050"), 1L << 40, 1L << 39, 1L << 39, new long[0]));
      }
      long forcesBefore = files.forces();
      UploadView upload = master.uploads().createFile(HiroPath.parse("/f"), 10, 0, 0, false);
      assertThat(files.forces()).as("fsyncs to open an upload").isEqualTo(forcesBefore);
      assertThat(recoveredUploads(files)).as("uploads a crash now would leave").isZero();

      List<PieceCommit> pieces = upload.pieces().stream()
          .map(p -> new PieceCommit(p.index(), p.id(), p.lengthBytes(), 7,
              p.replicas().stream().map(WorkerAddress::id).toList()))
          .toList();
      master.uploads().commitFile(upload.uploadId(), pieces, new byte[32]);
      assertThat(files.forces()).as("fsyncs to open and commit a put").isEqualTo(forcesBefore + 1);
    }
    try (MasterStore store = MasterStore.open(files.image(), 1_000_000, Long.MAX_VALUE / 2, 0)) {
      Master master = new Master(JournalCrashTest.CONFIG, new FakeClock(), new SplittableRandom(1), store);
      assertThat(master.list(HiroPath.ROOT)).hasSize(1);
    }
  }

  /**
   * A commit made on a network thread ({@code commitFileIfReady}) is answered only once its record
   * is on disk, from the journal's callback thread, and the file survives a crash right after.
   */
  @Test
  void aCommitThatDoesNotWaitIsAnsweredOnlyOnceDurable() throws Exception {
    CrashingFiles files = new CrashingFiles();
    CompletableFuture<FileView> answer = new CompletableFuture<>();
    try (MasterStore store = MasterStore.open(files, 1_000_000, Long.MAX_VALUE / 2, 0)) {
      Master master = new Master(JournalCrashTest.CONFIG, new FakeClock(), new SplittableRandom(1), store);
      for (int w = 1; w <= 3; w++) {
        master.membership().register(new WorkerRegistration(new WorkerId("w" + w),
            HostPort.parse("10.0.0." + w + ":5050"), 1L << 40, 1L << 39, 1L << 39, new long[0]));
      }
      UploadView upload = master.uploads().createFile(HiroPath.parse("/f"), 10, 0, 0, false);
      List<PieceCommit> pieces = upload.pieces().stream()
          .map(p -> new PieceCommit(p.index(), p.id(), p.lengthBytes(), 7,
              p.replicas().stream().map(WorkerAddress::id).toList()))
          .toList();
      String[] answeredOn = new String[1];
      files.holdForces();
      try {
        boolean started = master.uploads().commitFileIfReady(upload.uploadId(), pieces, new byte[32], (file, failure) -> {
          answeredOn[0] = Thread.currentThread().getName();
          if (failure != null) {
            answer.completeExceptionally(failure);
          } else {
            answer.complete(file);
          }
        });
        assertThat(started).as("the lock was free").isTrue();
        files.awaitHeldForce();
        assertThat(answer).as("answered before its fsync").isNotDone();
        assertThat(master.statIfReady(HiroPath.parse("/f"), false)).as("shown to no one before its fsync").isEmpty();
      } finally {
        files.releaseForces();
      }
      assertThat(answer.get(10, TimeUnit.SECONDS).path()).isEqualTo(HiroPath.parse("/f"));
      assertThat(answeredOn[0]).isEqualTo("journal-callbacks");
    }
    try (MasterStore store = MasterStore.open(files.image(), 1_000_000, Long.MAX_VALUE / 2, 0)) {
      Master master = new Master(JournalCrashTest.CONFIG, new FakeClock(), new SplittableRandom(1), store);
      assertThat(master.list(HiroPath.ROOT)).extracting(FileView::path).containsExactly(HiroPath.parse("/f"));
    }
  }

  private static int recoveredUploads(CrashingFiles files) throws Exception {
    try (MasterStore store = MasterStore.open(files.image(), 1_000_000, Long.MAX_VALUE / 2, 0)) {
      new Master(JournalCrashTest.CONFIG, new FakeClock(), new SplittableRandom(1), store);
      return store.snapshot().getUploadsCount();
    }
  }
}
