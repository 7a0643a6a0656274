package io.hiro.master.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.hiro.common.ErrorCode;
import io.hiro.common.HiroException;
import io.hiro.common.HiroPath;
import io.hiro.master.core.Operation;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

@Timeout(value = 30, unit = TimeUnit.SECONDS)
class JournalTest {
  /** Write points of opening a journal and making one record durable: create, directory sync, write, force. */
  private static final long POINTS_FOR_ONE_RECORD = 4;

  @TempDir Path dir;

  private static Operation mkdir(String path) {
    return new Operation.Mkdir(HiroPath.parse(path), false, 0);
  }

  @AfterEach
  void clearInterrupt() {
    Thread.interrupted();
  }

  @Test
  void aRecordDurableBeforeALaterFailedFlushIsStillReportedCommitted() throws IOException {
    CrashingFiles files = new CrashingFiles(POINTS_FOR_ONE_RECORD + 1, 1, false);
    Journal journal = Journal.open(files, 0);
    long first = journal.append(mkdir("/a"));
    journal.awaitDurable(first);
    long second = journal.append(mkdir("/b"));

    assertThatThrownBy(() -> journal.awaitDurable(second))
        .isInstanceOfSatisfying(HiroException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.UNAVAILABLE));
    assertThat(journal.isFailed()).isTrue();
    journal.awaitDurable(first); // no exception: that change was committed
  }

  @Test
  void anInterruptedCallerThatFlushesKeepsTheJournalWorkingAndItsInterrupt() throws IOException {
    CrashingFiles files = new CrashingFiles();
    files.forceDelayMillis(20); // its force fails if the calling thread is interrupted, as a file channel would
    Journal journal = Journal.open(files, 0);
    long seq = journal.append(mkdir("/a"));

    Thread.currentThread().interrupt();
    journal.awaitDurable(seq);

    assertThat(Thread.interrupted()).as("interrupt restored after the flush").isTrue();
    assertThat(journal.isFailed()).isFalse();
    assertThat(journal.durableSeq()).isEqualTo(seq);
    journal.awaitDurable(journal.append(mkdir("/b")));
  }

  @Test
  void anInterruptDoesNotCloseADiskFileBeingAppended() throws IOException {
    DiskFiles files = new DiskFiles(dir);
    try (StoreFiles.Appender out = files.append("f")) {
      Thread.currentThread().interrupt();
      out.write(new byte[] {1, 2, 3});
      out.force();
      Thread.interrupted();
      out.write(new byte[] {4});
      out.force();
      assertThat(out.sizeBytes()).isEqualTo(4);
    }
    assertThat(Files.readAllBytes(dir.resolve("f"))).containsExactly(1, 2, 3, 4);
  }
}
