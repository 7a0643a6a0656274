package io.hiro.master.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.google.common.util.concurrent.Uninterruptibles;
import io.hiro.common.HiroPath;
import io.hiro.master.core.FakeClock;
import io.hiro.master.core.Master;
import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(value = 30, unit = TimeUnit.SECONDS)
class CheckpointRetryTest {
  private static final Duration RETRY_MIN = Duration.ofMillis(MasterStore.CHECKPOINT_RETRY_MILLIS_MIN);

  /**
   * Files whose checkpoint temp files cannot be written while {@link #full} is set, as on a full
   * disk, and whose writes of them wait while {@link #gate} is closed (the writer counts down
   * {@link #writing} first). {@link #events} lists journal segments closed and files renamed, in order.
   */
  private static final class FullDiskFiles implements StoreFiles {
    private final StoreFiles disk = new CrashingFiles();
    volatile boolean full;
    volatile boolean forcesFail;
    volatile boolean writeErrors;
    volatile CountDownLatch gate = new CountDownLatch(0);
    final CountDownLatch writing = new CountDownLatch(1);
    volatile int checkpointAttempts;
    final List<String> events = new CopyOnWriteArrayList<>();

    @Override
    public List<String> list() throws IOException {
      return disk.list();
    }

    @Override
    public byte[] read(String name) throws IOException {
      return disk.read(name);
    }

    @Override
    public Appender append(String name) throws IOException {
      Appender appender = disk.append(name);
      boolean temp = name.startsWith("checkpoint-") && name.endsWith(".tmp");
      checkpointAttempts += temp ? 1 : 0;
      return new Appender() {
        @Override
        public void write(byte[] bytes) throws IOException {
          if (temp) {
            writing.countDown();
            Uninterruptibles.awaitUninterruptibly(gate);
          }
          if (temp && writeErrors) {
            throw new OutOfMemoryError("test: no native memory for the write");
          }
          if (temp && full) {
            appender.write(java.util.Arrays.copyOf(bytes, bytes.length / 2));
            throw new IOException("No space left on device");
          }
          appender.write(bytes);
        }

        @Override
        public void force() throws IOException {
          if (temp && forcesFail) {
            throw new IOException("Input/output error");
          }
          appender.force();
        }

        @Override
        public long sizeBytes() throws IOException {
          return appender.sizeBytes();
        }

        @Override
        public void close() throws IOException {
          appender.close();
          if (name.startsWith("journal-")) {
            events.add("closed " + name);
          }
        }
      };
    }

    @Override
    public void truncate(String name, long sizeBytes) throws IOException {
      disk.truncate(name, sizeBytes);
    }

    @Override
    public void rename(String from, String to) throws IOException {
      disk.rename(from, to);
      events.add("renamed " + to);
    }

    @Override
    public void delete(String name) throws IOException {
      disk.delete(name);
    }

    @Override
    public void syncDirectory() throws IOException {
      disk.syncDirectory();
    }

    List<String> named(String prefix, String suffix) throws IOException {
      return list().stream().filter(n -> n.startsWith(prefix) && n.endsWith(suffix)).toList();
    }
  }

  @Test
  void aFailedCheckpointLeavesNoTempFileAndIsRetriedOnlyAfterABackOffThatDoubles() throws IOException {
    FullDiskFiles files = new FullDiskFiles();
    FakeClock clock = new FakeClock();
    try (MasterStore store = MasterStore.open(files, 2, Long.MAX_VALUE / 2, clock.millis())) {
      Master master = new Master(JournalCrashTest.CONFIG, clock, new SplittableRandom(1), store);
      files.full = true;
      int attemptsBefore = files.checkpointAttempts;
      for (int i = 0; i < 10; i++) {
        master.mkdir(HiroPath.parse("/d" + i), false);
      }
      assertThat(files.checkpointAttempts - attemptsBefore).as("attempts while backing off").isEqualTo(1);
      assertThat(files.named("checkpoint-", ".tmp")).as("temp files left").isEmpty();

      clock.advance(RETRY_MIN);
      master.mkdir(HiroPath.parse("/after-one-minute"), false);
      assertThat(files.checkpointAttempts - attemptsBefore).isEqualTo(2);
      clock.advance(RETRY_MIN);
      master.mkdir(HiroPath.parse("/after-two-minutes"), false);
      assertThat(files.checkpointAttempts - attemptsBefore).as("the back-off doubled to two minutes").isEqualTo(2);

      files.full = false;
      clock.advance(RETRY_MIN);
      master.mkdir(HiroPath.parse("/after-three-minutes"), false);
      assertThat(files.checkpointAttempts - attemptsBefore).isEqualTo(3);
      assertThat(files.named("checkpoint-", ".ckpt")).isNotEmpty();
      assertThat(files.named("checkpoint-", ".tmp")).isEmpty();
      master.mkdir(HiroPath.parse("/e1"), false);
      master.mkdir(HiroPath.parse("/e2"), false);
      assertThat(files.checkpointAttempts - attemptsBefore).as("no back-off after a success").isEqualTo(4);
    }
  }

