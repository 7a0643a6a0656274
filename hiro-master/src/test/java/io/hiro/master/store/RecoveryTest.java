package io.hiro.master.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.hiro.common.ErrorCode;
import io.hiro.common.HiroException;
import io.hiro.common.HiroPath;
import io.hiro.master.core.FakeClock;
import io.hiro.master.core.Master;
import io.hiro.master.core.Operation;
import io.hiro.proto.Checkpoint;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

@Timeout(value = 30, unit = TimeUnit.SECONDS)
class RecoveryTest {
  private static final String FIRST_SEGMENT = Journal.segmentName(1);

  private static MasterStore open(StoreFiles files) throws IOException {
    return MasterStore.open(files, 1_000_000, Long.MAX_VALUE / 2, 0);
  }

  /** A master on {@code files} that made directories /d0../d{count-1}, then closed. */
  private static void makeDirectories(StoreFiles files, int count) throws IOException {
    try (MasterStore store = open(files)) {
      Master master = new Master(JournalCrashTest.CONFIG, new FakeClock(), new SplittableRandom(1), store);
      for (int i = 0; i < count; i++) {
        master.mkdir(HiroPath.parse("/d" + i), false);
      }
    }
  }

  private static List<String> recoveredPaths(StoreFiles files) throws IOException {
    try (MasterStore store = open(files)) {
      List<String> paths = new ArrayList<>();
      for (Operation operation : store.recoveredOperations()) {
        if (operation instanceof Operation.Mkdir mkdir) {
          paths.add(mkdir.path().toString());
        }
      }
      return paths;
    }
  }

  @Test
  void aTornLastRecordIsCutAndEverythingBeforeItReplays() throws IOException {
    CrashingFiles files = new CrashingFiles();
    makeDirectories(files, 3);
    int intact = files.bytesOf(FIRST_SEGMENT).length;
    byte[] record = RecordFormat.encode(new byte[] {1, 2, 3, 4, 5, 6, 7, 8, 9});
    try (StoreFiles.Appender out = files.append(FIRST_SEGMENT)) {
      out.write(java.util.Arrays.copyOf(record, record.length - 3));
    }

    assertThat(recoveredPaths(files)).containsExactly("/d0", "/d1", "/d2");
    assertThat(files.bytesOf(FIRST_SEGMENT)).hasSize(intact);
  }

