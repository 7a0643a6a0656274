package io.hiro.master.store;

import static org.assertj.core.api.Assertions.assertThat;

import io.hiro.common.HiroPath;
import io.hiro.master.core.FakeClock;
import io.hiro.master.core.Master;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
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
}