  @Test
  void closeLetsACheckpointBeingWrittenFinishEvenWhenInterruptedAndNoneStartsAfter() throws Exception {
    FullDiskFiles files = new FullDiskFiles();
    FakeClock clock = new FakeClock();
    MasterStore store = MasterStore.open(files, Long.MAX_VALUE / 2, Long.MAX_VALUE / 2, clock.millis());
    Master master = new Master(JournalCrashTest.CONFIG, clock, new SplittableRandom(1), store);
    for (int i = 0; i < 3; i++) {
      master.mkdir(HiroPath.parse("/d" + i), false);
    }
    long lastSeq = store.appendedSeq();
    files.gate = new CountDownLatch(1);
    CompletableFuture<Boolean> checkpoint;
    CompletableFuture<Boolean> closed = new CompletableFuture<>();
    try {
      checkpoint = CompletableFuture.supplyAsync(() -> store.checkpoint(clock.millis()));
      files.writing.await();
      // A stopping master's thread is often interrupted: the close must wait all the same.
      Thread closer = new Thread(() -> {
        try {
          Thread.currentThread().interrupt();
          store.close();
          closed.complete(Thread.interrupted());
        } catch (Throwable e) {
          closed.completeExceptionally(e);
        }
      }, "closer");
      closer.setDaemon(true);
      closer.start();
      await().atMost(Duration.ofSeconds(10)).until(() -> closer.getState() != Thread.State.RUNNABLE
          && closer.getState() != Thread.State.NEW);
      assertThat(closed).as("close() must wait for the checkpoint being written").isNotDone();
    } finally {
      files.gate.countDown();
    }

    assertThat(checkpoint.get(10, TimeUnit.SECONDS)).as("the checkpoint succeeded").isTrue();
    assertThat(closed.get(10, TimeUnit.SECONDS)).as("the closing thread's interrupt is kept").isTrue();
    String renamed = "renamed " + Checkpoints.name(lastSeq);
    assertThat(files.events).contains(renamed);
    assertThat(files.events.getLast()).as("the journal is closed after the checkpoint is in place: " + files.events)
        .startsWith("closed journal-");
    int attempts = files.checkpointAttempts;
    assertThat(store.checkpoint(clock.millis())).as("a checkpoint after close").isFalse();
    assertThat(files.checkpointAttempts).isEqualTo(attempts);
    assertThat(files.named("checkpoint-", ".tmp")).isEmpty();

    try (MasterStore reopened = MasterStore.open(files, Long.MAX_VALUE / 2, Long.MAX_VALUE / 2, clock.millis())) {
      assertThat(reopened.recoveredCheckpoint()).isNotNull();
      assertThat(reopened.recoveredCheckpoint().seq()).isEqualTo(lastSeq);
      assertThat(reopened.recoveredOperations()).isEmpty();
    }
  }