  @Test
  void aDamagedRecordInTheMiddleStopsStartUpNamingTheFileAndOffset() throws IOException {
    CrashingFiles files = new CrashingFiles();
    makeDirectories(files, 3);
    RecordFormat.Scan scan = RecordFormat.scan(files.bytesOf(FIRST_SEGMENT));
    long second = scan.entries().get(1).offset();
    files.corrupt(FIRST_SEGMENT, (int) second + RecordFormat.HEADER_BYTES + 2, (byte) 0x7f);

    assertThatThrownBy(() -> open(files))
        .isInstanceOfSatisfying(HiroException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.DATA_LOSS))
        .hasMessageContaining(FIRST_SEGMENT)
        .hasMessageContaining("damaged at byte " + second)
        .hasMessageContaining("will not start");
  }

  @ParameterizedTest(name = "length byte {0} set to {1}")
  @CsvSource({"0, 127", "1, 16"}) // above the record limit; above the rest of the file but under the limit
  void aBitFlipInALengthInTheMiddleStopsStartUpInsteadOfCuttingAcknowledgedRecords(int lengthByte, int value)
      throws IOException {
    CrashingFiles files = new CrashingFiles();
    makeDirectories(files, 3);
    byte[] before = files.bytesOf(FIRST_SEGMENT);
    long second = RecordFormat.scan(before).entries().get(1).offset();
    files.corrupt(FIRST_SEGMENT, (int) second + lengthByte, (byte) value);

    assertThatThrownBy(() -> open(files))
        .isInstanceOfSatisfying(HiroException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.DATA_LOSS))
        .hasMessageContaining(FIRST_SEGMENT)
        .hasMessageContaining("damaged at byte " + second)
        .hasMessageContaining("a valid record follows at byte");
    assertThat(files.bytesOf(FIRST_SEGMENT)).hasSize(before.length);
  }

  @Test
  void aTornTailFollowedOnlyByAStaleRecordIsStillCut() throws IOException {
    CrashingFiles files = new CrashingFiles();
    makeDirectories(files, 3);
    byte[] intact = files.bytesOf(FIRST_SEGMENT);
    RecordFormat.Entry first = RecordFormat.scan(intact).entries().getFirst();
    byte[] stale = RecordFormat.encode(first.payload()); // valid checksum, but a seq already read
    try (StoreFiles.Appender out = files.append(FIRST_SEGMENT)) {
      out.write(new byte[] {0, 0, 0, 40, 1, 2, 3});
      out.write(stale);
    }

    assertThat(recoveredPaths(files)).containsExactly("/d0", "/d1", "/d2");
    assertThat(files.bytesOf(FIRST_SEGMENT)).hasSize(intact.length);
  }

  @Test
  void aDamagedNewestCheckpointFallsBackToTheOneBefore() throws IOException {
    CrashingFiles files = new CrashingFiles();
    try (MasterStore store = MasterStore.open(files, 2, Long.MAX_VALUE / 2, 0)) {
      Master master = new Master(JournalCrashTest.CONFIG, new FakeClock(), new SplittableRandom(1), store);
      for (int i = 0; i < 7; i++) {
        master.mkdir(HiroPath.parse("/d" + i), false);
      }
    }
    List<String> checkpoints = JournalCrashTest.sorted(files.list().stream()
        .filter(n -> n.startsWith("checkpoint-")).toList());
    assertThat(checkpoints).hasSize(Checkpoints.KEPT);
    files.corrupt(checkpoints.getLast(), RecordFormat.HEADER_BYTES + 1, (byte) 0x55);

    try (MasterStore store = open(files)) {
      Master master = new Master(JournalCrashTest.CONFIG, new FakeClock(), new SplittableRandom(1), store);
      assertThat(store.recoveredCheckpoint().seq()).isEqualTo(Checkpoints.seqOf(checkpoints.getFirst()));
      assertThat(master.list(HiroPath.ROOT)).hasSize(7);
    }
  }

  @Test
  void aCheckpointOfSeveralRecordsAndOneOfTheOldSingleRecordFormBothRestoreFromADisk(@TempDir Path dir)
      throws IOException {
    CrashingFiles memory = new CrashingFiles();
    String below = ("/" + "n".repeat(250)).repeat(14);
    int count = 100; // trees of 15 directories with paths of ~2,000 characters: ~3 MB of entries, three records
    try (MasterStore store = open(memory)) {
      Master master = new Master(JournalCrashTest.CONFIG, new FakeClock(), new SplittableRandom(1), store);
      for (int i = 0; i < count; i++) {
        master.mkdir(HiroPath.parse("/" + i + below), true);
      }
      assertThat(store.checkpoint(0)).isTrue();
    }
    for (String file : memory.list()) {
      Files.write(dir.resolve(file), memory.read(file));
    }
    String checkpoint = memory.list().stream().filter(n -> Checkpoints.seqOf(n) > 0).findFirst().orElseThrow();
    List<RecordFormat.Entry> records = RecordFormat.scan(memory.read(checkpoint), Checkpoints.CHECKPOINT_BYTES_MAX)
        .entries();
    assertThat(records).hasSize(3);
    assertThat(restoredDirectories(new DiskFiles(dir))).isEqualTo(count);

    ByteArrayOutputStream message = new ByteArrayOutputStream();
    records.forEach(record -> message.writeBytes(record.payload()));
    byte[] oldForm = Checkpoint.parseFrom(message.toByteArray()).toBuilder().clearFormat().clearTotals().build()
        .toByteArray();
    Files.write(dir.resolve(checkpoint), CheckpointBytes.oneRecord(oldForm));
    assertThat(restoredDirectories(new DiskFiles(dir))).isEqualTo(count);
  }

  /** The directories under / of a master started on {@code files}, which must have a checkpoint and no journal after it. */
  private static int restoredDirectories(StoreFiles files) throws IOException {
    try (MasterStore store = open(files)) {
      Master master = new Master(JournalCrashTest.CONFIG, new FakeClock(), new SplittableRandom(1), store);
      assertThat(store.recoveredCheckpoint()).isNotNull();
      assertThat(store.recoveredOperations()).isEmpty();
      return master.list(HiroPath.ROOT).size();
    }
  }
}