  @Test
  void changesGoOnWhileTheCheckpointsTempFileWaitsForTheDisk() throws Exception {
    FullDiskFiles files = new FullDiskFiles();
    FakeClock clock = new FakeClock();
    long checkpointSeq;
    try (MasterStore store = MasterStore.open(files, Long.MAX_VALUE / 2, Long.MAX_VALUE / 2, clock.millis())) {
      Master master = new Master(JournalCrashTest.CONFIG, clock, new SplittableRandom(1), store);
      master.mkdir(HiroPath.parse("/before"), false);
      checkpointSeq = store.appendedSeq();
      files.gate = new CountDownLatch(1);
      CompletableFuture<Boolean> checkpoint;
      try {
        checkpoint = CompletableFuture.supplyAsync(() -> store.checkpoint(clock.millis()));
        files.writing.await(); // the temp file's first write is held, as by a stalled disk
        // A thread of its own: here (JDK 25, 2 cores) the checkpoint's task took the common pool's only worker.
        CompletableFuture<Void> change = CompletableFuture.runAsync(() -> master.mkdir(HiroPath.parse("/during"), false),
            task -> Thread.ofPlatform().daemon().start(task));
        change.get(10, TimeUnit.SECONDS);
        assertThat(checkpoint).as("the checkpoint waits for its file").isNotDone();
      } finally {
        files.gate.countDown();
      }
      assertThat(checkpoint.get(10, TimeUnit.SECONDS)).isTrue();
      assertThat(files.named("checkpoint-", ".ckpt")).containsExactly(Checkpoints.name(checkpointSeq));
    }
    try (MasterStore reopened = MasterStore.open(files, Long.MAX_VALUE / 2, Long.MAX_VALUE / 2, clock.millis())) {
      Master master = new Master(JournalCrashTest.CONFIG, clock, new SplittableRandom(1), reopened);
      assertThat(reopened.recoveredCheckpoint().seq()).isEqualTo(checkpointSeq);
      assertThat(master.list(HiroPath.ROOT)).extracting(e -> e.path().toString()).containsExactly("/before", "/during");
    }
  }

  @Test
  void aCheckpointWhoseFsyncFailsLeavesNoTempFileAndTheCheckpointBefore() throws IOException {
    FullDiskFiles files = new FullDiskFiles();
    FakeClock clock = new FakeClock();
    try (MasterStore store = MasterStore.open(files, Long.MAX_VALUE / 2, Long.MAX_VALUE / 2, clock.millis())) {
      Master master = new Master(JournalCrashTest.CONFIG, clock, new SplittableRandom(1), store);
      master.mkdir(HiroPath.parse("/a"), false);
      assertThat(store.checkpoint(clock.millis())).isTrue();
      List<String> before = files.named("checkpoint-", ".ckpt");
      master.mkdir(HiroPath.parse("/b"), false);
      files.forcesFail = true;
      assertThat(store.checkpoint(clock.millis())).isFalse();
      assertThat(files.named("checkpoint-", ".tmp")).isEmpty();
      assertThat(files.named("checkpoint-", ".ckpt")).isEqualTo(before);
    }
  }

  @Test
  void aCheckpointWhoseWriterFailsEvenWithAnErrorFailsBeforeTheJournalIsRolledAndHoldsNoChange() throws IOException {
    FullDiskFiles files = new FullDiskFiles();
    FakeClock clock = new FakeClock();
    try (MasterStore store = MasterStore.open(files, Long.MAX_VALUE / 2, Long.MAX_VALUE / 2, clock.millis())) {
      store.checkpointRecordBytes(64); // ~100 records: the writer's queue would fill with the writer gone
      Master master = new Master(JournalCrashTest.CONFIG, clock, new SplittableRandom(1), store);
      for (int i = 0; i < 300; i++) {
        master.mkdir(HiroPath.parse("/d" + i), false);
      }
      List<String> segments = files.named("journal-", ".log");
      files.writeErrors = true;

      assertThat(store.checkpoint(clock.millis())).isFalse();
      assertThat(files.named("checkpoint-", ".tmp")).isEmpty();
      assertThat(files.named("checkpoint-", ".ckpt")).isEmpty();
      assertThat(files.named("journal-", ".log")).as("no segment rolled for a checkpoint that failed")
          .isEqualTo(segments);
      master.mkdir(HiroPath.parse("/after"), false);

      files.writeErrors = false;
      assertThat(store.checkpoint(clock.millis())).isTrue();
    }
  }
}
